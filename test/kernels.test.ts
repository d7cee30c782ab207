/**
 * Our wasm training kernels against tfjs's cpu backend, on random and edge-case shapes.
 * Tolerance: max |wasm - cpu| / max |cpu| < 1e-4 (float32 sums of up to a few thousand terms
 * in a different order agree to about 1e-6; 1e-4 leaves room without hiding a wrong index).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useWasm, useCpu, rng, randomValues, relativeError } from './helpers';
import { batchNormGradient, registerBatchNormGradient, stockBatchNormGradient } from '../lib/engine/kernels/batch-norm-grad';
import { preluRowLength } from '../lib/engine/kernels/leaky-relu';
import { backpropInputTuning, phaseAxis } from '../lib/engine/kernels/conv2d-backprop-input';
import { installFusedAdam, uninstallFusedAdam } from '../lib/engine/kernels/adam';

const TOLERANCE = 1e-4;

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];
interface ConvCase {
  x: [number, number, number, number];
  f: [number, number, number, number];
  s: number | [number, number];
  pad: Pad;
  round?: 'floor' | 'ceil' | 'round';
}

const EDGE_CASES: ConvCase[] = [
  { x: [1, 1, 1, 1], f: [1, 1, 1, 1], s: 1, pad: 'valid' },
  { x: [1, 5, 5, 1], f: [3, 3, 1, 1], s: 1, pad: 'same' },
  { x: [1, 28, 28, 1], f: [3, 3, 1, 64], s: 2, pad: 'same' }, // S0 discriminator, first layer
  { x: [2, 14, 14, 64], f: [3, 3, 64, 64], s: 2, pad: 'same' }, // S0 discriminator, second layer
  { x: [2, 14, 14, 128], f: [4, 4, 128, 128], s: 2, pad: 'same' }, // S0 generator (as transposed)
  { x: [2, 28, 28, 128], f: [7, 7, 128, 1], s: 1, pad: 'same' }, // S0 output layer: one output channel
  { x: [2, 28, 28, 1], f: [5, 5, 1, 64], s: 2, pad: 'same' }, // S1 discriminator: one input channel
  { x: [1, 9, 9, 3], f: [3, 3, 3, 2], s: 3, pad: 'same' },
  { x: [1, 10, 7, 2], f: [3, 3, 2, 2], s: 3, pad: 'valid' },
  { x: [3, 7, 9, 2], f: [2, 5, 2, 3], s: [1, 2], pad: 'same' }, // non-square filter and strides
  { x: [2, 8, 8, 2], f: [4, 4, 2, 2], s: 2, pad: 'valid' },
  { x: [1, 9, 9, 2], f: [4, 4, 2, 2], s: 2, pad: 'valid' }, // last row never read
  { x: [2, 10, 11, 2], f: [5, 5, 2, 3], s: 2, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [2, 10, 10, 2], f: [3, 3, 2, 2], s: 2, pad: 1, round: 'ceil' },
  { x: [2, 10, 10, 2], f: [3, 3, 2, 2], s: 2, pad: 1, round: 'floor' },
  { x: [1, 4, 4, 1], f: [4, 4, 1, 1], s: 1, pad: 'valid' }, // filter as large as the input
  { x: [1, 4, 4, 1], f: [1, 4, 1, 1], s: 4, pad: 'same' }, // stride as large as the input
  // Batches of 8 or more take the blocked batch-to-last transpose in the filter gradient.
  { x: [16, 6, 6, 3], f: [3, 3, 3, 4], s: 2, pad: 'same' },
  { x: [12, 7, 5, 2], f: [2, 3, 2, 3], s: 1, pad: 'valid' },
  { x: [40, 4, 4, 2], f: [4, 4, 2, 2], s: 2, pad: 'same' },
  { x: [64, 8, 8, 8], f: [4, 4, 8, 8], s: 2, pad: 'same' },
];

function randomCases(count: number, seed: number): ConvCase[] {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const fh = int(1, 5);
    const fw = int(1, 5);
    const s: [number, number] = [int(1, 3), int(1, 3)];
    const kind = int(0, 3);
    const pad: Pad = kind === 0 ? 'same' : kind === 1 ? 'valid' : kind === 2 ? int(0, 2) : [[0, 0], [int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)], [0, 0]];
    const h = int(kind === 1 ? fh : 1, 12);
    const w = int(kind === 1 ? fw : 1, 12);
    const c: ConvCase = { x: [int(1, 3), h, w, int(1, 5)], f: [fh, fw, 0, int(1, 5)], s, pad };
    c.f[2] = c.x[3];
    if (typeof pad === 'number') c.round = 'floor';
    try {
      // Keep only cases tfjs itself accepts (explicit padding can make an empty output).
      const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad, c.round);
      if (info.outHeight < 1 || info.outWidth < 1) continue;
    } catch {
      continue;
    }
    cases.push(c);
  }
  return cases;
}

interface Grads {
  dw: Float32Array;
  dx: Float32Array;
}

function kernelGrads(c: ConvCase, x: Float32Array, f: Float32Array, dy: Float32Array, dyShape: number[]): Grads {
  return tf.tidy(() => {
    const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.round } as unknown as tf.NamedAttrMap;
    const xt = tf.tensor4d(x, c.x);
    const ft = tf.tensor4d(f, c.f);
    const dyt = tf.tensor(dy, dyShape);
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x: xt, dy: dyt }, { ...attrs, filterShape: c.f }) as tf.Tensor;
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy: dyt, filter: ft }, { ...attrs, inputShape: c.x }) as tf.Tensor;
    assert.deepEqual(dw.shape, c.f);
    assert.deepEqual(dx.shape, c.x);
    return { dw: dw.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array };
  });
}

async function compareConvCase(c: ConvCase, seed: number): Promise<void> {
  const r = rng(seed);
  const info = tf.backend_util.computeConv2DInfo(c.x, c.f, c.s, 1, c.pad, c.round);
  const dyShape = [c.x[0], info.outHeight, info.outWidth, c.f[3]];
  const x = randomValues(c.x, r);
  const f = randomValues(c.f, r);
  const dy = randomValues(dyShape, r);
  const label = JSON.stringify(c);
  await useCpu();
  const ref = kernelGrads(c, x, f, dy, dyShape);
  await useWasm();
  let got: Grads;
  try {
    got = kernelGrads(c, x, f, dy, dyShape);
  } catch (err) {
    throw new Error(`${label}: ${(err as Error).message}`);
  }
  const ew = relativeError(got.dw, ref.dw);
  const ex = relativeError(got.dx, ref.dx);
  assert.ok(ew < TOLERANCE, `Conv2DBackpropFilter ${label}: relative error ${ew}`);
  assert.ok(ex < TOLERANCE, `Conv2DBackpropInput ${label}: relative error ${ex}`);
}

test('conv gradient kernels match cpu on edge-case shapes', async () => {
  for (const [i, c] of EDGE_CASES.entries()) await compareConvCase(c, 100 + i);
});

test('conv gradient kernels match cpu on 60 random shapes, strides and paddings', async () => {
  for (const [i, c] of randomCases(60, 7).entries()) await compareConvCase(c, 1000 + i);
});

test('the input gradient computed phase by phase (the path for 16+ channels) matches cpu on the same shapes', async () => {
  const saved = backpropInputTuning.perPhaseMinChannels;
  backpropInputTuning.perPhaseMinChannels = 1;
  try {
    for (const [i, c] of EDGE_CASES.entries()) await compareConvCase(c, 100 + i);
    for (const [i, c] of randomCases(60, 11).entries()) await compareConvCase(c, 3000 + i);
    // A layer of the size that takes this path by default (S2's first transposed convolution).
    await compareConvCase({ x: [2, 4, 4, 16], f: [5, 5, 16, 24], s: 2, pad: 'same' }, 4000);
  } finally {
    backpropInputTuning.perPhaseMinChannels = saved;
  }
});

test('Identity on wasm shares the buffer (no copy) and frees it only when the last holder is disposed', async () => {
  await useWasm();
  const before = tf.memory().numDataBuffers;
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  const y = tf.clone(x);
  assert.equal(tf.memory().numDataBuffers, before + 1, 'a clone should not allocate a second buffer');
  x.dispose();
  assert.deepEqual(await y.array(), [[1, 2], [3, 4]], 'the clone must outlive its source');
  y.dispose();
  assert.equal(tf.memory().numDataBuffers, before);
  // Through a gradient: d/dx sum(clone(x) * x) = 2x.
  const v = tf.tensor1d([1, -2, 3]);
  const g = tf.grad((a: tf.Tensor) => tf.clone(a).mul(a).sum())(v);
  assert.deepEqual(Array.from(await g.data()), [2, -4, 6]);
  tf.dispose([v, g]);
  const s = tf.tensor1d(['a', 'b'], 'string');
  const sc = tf.clone(s);
  assert.deepEqual(await sc.array(), ['a', 'b']);
  tf.dispose([s, sc]);
});

/** Three Adam steps on two variables (a matrix and a bias) from seeded values; returns every value and moment. */
function threeAdamSteps(seed: number): Float32Array[] {
  const r = rng(seed);
  const shapes = [[7, 5], [5]];
  const vars = shapes.map((s) => tf.tidy(() => tf.variable(tf.tensor(randomValues(s, r), s))));
  const opt = tf.train.adam(0.01, 0.5, 0.999);
  for (let step = 0; step < 3; step++) {
    const grads = vars.map((v) => ({ name: v.name, tensor: tf.tensor(randomValues(v.shape, r), v.shape) }));
    opt.applyGradients(grads);
    tf.dispose(grads.map((g) => g.tensor));
  }
  const moments = (opt as unknown as { accumulatedFirstMoment: Array<{ variable: tf.Variable }>; accumulatedSecondMoment: Array<{ variable: tf.Variable }> });
  const out = [...vars, ...moments.accumulatedFirstMoment.map((m) => m.variable), ...moments.accumulatedSecondMoment.map((m) => m.variable)].map((t) => t.dataSync() as Float32Array);
  opt.dispose();
  tf.dispose(vars);
  return out;
}

