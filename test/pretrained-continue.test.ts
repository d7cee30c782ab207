/**
 * Continuing a shipped run: a system shipped with its run's last checkpoint loads its
 * discriminator (lab.loadPretrained(name, { withDiscriminator: true })), and
 * runTraining({ from: 'pretrained' }) trains on from the epoch the shipped run ended with, its
 * history carried over. Without a shipped checkpoint both say so, and nothing is removed. On a
 * made-up "shipped" folder (GAN_PRETRAINED_DIR), so data/pretrained is never touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { useTestBackend } from './helpers';
import { runTraining } from '../lib/systems/run';
import { loadPretrained, hasShippedCheckpoint } from '../lib/systems/pretrained-run';
import * as tf from '@tensorflow/tfjs';
import { saveModel, float32ToBfloat16, bfloat16ToFloat32 } from '../lib/models/files';
import { saveCheckpoint, readRunState } from '../lib/training/checkpoint';
import { PRETRAINED_ENV } from '../lib/config';

test('a shipped checkpoint: its discriminator loads, and runTraining({ from: "pretrained" }) trains on from its last epoch', { timeout: 10 * 60000 }, async () => {
  await useTestBackend();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-shipped-'));
  process.env[PRETRAINED_ENV] = root;
  const small = { model: 'dcgan-mnist', batchSize: 16, limit: 64, maxStepsPerEpoch: 2, progress: false } as const;
  try {
    const first = await runTraining({ ...small, outDir: path.join(root, 'run'), epochs: 1, seed: 1 });
    const shipped = path.join(root, 'dcgan-mnist');
    await saveModel(first.models.generator, shipped);
    fs.writeFileSync(path.join(shipped, 'info.json'), JSON.stringify({ model: 'dcgan-mnist', command: 'this test', epochs: 1, batchSize: 16 }));
    assert.equal(hasShippedCheckpoint('dcgan-mnist'), false);
    await assert.rejects(loadPretrained('dcgan-mnist', { withDiscriminator: true }), /has no discriminator or optimizer state to continue from.*no shipped system has one yet/);
    // Shipped as `npm run pretrained -- --with-checkpoint` ships it: compact (float16 networks, bfloat16 optimizer state).
    // Its generator is the shipped one beside it, shared rather than copied.
    await saveCheckpoint(shipped, first.models, { model: 'dcgan-mnist', epoch: 1, history: first.history }, { compact: true, sharedGenerator: '..' });
    assert.equal(hasShippedCheckpoint('dcgan-mnist'), true);
    assert.equal(fs.existsSync(path.join(shipped, 'checkpoint', 'generator')), false, 'no second copy of the shipped generator');
    const bytes = (dir: string) => fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f))).filter((f) => fs.statSync(f).isFile()).reduce((s, f) => s + fs.statSync(f).size, 0);
    const full = bytes(path.join(root, 'run', 'checkpoint'));
    const compact = bytes(path.join(shipped, 'checkpoint'));
    assert.ok(compact < 0.55 * full, `the shipped checkpoint takes about half the bytes of the run's (${compact} of ${full})`);

    const loaded = await loadPretrained('dcgan-mnist', { withDiscriminator: true });
    const closeTo = (a: tf.Tensor[], b: tf.Tensor[], what: string) => {
      const worst = Math.max(...a.map((t, i) => tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(t, b[i])), tf.add(tf.abs(b[i]), 1e-3))).dataSync()[0])));
      assert.ok(worst < 4e-3, `${what}: relative difference ${worst} beyond float16 / bfloat16 rounding`);
    };
    closeTo(loaded.discriminator.getWeights(), first.models.discriminator.getWeights(), "the shipped run's discriminator");
    closeTo(loaded.generator.getWeights(), first.models.generator.getWeights(), "the shipped run's generator");
    assert.equal(loaded.state.epoch, 1);
    // Saved again elsewhere (a lesson's own run), its state no longer points at a shipped generator.
    await saveCheckpoint(path.join(root, 'resaved'), loaded.models, loaded.state);
    assert.equal(readRunState(path.join(root, 'resaved')).generatorDir, undefined);
    assert.ok(fs.existsSync(path.join(root, 'resaved', 'checkpoint', 'generator', 'model.json')), 'with its own generator');
    const moments = async (opt: tf.Optimizer) => (await opt.getWeights()).map((w) => w.tensor);
    const shippedMoments = await moments(loaded.models.gan.optimizer);
    const runMoments = await moments(first.models.gan.optimizer);
    assert.equal(shippedMoments.length, runMoments.length, "the generator's optimizer state, every moment");
    assert.equal(shippedMoments[0].dataSync()[0], runMoments[0].dataSync()[0], "Adam's step count, exact");
    closeTo(shippedMoments.slice(1), runMoments.slice(1), "Adam's moments");

    const continued = await runTraining({ ...small, outDir: path.join(root, 'continued'), epochs: 2, from: 'pretrained' });
    assert.equal(continued.resumedFrom, 1, 'trained on after the shipped epoch');
    assert.equal(continued.history.length, 2);
    assert.deepEqual(continued.history[0], first.history[0], "the shipped run's epoch is the first of the history");
    assert.ok(fs.existsSync(path.join(root, 'continued', 'image_at_epoch_0002.png')), 'the new epoch drew its grid');
    assert.ok(fs.existsSync(path.join(root, 'continued', 'checkpoint', 'generator', 'model.json')), "the continued run's checkpoint has its own generator");

    fs.rmSync(path.join(shipped, 'checkpoint'), { recursive: true });
    await assert.rejects(runTraining({ ...small, outDir: path.join(root, 'continued'), epochs: 2, from: 'pretrained' }), /has no discriminator or optimizer state/);
    assert.ok(fs.existsSync(path.join(root, 'continued', 'image_at_epoch_0002.png')), 'a refused continuation removes nothing');
  } finally {
    delete process.env[PRETRAINED_ENV];
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('bfloat16 keeps float32\'s range (Adam\'s tiny second moments survive, unlike float16) at 8 bits of precision', () => {
  const values = new Float32Array([0, -0, 1, -1, 3.14159, 1e-10, 1e-30, -2.5e-38, 6e4, 1e30, Infinity, -Infinity, NaN, 1 + 2 ** -8, 1 + 3 * 2 ** -9]);
  const back = bfloat16ToFloat32(float32ToBfloat16(values));
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i])) assert.ok(Number.isNaN(back[i]), 'NaN stays NaN');
    else if (!Number.isFinite(values[i]) || values[i] === 0) assert.equal(back[i], values[i]);
    else assert.ok(Math.abs(back[i] - values[i]) <= Math.abs(values[i]) * 2 ** -8, `${values[i]} came back as ${back[i]}`);
  }
  assert.ok(back[6] > 0, '1e-30 is not flushed to zero');
  assert.equal(back[13], 1, 'a tie (1 + 2^-8) rounds to the even neighbour, 1');
  assert.equal(back[14], 1 + 2 ** -7, 'above the tie rounds up');
});
