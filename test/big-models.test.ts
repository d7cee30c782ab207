import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from './helpers';
import * as big from '../lib/models/dcgan-32-and-64';
import { buildSystem, getSystem } from '../lib/systems/registry';
import { tapeStep } from '../lib/training/tape-step';
import { piecewiseConstant, tenfoldStepDecay } from '../lib/training/schedule';
import { runTraining } from '../lib/systems/run';
import { interpolateLatent, interpolationImages, latentArithmetic } from '../lib/models/latent';
import { defineGenerator } from '../lib/models/dcgan-mnist';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-big-test-'));

test('S2 (dcgan-cifar10) parameter counts', () => {
  // G: Dense 128*2048+2048 = 264,192; BN(512) 2,048; ConvT 5*5*512*256+256 = 3,277,056; BN 1,024;
  //    ConvT 5*5*256*128+128 = 819,328; BN 512; ConvT 5*5*128*64+64 = 204,864; BN 256; ConvT 5*5*64*3+3 = 4,803.
  assert.equal(big.cifarGenerator(128).countParams(), 264192 + 2048 + 3277056 + 1024 + 819328 + 512 + 204864 + 256 + 4803);
  // D: Conv 5*5*3*64+64 = 4,864; Conv 5*5*64*128+128 = 204,928; BN 512; Conv 5*5*128*256+256 = 819,456; BN 1,024;
  //    Conv 5*5*256*512+512 = 3,277,312; BN 2,048; Dense 2048+1 = 2,049.
  assert.equal(big.cifarDiscriminator().countParams(), 4864 + 204928 + 512 + 819456 + 1024 + 3277312 + 2048 + 2049);
  assert.deepEqual(big.cifarGenerator(128).outputs[0].shape, [null, 32, 32, 3]);
});

test('S4 (dcgan-64) parameter counts, tutorial 003 layer for layer', () => {
  // G: ConvT 4*4*100*1024+1024 = 1,639,424; BN 4,096; ConvT 4*4*1024*512+512 = 8,389,120; BN 2,048;
  //    ConvT 4*4*512*256+256 = 2,097,408; BN 1,024; ConvT 4*4*256*128+128 = 524,416; BN 512; ConvT 4*4*128*1+1 = 2,049.
  assert.equal(big.dcgan64Generator(1).countParams(), 1639424 + 4096 + 8389120 + 2048 + 2097408 + 1024 + 524416 + 512 + 2049);
  // D: Conv 4*4*1*128+128 = 2,176; Conv 4*4*128*256+256 = 524,544; BN 1,024; Conv 4*4*256*512+512 = 2,097,664; BN 2,048;
  //    Conv 4*4*512*1024+1024 = 8,389,632; BN 4,096; Conv 4*4*1024*1+1 = 16,385; Dense 1+1 = 2.
  assert.equal(big.dcgan64Discriminator(1).countParams(), 2176 + 524544 + 1024 + 2097664 + 2048 + 8389632 + 4096 + 16385 + 2);
  assert.deepEqual(big.dcgan64Generator(3).outputs[0].shape, [null, 64, 64, 3]);
});

test('piecewise-constant decay: epochs 10, 20, 25 with lr, lr/10, lr/100, lr/1000', () => {
  const s = tenfoldStepDecay(0.0002);
  const lr = 0.0002;
  assert.deepEqual([1, 10, 11, 20, 21, 25, 26, 35].map(s), [lr, lr, lr / 10, lr / 10, lr / 100, lr / 100, lr / 1000, lr / 1000]);
  assert.throws(() => piecewiseConstant([1, 2], [1]), /2 boundaries need 3 values/);
});

test('the GradientTape-style step trains both networks with their own optimizers', async () => {
  await useWasm();
  const models = buildSystem(getSystem('dcgan-mnist'));
  const real = tf.randomUniform([6, 28, 28, 1]) as tf.Tensor4D;
  const before = [models.generator, models.discriminator].map((m) => m.getWeights().map((w) => w.clone()));
  const losses = await tapeStep(models, real);
  assert.ok(losses.dLoss > 0 && losses.gLoss > 0 && losses.realP > 0 && losses.realP < 1);
  [models.generator, models.discriminator].forEach((m, k) => {
    assert.ok(m.getWeights().some((w, i) => tf.notEqual(w, before[k][i]).any().dataSync()[0] === 1), `${m.name} did not move`);
  });
});

test('S4 through the same loop: 64x64 batches made on the fly, lr logged per epoch', async () => {
  await useWasm();
  const images = tf.randomUniform([8, 28, 28, 1], -1, 1) as tf.Tensor4D;
  const outDir = path.join(tmp, 's4');
  const result = await runTraining({ model: 'dcgan-64', outDir, epochs: 1, batchSize: 4, maxStepsPerEpoch: 1, images, progress: false });
  assert.equal(result.history[0].lr, 0.0002);
  const header = fs.readFileSync(path.join(outDir, 'log.csv'), 'utf8').split('\n')[0];
  assert.equal(header, 'epoch,Real_P,Fake_P,Gen_loss,Dis_loss,seconds,lr');
  assert.deepEqual(result.models.generator.outputs[0].shape, [null, 64, 64, 1]);
});

test('latent space: interpolation ends at its endpoints; arithmetic is mean(A) - mean(B) + mean(C)', async () => {
  await useWasm();
  const a = tf.randomNormal([100], 0, 1, 'float32', 1) as tf.Tensor1D;
  const b = tf.randomNormal([100], 0, 1, 'float32', 2) as tf.Tensor1D;
  for (const mode of ['linear', 'slerp'] as const) {
    const path2 = interpolateLatent(a, b, 7, mode);
    assert.deepEqual(path2.shape, [7, 100]);
    assert.ok(tf.sub(path2.slice(0, 1).squeeze(), a).abs().max().dataSync()[0] < 1e-5);
    assert.ok(tf.sub(path2.slice(6, 1).squeeze(), b).abs().max().dataSync()[0] < 1e-5);
  }
  const g = defineGenerator(100);
  assert.deepEqual(interpolationImages(g, a, b, 5).shape, [5, 28, 28, 1]);
  const A = tf.ones([3, 100]) as tf.Tensor2D;
  const B = tf.fill([3, 100], 2) as tf.Tensor2D;
  const C = tf.fill([2, 100], 5) as tf.Tensor2D;
  const r = latentArithmetic(g, A, B, C);
  assert.deepEqual(Array.from(r.vector.dataSync()).slice(0, 3), [4, 4, 4]);
  assert.deepEqual(r.images.shape, [3 + 3 + 2 + 1, 28, 28, 1]);
});
