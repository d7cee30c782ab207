/**
 * Training moves the right way: the targets of the step (real = 1, fake = 0, the generator
 * trained towards "real", `realLabel`) checked by what they do, with fixed seeds, on real MNIST.
 * Swapping any of them makes one of these fail (a test that only checked that weights moved
 * would not notice). Runs on GAN_TEST_BACKEND (default wasm; scripts/test.sh runs it on native too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from './helpers';
import { loadMnist } from '../lib/data/mnist';
import { scaleToUnit, scaleToSymmetric } from '../lib/data/scale';
import { defineDiscriminator } from '../lib/models/dcgan-mnist';
import { buildSystem, getSystem } from '../lib/systems/registry';
import { setGlobalSeed } from '../lib/random';
import { generateRealSamples } from '../lib/training/samples';
import { GanModels, generateLatentPoints, runGenerator } from '../lib/models/gan';
import { trainStep, updateGenerator } from '../lib/training/step';
import { defineGan } from '../lib/models/dcgan-mnist';

/** Mean of D's real/fake output (the first head for an AC-GAN) on `x`. */
function meanD(d: tf.LayersModel, x: tf.Tensor | tf.Tensor[]): number {
  return tf.tidy(() => {
    const out = d.predict(x) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out[0] : out).mean().dataSync()[0];
  });
}

