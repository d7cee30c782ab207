/**
 * The bench's profiler (npm run bench -- --profile): it sees every kernel of a step, each with
 * its own time (a kernel run inside another is not counted twice), adding up to no more than
 * the step took.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from './helpers';
import { profileStep } from '../lib/engine/profile';
import { wasmBound, matMulPeakGflops } from '../lib/cli/bench';

test('profileStep: per-kernel counts and times of one step, nested ops counted once', async () => {
  await useWasm();
  const x = tf.randomNormal([64, 32]);
  const w = tf.variable(tf.randomNormal([32, 16]));
  const opt = tf.train.sgd(0.1);
  const step = async () => {
    opt.minimize(() => tf.matMul(x, w).relu().square().mean() as tf.Scalar);
    await tf.nextFrame?.();
  };
  await step();
  const p = await profileStep(step);
  const names = p.kernels.map((k) => k.kernel);
  assert.ok(names.includes('BatchMatMul') || names.includes('_FusedMatMul'), names.join(', '));
  assert.ok(names.includes('Relu') && names.includes('Step'), names.join(', '));   // forward and backward
  // op scopes that wrap other kernels (names ending in __op) are not kernels
  assert.ok(!names.some((n) => n.endsWith('__op')), names.join(', '));
  assert.ok(p.kernels.every((k) => k.count >= 1 && k.totalMs >= 0));
  assert.ok(p.kernelMs <= p.stepMs + 1, `kernels ${p.kernelMs} ms in a step of ${p.stepMs} ms`);
  // the profile is sorted, most time first
  assert.deepEqual(p.kernels.map((k) => k.totalMs), [...p.kernels.map((k) => k.totalMs)].sort((a, b) => b - a));
  // the same calls by input shape: the matMul of [64, 32] by [32, 16] is named with its shapes
  assert.ok(p.largestCalls.some((c) => /MatMul/.test(c.kernel) && c.shapes.startsWith('64x32 32x16')), JSON.stringify(p.largestCalls.slice(0, 5)));
  const sumByShape = (k: string) => p.largestCalls.filter((c) => c.kernel === k).reduce((s, c) => s + c.count, 0);
  assert.equal(sumByShape('Relu'), p.kernels.find((k) => k.kernel === 'Relu')!.count, 'the calls by shape add up to the kernel\'s count');
  // and the engine's hook is put back: a second profile sees the same kernels
  const again = await profileStep(step);
  assert.deepEqual(again.kernels.map((k) => k.kernel).sort(), [...names].sort());
  tf.dispose([x, w]);
});

test('wasmBound: the step at the best matMul rate, and ours against it (issue 19\'s dcgan-64 figures)', () => {
  // 1.24 TFLOP a step at 59 GFLOP/s is 21.0 s; the measured 33.8 s is 1.61 times that.
  assert.deepEqual(wasmBound(1240, 59, 33824), { boundMs: 21017, boundRatio: 1.61 });
  assert.deepEqual(wasmBound(2, 50, 40), { boundMs: 40, boundRatio: 1 });
  assert.throws(() => wasmBound(2, 0, 40), /positive rate/);
});

test('matMulPeakGflops: a finite, positive rate on wasm', async () => {
  await useWasm();
  const rate = await matMulPeakGflops(128, 2);
  assert.ok(Number.isFinite(rate) && rate > 0.1, `rate ${rate}`);
});