test('Adam fused into one kernel on wasm gives bit-identical weights and moments to the stock optimizer on cpu and on wasm', async () => {
  await useCpu();
  const onCpu = threeAdamSteps(5);
  await useWasm();
  installFusedAdam();
  const before = tf.memory().numTensors;
  const fused = threeAdamSteps(5);
  assert.equal(tf.memory().numTensors, before, 'the fused update leaks no tensor');
  uninstallFusedAdam();
  const stockWasm = threeAdamSteps(5);
  installFusedAdam();
  for (let i = 0; i < onCpu.length; i++) {
    assert.deepEqual(Array.from(fused[i]), Array.from(onCpu[i]), `tensor ${i}: fused on wasm vs stock on cpu`);
    assert.deepEqual(Array.from(fused[i]), Array.from(stockWasm[i]), `tensor ${i}: fused vs stock on wasm`);
  }
  // And it is the fused kernel that ran: one GanLabAdamUpdate per variable and step.
  const info = await tf.profile(() => { threeAdamSteps(6); });
  assert.equal(info.kernels.filter((k) => k.name === 'GanLabAdamUpdate').length, 6);
  assert.equal(info.kernels.filter((k) => k.name === 'Sqrt').length, 0, 'no stock element-wise Adam ops');
});

test('phaseAxis: which outputs, taps and dy rows one phase has', () => {
  // Stride 2, filter 5, 'same' padding 1 before, 4 outputs (S2's 2 -> 4 layer): phase 0 is
  // outputs 1 and 3, reading taps 0, 2, 4; phase 1 is outputs 0 and 2, taps 1 and 3.
  assert.deepEqual(phaseAxis(0, 4, 5, 2, 1), { y0: 1, count: 2, taps: 3, lo: -1, hi: 2 });
  assert.deepEqual(phaseAxis(1, 4, 5, 2, 1), { y0: 0, count: 2, taps: 2, lo: -1, hi: 1 });
  // A filter narrower than the stride: phase 2 has no tap.
  assert.equal(phaseAxis(2, 6, 2, 3, 0).taps, 0);
});