test("tutorial 000's discriminator learns real MNIST from uniform noise in 30 updates of 128 + 128 (accuracy >= 0.9 on both)", async () => {
  await useTestBackend();
  setGlobalSeed(11);
  const ds = await loadMnist({ limit: 4000 });
  const pool = scaleToUnit(ds.train.images) as tf.Tensor4D;
  const d = defineDiscriminator();
  const half = 128; // tutorial 000's train_discriminator: half_batch = 128 (it runs 100 iterations)
  for (let i = 0; i < 30; i++) {
    const real = generateRealSamples(pool, half);
    const noise = tf.randomUniform([half, 28, 28, 1]);
    await d.trainOnBatch(real.x, real.y);
    await d.trainOnBatch(noise, tf.zeros([half, 1]));
    tf.dispose([real.x, real.y, noise]);
  }
  const testReal = scaleToUnit(ds.test.images.slice(0, 256)) as tf.Tensor4D;
  const testNoise = tf.randomUniform([256, 28, 28, 1], 0, 1, 'float32', 5);
  const accReal = tf.tidy(() => (d.predict(testReal) as tf.Tensor).greater(0.5).toFloat().mean().dataSync()[0]);
  const accNoise = tf.tidy(() => (d.predict(testNoise) as tf.Tensor).lessEqual(0.5).toFloat().mean().dataSync()[0]);
  assert.ok(accReal >= 0.9, `accuracy on real test digits ${accReal}`);
  assert.ok(accNoise >= 0.9, `accuracy on noise ${accNoise}`);
  tf.dispose([pool, testReal, testNoise, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  tf.disposeVariables();
});

test('the step trains D towards real = 1, fake = 0: after 20 steps D scores real digits above generated ones', async () => {
  await useTestBackend();
  setGlobalSeed(12);
  const ds = await loadMnist({ limit: 2000 });
  const pool = scaleToUnit(ds.train.images) as tf.Tensor4D;
  const models = buildSystem(getSystem('dcgan-mnist'));
  for (let i = 0; i < 20; i++) {
    const real = generateRealSamples(pool, 64);
    await trainStep(models, real.x);
    tf.dispose([real.x, real.y]);
  }
  const real = pool.slice(0, 512);
  const fake = tf.tidy(() => runGenerator(models.generator, generateLatentPoints(100, 512, 3)));
  const gap = meanD(models.discriminator, real) - meanD(models.discriminator, fake);
    // Early on G still draws noise-like blots and D is ahead, but only slightly (measured: 0.036 on
  // native with this seed); with the targets swapped the gap is negative.
  assert.ok(gap > 0.01, `mean D(real) - mean D(fake) = ${gap}`);
  tf.dispose([pool, real, fake, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  tf.disposeVariables();
});

test('one composite update raises D(G(z)) for a fixed z (the generator is trained towards "real")', async () => {
  await useTestBackend();
  setGlobalSeed(13);
  const models = buildSystem(getSystem('dcgan-mnist'));
  const z = generateLatentPoints(100, 128, 21);
  const before = meanD(models.discriminator, tf.tidy(() => runGenerator(models.generator, z)));
  await updateGenerator(models, 128);
  const after = meanD(models.discriminator, tf.tidy(() => runGenerator(models.generator, z)));
  assert.ok(after > before, `mean D(G(z)) ${before} -> ${after}`);
  z.dispose();
  tf.disposeVariables();
});

test("realLabel 0.9 trains D on targets 0.9 / 0 and its loss is the cross-entropy formula's", async () => {
  await useTestBackend();
  setGlobalSeed(14);
  // A discriminator without dropout, so its loss in the update equals the formula on its output.
  const d = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  d.compile({ optimizer: tf.train.adam(0.0002, 0.5), loss: 'binaryCrossentropy' });
  const generator = buildSystem(getSystem('dcgan-mnist')).generator;
  const models: GanModels = { generator, discriminator: d, gan: defineGan(generator, d), latentDim: 100 };
  let expected = NaN;
  let targets: number[] = [];
  const original = d.trainOnBatch.bind(d);
  d.trainOnBatch = async (x, y) => {
    targets = Array.from((y as tf.Tensor).dataSync());
    expected = tf.tidy(() => {
      const p = (d.predict(x as tf.Tensor) as tf.Tensor).clipByValue(1e-7, 1 - 1e-7);
      const t = y as tf.Tensor;
      return t.mul(p.log()).add(tf.sub(1, t).mul(tf.sub(1, p).log())).neg().mean().dataSync()[0];
    });
    return original(x, y);
  };
  const real = tf.randomUniform([16, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
  const { dLoss } = await trainStep(models, real, { realLabel: 0.9 });
  assert.deepEqual(targets.map((t) => Math.round(t * 100) / 100), [...new Array(16).fill(0.9), ...new Array(16).fill(0)]);
  assert.ok(Math.abs(dLoss - expected) < 1e-4, `D loss ${dLoss}, formula ${expected}`);
  real.dispose();
  tf.disposeVariables();
});

test('conditional GAN (cgan-mnist): D learns to score a real digit higher with its own label than with a wrong one', async () => {
  await useTestBackend();
  setGlobalSeed(15);
  const ds = await loadMnist({ limit: 6000 });
  const images = scaleToSymmetric(ds.train.images) as tf.Tensor4D;
  const labels = ds.train.labels;
  const models = buildSystem(getSystem('cgan-mnist'));
  const n = 128;
  const x = images.slice(0, 512);
  const own = tf.tidy(() => labels.slice(0, 512).reshape([-1, 1]).toFloat());
  const wrong = tf.tidy(() => own.add(1).mod(10));
  const gap = () => meanD(models.discriminator, [x, own]) - meanD(models.discriminator, [x, wrong]);
  const gapBefore = gap();
  for (let i = 0; i < 100; i++) {
    const idx = tf.randomUniform([n], 0, images.shape[0], 'int32');
    const real = tf.gather(images, idx) as tf.Tensor4D;
    const realLabels = tf.gather(labels, idx) as tf.Tensor1D;
    await trainStep(models, real, { labels: realLabels });
    tf.dispose([idx, real, realLabels]);
  }
  const gapAfter = gap();
  assert.ok(gapAfter > gapBefore + 0.02, `D(real, own label) - D(real, wrong label): ${gapBefore} -> ${gapAfter}`);
  tf.dispose([images, x, own, wrong, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  tf.disposeVariables();
});

test("AC-GAN (acgan-mnist): the discriminator's class head classifies real digits far above chance after 40 steps", async () => {
  await useTestBackend();
  setGlobalSeed(16);
  const ds = await loadMnist({ limit: 4000 });
  const images = scaleToSymmetric(ds.train.images) as tf.Tensor4D;
  const models = buildSystem(getSystem('acgan-mnist'));
  const testImages = scaleToSymmetric(ds.test.images.slice(0, 500)) as tf.Tensor4D;
  const testLabels = ds.test.labels.slice(0, 500);
  const accuracy = () => tf.tidy(() => {
    // In training mode, as D runs in its own updates: after 40 steps BatchNorm's moving averages
    // (momentum 0.99) are still near their start, so inference mode stays near chance for longer.
    const [, classes] = models.discriminator.apply(testImages, { training: true }) as tf.Tensor[];
    return classes.argMax(1).equal(testLabels.toInt()).toFloat().mean().dataSync()[0];
  });
  const before = accuracy();
  for (let i = 0; i < 40; i++) {
    const idx = tf.randomUniform([32], 0, images.shape[0], 'int32');
    const real = tf.gather(images, idx) as tf.Tensor4D;
    const realLabels = tf.gather(ds.train.labels, idx) as tf.Tensor1D;
    await trainStep(models, real, { labels: realLabels, generatorBatch: 32 });
    tf.dispose([idx, real, realLabels]);
  }
  const after = accuracy();
  // Measured on native with this seed: 0.15 after 10 steps, 0.37 after 40.
  assert.ok(after >= 0.25 && after > before + 0.1, `class-head accuracy on 500 real test digits ${before} -> ${after} (chance 0.1)`);
  tf.dispose([images, testImages, testLabels, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  tf.disposeVariables();
});
