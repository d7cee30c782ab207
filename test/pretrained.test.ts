/**
 * The shipped generators (data/pretrained/): float16 storage that tf.loadLayersModel decodes,
 * and for each one its recorded scores reproduced from the files in the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from './helpers';
import { saveModel, loadModel, float32ToFloat16Bits } from '../lib/models/files';
import { listPretrained, readPretrainedInfo, pretrainedDir } from '../lib/models/pretrained';
import { readRunState } from '../lib/training/checkpoint';
import { loadPretrained, hasShippedCheckpoint } from '../lib/systems/pretrained-run';
import { maxAbsDifference } from '../lib/lessons/difference';
import { getSystem, metricDomainOf } from '../lib/systems/registry';
import { evaluateGenerator, loadReference } from '../lib/metrics/evaluate';
import { formatSeconds } from '../lib/training/progress';

test('float32 -> float16 bits on known values (IEEE 754 half precision)', () => {
  assert.equal(float32ToFloat16Bits(1), 0x3c00);
  assert.equal(float32ToFloat16Bits(-2), 0xc000);
  assert.equal(float32ToFloat16Bits(65504), 0x7bff);
  assert.equal(float32ToFloat16Bits(1e6), 0x7c00);
  assert.equal(float32ToFloat16Bits(0.1), 0x2e66);
  assert.equal(float32ToFloat16Bits(1e-8), 0);
  assert.equal(float32ToFloat16Bits(6e-8), 0x0001); // smallest subnormal
});

test('a model saved with float16 weights is half the size and predicts as the float32 one to 1e-3', async () => {
  await useTestBackend();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-f16-'));
  const g = getSystem('cgan-mnist').buildNetworks().generator;
  await saveModel(g, path.join(tmp, 'f32'));
  await saveModel(g, path.join(tmp, 'f16'), { float16: true });
  const size = (d: string) => fs.statSync(path.join(tmp, d, 'weights.bin')).size;
  assert.equal(size('f16') * 2, size('f32'));
  const back = await loadModel(path.join(tmp, 'f16'));
  const z = tf.randomNormal([4, 100], 0, 1, 'float32', 3);
  const labels = tf.tensor2d([[0], [3], [7], [9]]);
  const a = Array.from((g.predict([z, labels]) as tf.Tensor).dataSync());
  const b = Array.from((back.predict([z, labels]) as tf.Tensor).dataSync());
  const worst = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  assert.ok(worst < 1e-3 && worst > 0, `largest difference ${worst}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  tf.disposeVariables();
});

test('progress durations never print 60 seconds: 59.6 s -> 59.6s, 119.6 s -> 2m00s, 3725 s -> 1h02m', () => {
  assert.equal(formatSeconds(59.6), '59.6s');
  assert.equal(formatSeconds(59.96), '1m00s');
  assert.equal(formatSeconds(119.6), '2m00s');
  assert.equal(formatSeconds(60), '1m00s');
  assert.equal(formatSeconds(3725), '1h02m');
  assert.equal(formatSeconds(NaN), '?');
});

test('loadPretrained names what is shipped when asked for a generator that is not', async () => {
  await assert.rejects(loadPretrained('no-such-model'), /No pretrained generator for "no-such-model".*Shipped:/);
});

// The scores were measured on native, and scripts/test.sh reproduces all of them there (this file
// runs again with GAN_TEST_BACKEND=native). On wasm (10,000 samples take one to two minutes per
// generator) only dcgan-mnist's: the generator lesson 05 shows, in the browser too.
const WASM_SCORED = 'dcgan-mnist';
const scoredHere = (name: string) => (process.env.GAN_TEST_BACKEND ?? 'wasm') !== 'wasm' || name === WASM_SCORED;

for (const name of listPretrained()) {
  test(`pretrained ${name}: its recorded scores reproduce from the shipped files (FID within 2%, conditional accuracy within 0.5 points)`, { skip: scoredHere(name) ? false : `on wasm only ${WASM_SCORED}'s; every generator's on native (GAN_TEST_BACKEND=native, scripts/test.sh)` }, async () => {
    await useTestBackend();
    const { generator, info } = await loadPretrained(name);
    assert.equal(info.model, name);
    const system = getSystem(name);
    const report = evaluateGenerator(generator, system.range, await loadReference(metricDomainOf(system)), { samples: info.scores.samples });
    // Same latent points (seeded) and the same classifier: only the backend's float arithmetic differs.
    assert.ok(Math.abs(report.fid - info.scores.fid) / info.scores.fid < 0.02, `FID ${report.fid} vs recorded ${info.scores.fid}`);
    assert.equal(report.coverage.covered, info.scores.classesCovered);
    if (info.scores.conditionalAccuracy !== undefined) {
      assert.ok(Math.abs(report.conditionalAccuracy!.overall - info.scores.conditionalAccuracy) < 0.005, `conditional accuracy ${report.conditionalAccuracy!.overall} vs ${info.scores.conditionalAccuracy}`);
    }
    assert.equal(readPretrainedInfo(name).command.length > 0, true);
    tf.disposeVariables();
  });
}

for (const name of listPretrained().filter(hasShippedCheckpoint)) {
  test(`pretrained ${name}: its shipped checkpoint is the same run (it shares the shipped generator, its epoch is the recorded one) and loads with the discriminator`, async () => {
    await useTestBackend();
    assert.equal(readRunState(pretrainedDir(name)).generatorDir, '..', 'the checkpoint shares the shipped generator instead of a second copy');
    const shipped = await loadPretrained(name);
    const withD = await loadPretrained(name, { withDiscriminator: true });
    assert.equal(withD.state.epoch, shipped.info.epochs);
    assert.equal(maxAbsDifference(withD.generator.getWeights(), shipped.generator.getWeights()), 0, 'both are the float16 generator of the same epoch');
    // A conditional discriminator takes the label too: a batch of two for every input.
    const batch = withD.discriminator.inputs.map((input) => tf.zeros([2, ...(input.shape.slice(1) as number[])]));
    // AC-GAN's discriminator answers twice (real or fake, and which class): every output counts.
    const opinion = tf.tidy(() => [withD.discriminator.predict(batch)].flat().flatMap((t) => Array.from(t.dataSync())));
    assert.ok(opinion.length >= 2 && opinion.every(Number.isFinite), 'the discriminator gives a finite opinion');
    tf.dispose(batch);
    tf.disposeVariables();
  });
}

test('data/pretrained stays under 40 MB (generators and the shipped checkpoints)', () => {
  const root = path.resolve(__dirname, '..', '..', 'data', 'pretrained');
  let bytes = 0;
  const walk = (d: string) => { for (const f of fs.existsSync(d) ? fs.readdirSync(d) : []) { const p = path.join(d, f); const st = fs.statSync(p); if (st.isDirectory()) walk(p); else bytes += st.size; } };
  walk(root);
  assert.ok(bytes < 40 * 1024 * 1024, `${(bytes / 1048576).toFixed(1)} MB`);
});

test('besidePretrained: a generator and the shipped one draw the same latent points side by side; without one shipped, the run alone and a note', async () => {
  await useTestBackend();
  const { besidePretrained, sampleGridPng } = await import('../lib/systems/compare');
  const { buildSystem } = await import('../lib/systems/registry');
  const sharp = (await import('sharp')).default;
  const cgan = getSystem('cgan-mnist');
  const fresh = buildSystem(cgan).generator;
  const shipped = await loadPretrained('cgan-mnist');
  const one = await sharp(sampleGridPng(fresh, cgan)).metadata();
  const figure = await besidePretrained(fresh, cgan, { caption: 'untrained' });
  const both = await sharp(figure.png).metadata();
  assert.ok(both.width! > 2 * one.width!, `the figure (${both.width} px) holds two grids of ${one.width} px`);
  assert.equal(figure.pretrained?.info.model, 'cgan-mnist');
  assert.equal(figure.pretrained?.fid, shipped.info.scores.fid, 'quotes info.json unless asked to rescore');
  assert.match(figure.lines[1], /^Pretrained cgan-mnist \(data\/pretrained\/cgan-mnist\): 30 epochs/);
  // The shipped generator's panel is its own grid of the same points.
  assert.ok(sampleGridPng(shipped.generator, cgan).equals(sampleGridPng(shipped.generator, cgan)), 'the shared points are seeded');
  const cifar = getSystem('dcgan-cifar10');
  const alone = await besidePretrained(buildSystem(cifar).generator, cifar);
  assert.equal(alone.pretrained, undefined);
  assert.match(alone.lines[1], /No pretrained dcgan-cifar10 is shipped yet/);
  assert.equal((await sharp(alone.png).metadata()).width! < both.width!, true);
  tf.disposeVariables();
});