test('conv2dTranspose (forward) and conv2d gradients through tf.grad match cpu', async () => {
  const r = rng(3);
  const x = randomValues([2, 7, 7, 8], r);
  const f = randomValues([4, 4, 6, 8], r);
  const run = () => tf.tidy(() => {
    const xt = tf.tensor4d(x, [2, 7, 7, 8]);
    const ft = tf.tensor4d(f, [4, 4, 6, 8]);
    const loss = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2dTranspose(a, b, [2, 14, 14, 6], 2, 'same').square().sum();
    const [gx, gf] = tf.grads(loss as (...a: tf.Tensor[]) => tf.Tensor)([xt, ft]);
    const y = tf.conv2dTranspose(xt, ft, [2, 14, 14, 6], 2, 'same');
    return [y.dataSync(), gx.dataSync(), gf.dataSync()];
  });
  await useCpu();
  const ref = run();
  await useWasm();
  const got = run();
  ref.forEach((v, i) => assert.ok(relativeError(got[i], v) < TOLERANCE, `output ${i}: ${relativeError(got[i], v)}`));
});

test('unsupported cases are refused with an error naming the case', async () => {
  await useWasm();
  const x = tf.zeros([1, 4, 4, 1]);
  const dy = tf.zeros([1, 4, 4, 1]);
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [1, 1, 1, 1] }),
    /Conv2DBackpropFilter .*dataFormat 'NCHW' is not supported/,
  );
  assert.throws(
    () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: tf.zeros([1, 1, 1, 1]) }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [1, 4, 4, 1], dilations: 2 }),
    /Conv2DBackpropInput .*dilations 2 are not supported/,
  );
  tf.dispose([x, dy]);
});

