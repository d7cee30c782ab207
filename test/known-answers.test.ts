/**
 * Checks against answers known in advance, instead of range checks that any output passes:
 * a perfect and an always-wrong discriminator in summarize_performance, a "generator" that
 * returns real digits of the class asked for, and slerp against linear interpolation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from './helpers';
import { buildSystem, getSystem } from '../lib/systems/registry';
import { summarizePerformance } from '../lib/training/summarize';
import { interpolateLatent } from '../lib/models/latent';
import { loadMnist } from '../lib/data/mnist';
import { scaleToUnit } from '../lib/data/scale';
import { loadReference, evaluateGenerator } from '../lib/metrics/evaluate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-known-'));

/**
 * A discriminator that tells all-ones images (our "real" data) from the untrained generator's
 * images (sigmoid outputs near 0.5): 100 * mean(x) - 75 is +25 for ones and about -25 for them.
 * `wrong` flips it, so it calls every real image fake and every fake real.
 */
function stubDiscriminator(wrong: boolean): tf.LayersModel {
  const sign = wrong ? -1 : 1;
  const d = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  d.layers[1].setWeights([tf.fill([784, 1], (sign * 100) / 784), tf.tensor1d([sign * -75])]);
  return d;
}

test('summarize_performance: a perfect discriminator scores accReal 1 and accFake 1; an always-wrong one 0 and 0', async () => {
  await useTestBackend();
  const models = buildSystem(getSystem('dcgan-mnist'));
  const real = tf.ones([50, 28, 28, 1]) as tf.Tensor4D;
  for (const [wrong, expected] of [[false, 1], [true, 0]] as const) {
    const summary = await summarizePerformance(1, { ...models, discriminator: stubDiscriminator(wrong) }, real, path.join(tmp, String(wrong)), { n: 20 });
    assert.equal(summary.accReal, expected, `wrong=${wrong}: accReal`);
    assert.equal(summary.accFake, expected, `wrong=${wrong}: accFake (the share of fakes judged fake)`);
  }
  real.dispose();
  tf.disposeVariables();
});

test('slerp between orthogonal vectors of equal norm keeps the norm at its midpoint; linear interpolation shrinks it to 1/sqrt(2)', async () => {
  await useTestBackend();
  const a = tf.tensor1d([3, 0, 0, 0]);
  const b = tf.tensor1d([0, 3, 0, 0]);
  const midNorm = (mode: 'linear' | 'slerp') => tf.tidy(() => interpolateLatent(a, b, 3, mode).slice(1, 1).norm().dataSync()[0]);
  assert.ok(Math.abs(midNorm('slerp') - 3) < 1e-5, `slerp midpoint norm ${midNorm('slerp')}`);
  assert.ok(Math.abs(midNorm('linear') - 3 / Math.SQRT2) < 1e-5, `linear midpoint norm ${midNorm('linear')}`);
  // And slerp's midpoint is on the bisector.
  assert.deepEqual(Array.from(tf.tidy(() => interpolateLatent(a, b, 3, 'slerp').slice(1, 1).dataSync())).map((v) => Math.round(v * 1e4) / 1e4), [3 / Math.SQRT2, 3 / Math.SQRT2, 0, 0].map((v) => Math.round(v * 1e4) / 1e4));
  tf.dispose([a, b]);
});

test('a "generator" that returns a real test digit of the class asked for scores >= 90% conditional accuracy; one that ignores the class scores about 10%', async () => {
  await useTestBackend();
  const ds = await loadMnist({ limit: 1000 });
  const labels = Array.from(ds.test.labels.dataSync());
  // One real test digit per class, as the rows of an embedding: label k -> digit k's 784 pixels.
  const exemplars = tf.tidy(() => tf.concat(Array.from({ length: 10 }, (_, k) => scaleToUnit(ds.test.images.slice(labels.indexOf(k), 1)).reshape([1, 784]))));
  const build = (ignoreClass: boolean) => {
    const z = tf.input({ shape: [100] });
    const label = tf.input({ shape: [1] });
    const table = tf.layers.embedding({ inputDim: 10, outputDim: 784, weights: [ignoreClass ? tf.tile(exemplars.slice(3, 1), [10, 1]) : exemplars] });
    const pixels = tf.layers.flatten().apply(table.apply(label)) as tf.SymbolicTensor;
    // z enters with zero weight, so the model has the generator's two inputs.
    const noise = tf.layers.dense({ units: 784, kernelInitializer: 'zeros', biasInitializer: 'zeros' }).apply(z) as tf.SymbolicTensor;
    const image = tf.layers.reshape({ targetShape: [28, 28, 1] }).apply(tf.layers.add().apply([pixels, noise])) as tf.SymbolicTensor;
    return tf.model({ inputs: [z, label], outputs: image });
  };
  const reference = await loadReference('mnist');
  const right = evaluateGenerator(build(false), '0-1', reference, { samples: 500, kidSubsets: 5, kidSubsetSize: 100 });
  const ignoring = evaluateGenerator(build(true), '0-1', reference, { samples: 500, kidSubsets: 5, kidSubsetSize: 100 });
  assert.ok(right.conditionalAccuracy!.overall >= 0.9, `conditional accuracy ${right.conditionalAccuracy!.overall}`);
  assert.ok(Math.abs(ignoring.conditionalAccuracy!.overall - 0.1) < 0.02, `a class-blind generator: ${ignoring.conditionalAccuracy!.overall}`);
  // Ten images only: the classes are covered but FID is far from the real test set's.
  assert.equal(right.coverage.covered, 10);
  tf.dispose([exemplars, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  tf.disposeVariables();
});
