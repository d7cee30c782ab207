/**
 * Whole-model weight gradients of each tutorial system on wasm (with our kernels) against
 * the cpu backend. Tolerance: per weight tensor, max |wasm - cpu| / max |cpu| < 5e-3.
 * Gradients pass through up to eight layers of float32 sums of 10^3-10^4 terms taken in a
 * different order on each backend (seen: up to 2e-3 for the AC-GAN's label embedding);
 * a wrong kernel gives errors of order 1.
 * dcgan-64 (S4) is left out: its 64x64 layers with 1024 channels take minutes per pass on
 * the cpu backend. Every kernel it uses (4x4 stride-2 convolutions and transposed
 * convolutions, a 4x4 valid one, BatchNorm, LeakyReLU) is checked in kernels.test.ts and here.
 * Models run in inference mode so Dropout is off and both backends compute the same thing;
 * BatchNormalization's training mode is checked on its own below.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useWasm, useCpu, rng, randomValues, relativeError } from './helpers';
import { getSystem, SYSTEMS } from '../lib/systems/registry';
import { setGlobalSeed } from '../lib/random';

const TOLERANCE = 5e-3;

const vars = (m: tf.LayersModel) => m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);

/** Gradients of a GAN-like loss with respect to every trainable weight of G and D. */
function ganGradients(g: tf.LayersModel, d: tf.LayersModel, z: tf.Tensor, labels: tf.Tensor, real: tf.Tensor, kind: string): Float32Array[] {
  return tf.tidy(() => {
    const all = [...vars(g), ...vars(d)];
    const head = (o: tf.Tensor | tf.Tensor[]) => (Array.isArray(o) ? o[0].sum().add(o[1].square().sum()) : o.clipByValue(1e-6, 1).log().neg().mean());
    const { grads } = tf.variableGrads(() => {
      const fake = (kind === 'plain' ? g.predict(z) : g.predict([z, labels])) as tf.Tensor;
      const onFake = kind === 'conditional' ? d.predict([fake, labels]) : d.predict(fake);
      const onReal = kind === 'conditional' ? d.predict([real, labels]) : d.predict(real);
      return head(onFake as tf.Tensor).add(head(onReal as tf.Tensor)) as tf.Scalar;
    }, all);
    return all.map((v) => grads[v.name].dataSync() as Float32Array);
  });
}

for (const name of Object.keys(SYSTEMS).filter((n) => n !== 'dcgan-64')) {
  test(`${name}: weight gradients on wasm match cpu`, async () => {
    const system = getSystem(name);
    await useCpu();
    setGlobalSeed(`gradients-${name}`); // the same initial weights on every run
    const { generator, discriminator } = system.buildNetworks();
    const r = rng(5);
    const z = tf.tensor2d(randomValues([2, system.latentDim], r), [2, system.latentDim]);
    const labels = tf.tensor2d([[3], [8]]);
    const real = tf.tensor4d(randomValues([2, ...system.imageShape], r), [2, ...system.imageShape]);
    const ref = ganGradients(generator, discriminator, z, labels, real, system.kind);
    await useWasm();
    const got = ganGradients(generator, discriminator, z, labels, real, system.kind);
    assert.equal(got.length, generator.trainableWeights.length + discriminator.trainableWeights.length);
    got.forEach((v, i) => {
      const e = relativeError(v, ref[i]);
      assert.ok(e < TOLERANCE, `weight ${i}: relative error ${e}`);
    });
  });
}

test('BatchNormalization in training mode (batch statistics) matches cpu, forward and gradients', async () => {
  const r = rng(8);
  const x = randomValues([6, 5, 5, 7], r);
  // A random weighting: with sum(y^2) the gradient of beta is 0 up to rounding noise.
  const weights = randomValues([6, 5, 5, 7], r);
  const layer = tf.layers.batchNormalization({ momentum: 0.8 });
  layer.apply(tf.zeros([1, 5, 5, 7]));
  const run = () => tf.tidy(() => {
    const xt = tf.tensor4d(x, [6, 5, 5, 7]);
    const wt = tf.tensor4d(weights, [6, 5, 5, 7]);
    const f = (a: tf.Tensor) => (layer.apply(a, { training: true }) as tf.Tensor).mul(wt).sum();
    const { value, grads } = tf.variableGrads(() => f(xt) as tf.Scalar, vars({ trainableWeights: layer.trainableWeights } as unknown as tf.LayersModel));
    const gx = tf.grad(f)(xt);
    return [value.dataSync(), ...Object.values(grads).map((g) => g.dataSync()), gx.dataSync()];
  });
  await useCpu();
  const ref = run();
  await useWasm();
  const got = run();
  ref.forEach((v, i) => assert.ok(relativeError(got[i], v) < TOLERANCE, `output ${i}: ${relativeError(got[i], v)}`));
});