test('UnsortedSegmentSum matches cpu, including ids out of range and rank-3 rows', async () => {
  const r = rng(11);
  const x = randomValues([12, 3, 5], r);
  const ids = Int32Array.from([0, 3, 3, 1, 9, -1, 2, 0, 4, 4, 4, 1]);
  const run = () => tf.tidy(() => tf.unsortedSegmentSum(tf.tensor3d(x, [12, 3, 5]), tf.tensor1d(ids, 'int32'), 5).dataSync());
  await useCpu();
  const ref = run();
  await useWasm();
  const got = run();
  assert.equal(got.length, 5 * 15);
  assert.ok(relativeError(got, ref) < TOLERANCE);
});

test('an Embedding layer trains on wasm: its gradient matches cpu', async () => {
  const layer = tf.layers.embedding({ inputDim: 10, outputDim: 50, embeddingsInitializer: tf.initializers.randomUniform({ seed: 1 }) });
  const labels = tf.tensor2d([[3], [7], [3], [0]], [4, 1], 'int32');
  layer.apply(labels);
  const grad = () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => (layer.apply(labels) as tf.Tensor).square().sum() as tf.Scalar, layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    return Object.values(grads)[0].dataSync();
  });
  await useCpu();
  const ref = grad();
  await useWasm();
  const got = grad();
  assert.ok(relativeError(got, ref) < TOLERANCE);
  // Rows of labels never used get no gradient; label 3 (used twice) gets twice its value.
  assert.equal(ref[1 * 50], 0);
});

test('one-output-channel Conv2D and FusedConv2D (bias + activation) match cpu', async () => {
  const cases: Array<{ x: [number, number, number, number]; f: [number, number, number, number]; s: number; pad: 'same' | 'valid'; activation: 'linear' | 'relu' | 'sigmoid' | 'leakyrelu' | 'elu' }> = [
    { x: [2, 28, 28, 16], f: [7, 7, 16, 1], s: 1, pad: 'same', activation: 'sigmoid' },
    { x: [1, 9, 8, 3], f: [3, 2, 3, 1], s: 2, pad: 'valid', activation: 'relu' },
    { x: [3, 5, 5, 1], f: [5, 5, 1, 1], s: 3, pad: 'same', activation: 'leakyrelu' },
    { x: [2, 6, 7, 4], f: [1, 1, 4, 1], s: 1, pad: 'valid', activation: 'elu' },
    { x: [2, 6, 7, 4], f: [4, 4, 4, 1], s: 2, pad: 'same', activation: 'linear' },
  ];
  for (const [i, c] of cases.entries()) {
    const r = rng(300 + i);
    const x = randomValues(c.x, r);
    const f = randomValues(c.f, r);
    const run = () => tf.tidy(() => {
      const xt = tf.tensor4d(x, c.x);
      const ft = tf.tensor4d(f, c.f);
      const plain = tf.conv2d(xt, ft, c.s, c.pad).dataSync();
      const fused = tf.fused.conv2d({ x: xt, filter: ft, strides: c.s, pad: c.pad, bias: tf.scalar(0.3), activation: c.activation, leakyreluAlpha: 0.2 }).dataSync();
      return [plain, fused];
    });
    await useCpu();
    const ref = run();
    await useWasm();
    const got = run();
    ref.forEach((v, k) => assert.ok(relativeError(got[k], v) < TOLERANCE, `${JSON.stringify(c)} output ${k}: ${relativeError(got[k], v)}`));
  }
});

