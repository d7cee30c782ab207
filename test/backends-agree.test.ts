/**
 * The native backend (tfjs-node on TensorFlow's C library) and wasm (with this project's
 * kernels) train the same: S0 (dcgan-mnist) and S3 (cgan-fashion) from the same seed — the same
 * initial weights, batches, latent points and dropout masks, all drawn in JavaScript from the
 * seeded generator whatever the backend — give the same losses step by step.
 *
 * Tolerance: both compute in float32 but sum in different orders (oneDNN vs XNNPACK and our
 * kernels), about 1e-6 relative per op; measured on this machine the losses of three steps
 * differ by at most 1.8e-7 (S0) and 2.4e-7 (S3). 1e-4 leaves room for other CPUs' summation
 * orders (and Adam's division by a tiny running RMS) while a wrong kernel (a transposed filter,
 * a missed bias, BatchNorm in the wrong mode) moves the first loss by 1e-3 or more.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, parseBackendName, describeBackend } from '../lib/engine/backend';
import { loadMnist, loadFashionMnist } from '../lib/data/mnist';
import { scaleToUnit, scaleToSymmetric } from '../lib/data/scale';
import { buildSystem, getSystem } from '../lib/systems/registry';
import { setGlobalSeed } from '../lib/random';
import { trainStep } from '../lib/training/step';

const STEPS = 3;
const TOLERANCE = 1e-4;

async function lossesOn(backend: 'native' | 'wasm', system: string, images: Float32Array, labels: Int32Array | undefined, shape: [number, number, number, number]): Promise<number[]> {
  await initBackend(backend, { verbose: false, threads: 2 });
  setGlobalSeed(7);
  const models = buildSystem(getSystem(system));
  const real = tf.tensor4d(images, shape);
  const realLabels = labels ? tf.tensor1d(labels, 'int32') : undefined;
  const losses: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const { dLoss, gLoss } = await trainStep(models, real, realLabels ? { labels: realLabels } : {});
    losses.push(dLoss, gLoss);
  }
  tf.dispose([real, ...(realLabels ? [realLabels] : [])]);
  tf.disposeVariables();
  return losses;
}

for (const [system, load, scale, n] of [
  ['dcgan-mnist', loadMnist, scaleToUnit, 64],
  ['cgan-fashion', loadFashionMnist, scaleToSymmetric, 32],
] as const) {
  test(`${system}: ${STEPS} seeded steps give the same losses on native and wasm (within ${TOLERANCE})`, async () => {
    await initBackend('cpu', { verbose: false });
    const ds = await load({ limit: n });
    const images = (scale(ds.train.images) as tf.Tensor).dataSync() as Float32Array;
    const labels = system.startsWith('cgan') ? (ds.train.labels.dataSync() as Int32Array) : undefined;
    const shape: [number, number, number, number] = [n, 28, 28, 1];
    const native = await lossesOn('native', system, images, labels, shape);
    const wasm = await lossesOn('wasm', system, images, labels, shape);
    const worst = Math.max(...native.map((v, i) => Math.abs(v - wasm[i])));
    assert.ok(native.every(Number.isFinite) && native[0] > 0.3, `native losses ${native}`);
    assert.ok(worst < TOLERANCE, `largest loss difference ${worst}\nnative ${native.map((v) => v.toFixed(6))}\nwasm   ${wasm.map((v) => v.toFixed(6))}`);
    console.log(`# ${system}: largest loss difference native vs wasm over ${STEPS} steps: ${worst.toExponential(2)}`);
  });
}

test('DenseBincount (tf.layers.categoryEncoding) runs on native and equals cpu: one-hot, multi-hot, counts, weighted', async () => {
  const cases = () => {
    const labels = tf.tensor1d([0, 7, 3, 7, 9], 'int32');
    const rows = tf.tensor2d([[1, 1, 4], [0, 2, 9]], [2, 3], 'int32');
    const weights = tf.tensor2d([[0.5, 2, 1], [3, 1, 0.25]]);
    const layer = tf.layers.categoryEncoding({ numTokens: 10, outputMode: 'oneHot' });
    return [
      tf.denseBincount(labels, [], 10, false),
      tf.denseBincount(rows, [], 10, true),
      tf.denseBincount(rows, weights, 10, false),
      layer.apply(tf.tensor2d([[0], [7], [3]])) as tf.Tensor,
    ].map((t) => ({ shape: t.shape, values: Array.from(t.dataSync()) }));
  };
  await initBackend('cpu', { verbose: false });
  const onCpu = cases();
  await initBackend('native', { verbose: false });
  const onNative = cases();
  assert.deepEqual(onNative, onCpu);
  assert.deepEqual(onNative[3].shape, [3, 10]);
  assert.deepEqual(onNative[1].values.slice(0, 10), [0, 1, 0, 0, 1, 0, 0, 0, 0, 0]);   // binary: 1 twice counts once
  assert.equal(onNative[2].values[1], 2.5);   // weights of the two 1s: 0.5 + 2
});

test('backend names: webgpu and webgl (or gpu) are known, and in Node they are refused with what to choose instead', async () => {
  assert.equal(parseBackendName('webgl'), 'webgl');
  assert.equal(parseBackendName('GPU'), 'webgl');
  assert.equal(parseBackendName('WebGPU'), 'webgpu');
  assert.throws(() => parseBackendName('metal'), /Unknown backend "metal": use one of native, webgpu, webgl, wasm, cpu/);
  const before = tf.getBackend();
  await assert.rejects(initBackend('webgl', { verbose: false }), /webgl runs only in a browser \(the lessons in JupyterLite\); here choose native or wasm/);
  await assert.rejects(initBackend('webgpu', { verbose: false }), /webgpu runs only in a browser \(the lessons in JupyterLite\); here choose native or wasm/);
  assert.equal(tf.getBackend(), before, 'the refused choice left the backend as it was');
  assert.equal(describeBackend({ name: 'webgpu', tfName: 'webgpu', threads: 0, reason: 'a test', brief: 'test' }), 'Backend: webgpu (the GPU) because a test.');
  assert.equal(describeBackend({ name: 'webgl', tfName: 'webgl', threads: 0, reason: 'a test', brief: 'test' }), 'Backend: webgl (the GPU) because a test.');
});
