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
import { saveModel } from '../lib/models/files';
import { maxAbsDifference } from '../lib/lessons/difference';
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
    fs.cpSync(path.join(root, 'run', 'checkpoint'), path.join(shipped, 'checkpoint'), { recursive: true });
    assert.equal(hasShippedCheckpoint('dcgan-mnist'), true);

    const loaded = await loadPretrained('dcgan-mnist', { withDiscriminator: true });
    assert.equal(maxAbsDifference(loaded.discriminator.getWeights(), first.models.discriminator.getWeights()), 0, "the shipped run's discriminator");
    assert.equal(maxAbsDifference(loaded.generator.getWeights(), first.models.generator.getWeights()), 0, "the shipped run's generator");
    assert.equal(loaded.state.epoch, 1);
    assert.ok(loaded.models.gan.optimizer && loaded.models.discriminator.optimizer, 'both optimizers, with their state');

    const continued = await runTraining({ ...small, outDir: path.join(root, 'continued'), epochs: 2, from: 'pretrained' });
    assert.equal(continued.resumedFrom, 1, 'trained on after the shipped epoch');
    assert.equal(continued.history.length, 2);
    assert.deepEqual(continued.history[0], first.history[0], "the shipped run's epoch is the first of the history");
    assert.ok(fs.existsSync(path.join(root, 'continued', 'image_at_epoch_0002.png')), 'the new epoch drew its grid');

    fs.rmSync(path.join(shipped, 'checkpoint'), { recursive: true });
    await assert.rejects(runTraining({ ...small, outDir: path.join(root, 'continued'), epochs: 2, from: 'pretrained' }), /has no discriminator or optimizer state/);
    assert.ok(fs.existsSync(path.join(root, 'continued', 'image_at_epoch_0002.png')), 'a refused continuation removes nothing');
  } finally {
    delete process.env[PRETRAINED_ENV];
    fs.rmSync(root, { recursive: true, force: true });
  }
});