test('Sum and Mean over leading, trailing and other axes match cpu', async () => {
  const r = rng(21);
  const x = randomValues([4, 5, 6, 3], r);
  const axesList: Array<number | number[]> = [[0, 1, 2], [0], [3], [2, 3], [1], [0, 2], -1, [1, 2, 3]];
  for (const reduce of [tf.sum, tf.mean]) {
    for (const [axis, keepDims] of axesList.flatMap((a) => [[a, false], [a, true]] as const)) {
      const run = () => tf.tidy(() => {
        const s = reduce(tf.tensor4d(x, [4, 5, 6, 3]), axis, keepDims);
        return { shape: s.shape, values: s.dataSync() };
      });
      await useCpu();
      const ref = run();
      await useWasm();
      const got = run();
      const what = `${reduce === tf.sum ? 'sum' : 'mean'} axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
      assert.deepEqual(got.shape, ref.shape, what);
      assert.ok(relativeError(got.values, ref.values) < TOLERANCE, `${what}: ${relativeError(got.values, ref.values)}`);
    }
  }
});

test('matMul with transposed operands (dense-layer gradients) matches cpu', async () => {
  const r = rng(22);
  const a = randomValues([200], r);
  const b = randomValues([200], r);
  const cases: Array<[number[], number[], boolean, boolean]> = [
    [[2, 7, 5], [2, 5, 3], false, false],
    [[2, 5, 7], [2, 5, 3], true, false],
    [[2, 7, 5], [2, 3, 5], false, true],
    [[2, 5, 7], [2, 3, 5], true, true],
    [[35, 2], [35, 3], true, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const run = () => tf.tidy(() => tf.matMul(tf.tensor(a.subarray(0, sa.reduce((p, q) => p * q)), sa), tf.tensor(b.subarray(0, sb.reduce((p, q) => p * q)), sb), ta, tb).dataSync());
    await useCpu();
    const ref = run();
    await useWasm();
    assert.ok(relativeError(run(), ref) < TOLERANCE, `${sa} x ${sb} ${ta} ${tb}`);
  }
});

test('LeakyRelu on wasm (via Prelu in rows of 8, 2 or 1 values) and its registered gradient match cpu and the stock formula', async () => {
  assert.deepEqual([720, 18, 105].map(preluRowLength), [8, 2, 1]);
  for (const shape of [[4, 6, 6, 5], [2, 3, 3], [3, 5, 7]]) {
    const r = rng(31);
    const size = shape.reduce((a, b) => a * b, 1);
    const x = randomValues(shape, r);
    x[0] = 0; // the gradient at exactly 0 is alpha, as in tfjs's own formula
    const dy = randomValues(shape, r);
    const run = () => tf.tidy(() => {
      const xt = tf.tensor(x, shape);
      const dyt = tf.tensor(dy, shape);
      const y = tf.leakyRelu(xt, 0.2);
      const g = tf.grad((a: tf.Tensor) => tf.leakyRelu(a, 0.2).mul(dyt).sum())(xt);
      // tfjs's stock gradient formula, written out: dy where x > 0, else alpha * dy.
      const stock = tf.where(tf.greater(xt, 0), dyt, tf.mul(dyt, 0.2));
      return [y.dataSync(), g.dataSync(), stock.dataSync(), y.shape];
    });
    await useCpu();
    const [yRef, gRef, stockRef] = run();
    assert.ok(relativeError(gRef as Float32Array, stockRef as Float32Array) === 0, 'the registered gradient equals the stock formula');
    await useWasm();
    const before = tf.memory().numTensors;
    const [y, g, , yShape] = run();
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.deepEqual(yShape, shape, `output shape for ${size} values`);
    assert.ok(relativeError(y as Float32Array, yRef as Float32Array) < TOLERANCE, `forward ${shape}: ${relativeError(y as Float32Array, yRef as Float32Array)}`);
    assert.ok(relativeError(g as Float32Array, gRef as Float32Array) < TOLERANCE, `gradient ${shape}: ${relativeError(g as Float32Array, gRef as Float32Array)}`);
  }
});

test('the BatchNorm gradient without Tile equals tfjs-core\'s on cpu, for 4-D and 2-D inputs, and trains the same on wasm', async () => {
  const r = rng(47);
  await useCpu();
  registerBatchNormGradient();
  const stock = stockBatchNormGradient()!;
  assert.notEqual(stock, batchNormGradient, 'the stock gradient was kept');
  assert.equal(tf.getGradient('FusedBatchNorm'), batchNormGradient);
  for (const shape of [[3, 5, 4, 6], [7, 6]]) {
    const c = shape[shape.length - 1];
    const n = shape.reduce((a, b) => a * b, 1);
    const [x, dy] = [tf.tensor(randomValues(shape, r), shape), tf.tensor(randomValues(shape, r), shape)];
    const mean = tf.tensor1d(randomValues([c], r));
    const variance = tf.tensor1d(randomValues([c], r).map((v) => 0.5 + Math.abs(v)));
    const scale = tf.tensor1d(randomValues([c], r));
    const attrs = { varianceEpsilon: 1e-3 } as unknown as tf.NamedAttrMap;
    const ours = batchNormGradient.gradFunc(dy, [x, mean, variance, scale], attrs);
    // tfjs-core's tiles a [1, 1, 1, C] factor, so it takes 4-D inputs only.
    const theirs = shape.length === 4 ? stock.gradFunc(dy, [x, mean, variance, scale], attrs) : undefined;
    for (const name of ['x', 'mean', 'variance', 'scale', 'offset']) {
      const got = ours[name]().dataSync();
      if (theirs) assert.equal(relativeError(got, theirs[name]().dataSync()), 0, `${shape}: d${name} differs from tfjs-core's`);
      assert.equal(got.length, name === 'x' ? n : c);
    }
    // dL/dx = dy * scale / sqrt(var + eps), per channel: the broadcast lands on the last axis.
    const want = tf.tidy(() => dy.mul(scale).div(variance.add(1e-3).sqrt())).dataSync();
    assert.ok(relativeError(ours.x().dataSync(), want) < 1e-5);
  }
  // Through a BatchNormalization layer in training mode: wasm's gradients match cpu's.
  const xs = randomValues([4, 5, 5, 8], r);
  const ws = randomValues([4, 5, 5, 8], r);   // loss = sum(w * y): no gradient that sums to ~0
  const grads = () => tf.tidy(() => {
    const layer = tf.layers.batchNormalization({ gammaInitializer: 'ones' });
    const input = tf.tensor4d(xs, [4, 5, 5, 8]);
    const w = tf.tensor4d(ws, [4, 5, 5, 8]);
    layer.apply(input, { training: true });
    const vars = layer.trainableWeights.map((v) => (v as unknown as { val: tf.Variable }).val);
    const loss = (a: tf.Tensor) => (layer.apply(a, { training: true }) as tf.Tensor).mul(w).sum() as tf.Scalar;
    const dx = tf.grad(loss)(input);
    const dv = tf.variableGrads(() => loss(input), vars);
    return [dx.dataSync(), ...Object.values(dv.grads).map((g) => g.dataSync())];
  });
  const ref = grads();
  await useWasm();
  const got = grads();
  // BatchNorm's input gradient is a difference of nearly equal terms (the batch mean and variance
  // are subtracted back out), so float32 summation order shows at 1e-4 here: 1e-3 is the bound.
  got.forEach((g, i) => assert.ok(relativeError(g, ref[i]) < 1e-3, `gradient ${i}: ${relativeError(g, ref[i])}`));
});

test('phaseFilter written into reused (dirty) memory equals a fresh one, with and without taps past the edge', async () => {
  const { phaseFilter } = await import('../lib/engine/kernels/conv2d-backprop-input');
  for (const [fh, fw, s] of [[4, 4, 2], [5, 3, 2], [3, 3, 1], [7, 7, 3]]) {
    const [ci, co] = [5, 7];
    const w = Float32Array.from({ length: fh * fw * ci * co }, (_, i) => Math.sin(i));
    const fresh = phaseFilter(w, fh, fw, ci, co, s, s);
    const dirty = new Float32Array(fresh.values.length).fill(NaN);
    phaseFilter(w, fh, fw, ci, co, s, s, dirty);
    assert.deepEqual(Array.from(dirty), Array.from(fresh.values), `${fh}x${fw} stride ${s}`);
  }
});
