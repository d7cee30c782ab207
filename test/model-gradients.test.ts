/**
 * Whole-model weight gradients of each tutorial system on wasm (with our kernels) against
 * the cpu backend. Tolerance: per weight tensor, max |wasm - cpu| / max |cpu| < 1e-3
 * (gradients pass through several layers of float32 sums; a wrong kernel gives O(1) errors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useWasm, useCpu, rng, randomValues, relativeError } from './helpers';
import * as s0 from '../lib/models/dcgan-mnist';

const TOLERANCE = 1e-3;

/** Gradients of the two GAN losses with respect to every trainable weight of G and D. */
function ganGradients(g: tf.LayersModel, d: tf.LayersModel, z: tf.Tensor, real: tf.Tensor): Float32Array[] {
  return tf.tidy(() => {
    const vars = [...g.trainableWeights, ...d.trainableWeights].map((w) => (w as unknown as { val: tf.Variable }).val);
    const { grads } = tf.variableGrads(() => {
      // predict() runs layers in inference mode, so Dropout is off and the result deterministic.
      const fake = d.predict(g.predict(z) as tf.Tensor) as tf.Tensor;
      const onReal = d.predict(real) as tf.Tensor;
      const gLoss = fake.clipByValue(1e-6, 1).log().neg().mean();
      return gLoss.add(onReal.mean()) as tf.Scalar;
    }, vars);
    return vars.map((v) => grads[v.name].dataSync() as Float32Array);
  });
}

test('S0 (dcgan-mnist): weight gradients on wasm match cpu', async () => {
  await useCpu();
  const g = s0.defineGenerator(100);
  const d = s0.defineDiscriminator();
  const r = rng(5);
  const z = tf.tensor2d(randomValues([3, 100], r), [3, 100]);
  const real = tf.tensor4d(randomValues([3, 28, 28, 1], r).map((v) => (v + 1) / 2), [3, 28, 28, 1]);
  const ref = ganGradients(g, d, z, real);
  await useWasm();
  const got = ganGradients(g, d, z, real);
  assert.equal(got.length, 4 * 2 + 3 * 2);
  got.forEach((v, i) => {
    const e = relativeError(v, ref[i]);
    assert.ok(e < TOLERANCE, `weight ${i}: relative error ${e}`);
  });
});
