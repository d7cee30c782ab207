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
import { saveModel } from '../lib/models/files';
import { encodeLog8, decodeLog8, log8Bytes } from '../lib/models/log8';
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
    // Shipped as `npm run pretrained -- --with-checkpoint` ships it: compact (float16 networks, log8 optimizer state).
    // Its generator is the shipped one beside it, shared rather than copied.
    await saveCheckpoint(shipped, first.models, { model: 'dcgan-mnist', epoch: 1, history: first.history }, { compact: true, sharedGenerator: '..' });
    assert.equal(hasShippedCheckpoint('dcgan-mnist'), true);
    assert.equal(fs.existsSync(path.join(shipped, 'checkpoint', 'generator')), false, 'no second copy of the shipped generator');
    const bytes = (dir: string) => fs.readdirSync(dir, { recursive: true }).map((f) => path.join(dir, String(f))).filter((f) => fs.statSync(f).isFile()).reduce((s, f) => s + fs.statSync(f).size, 0);
    const full = bytes(path.join(root, 'run', 'checkpoint'));
    const compact = bytes(path.join(shipped, 'checkpoint'));
    assert.ok(compact < 0.55 * full, `the shipped checkpoint takes about half the bytes of the run's (${compact} of ${full})`);
    // Its optimizer state is log8, then gzipped; the manifest says so, and the file keeps its .bin name.
    const optimizerFile = path.join(shipped, 'checkpoint', 'optimizer-gan');
    assert.equal(JSON.parse(fs.readFileSync(`${optimizerFile}.json`, 'utf8')).gzip, true);
    const gzipped = fs.readFileSync(`${optimizerFile}.bin`);
    assert.deepEqual([gzipped[0], gzipped[1]], [0x1f, 0x8b], 'a gzip stream');
    const runOptimizer = fs.statSync(path.join(root, 'run', 'checkpoint', 'optimizer-gan.bin')).size;
    assert.ok(gzipped.length < 0.25 * runOptimizer, `the optimizer state in under a quarter of the run's bytes (${gzipped.length} of ${runOptimizer})`);

    const loaded = await loadPretrained('dcgan-mnist', { withDiscriminator: true });
    const closeTo = (a: tf.Tensor[], b: tf.Tensor[], what: string) => {
      const worst = Math.max(...a.map((t, i) => tf.tidy(() => tf.max(tf.div(tf.abs(tf.sub(t, b[i])), tf.add(tf.abs(b[i]), 1e-3))).dataSync()[0])));
      assert.ok(worst < 4e-3, `${what}: relative difference ${worst} beyond float16 rounding`);
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
    // Exactly the log8 code of the run's moments (a relative tolerance would pass second moments of 1e-10 whatever they were).
    for (const [i, moment] of runMoments.entries()) {
      if (i === 0) continue;
      const values = moment.dataSync() as Float32Array;
      const { code, bytes } = encodeLog8(values);
      // One value (a Dense(1)'s bias) is kept exact, as Adam's step count is.
      const expected = values.length < 2 ? values : decodeLog8(bytes, values.length, code);
      assert.deepEqual(shippedMoments[i].dataSync(), expected, `Adam's moment ${i}: the log8 code of the run's`);
    }

    const continued = await runTraining({ ...small, outDir: path.join(root, 'continued'), epochs: 2, from: 'pretrained' });
    assert.equal(continued.resumedFrom, 1, 'trained on after the shipped epoch');
    assert.equal(continued.history.length, 2);
    assert.deepEqual(continued.history[0], first.history[0], "the shipped run's epoch is the first of the history");
    assert.ok(fs.existsSync(path.join(root, 'continued', 'image_at_epoch_0002.png')), 'the new epoch drew its grid');
    assert.ok(fs.existsSync(path.join(root, 'continued', 'checkpoint', 'generator', 'model.json')), "the continued run's checkpoint has its own generator");

    // A cut-short optimizer file is named, with what to do, and nothing is loaded from it.
    fs.writeFileSync(`${optimizerFile}.bin`, gzipped.subarray(0, gzipped.length >> 1));
    await assert.rejects(loadPretrained('dcgan-mnist', { withDiscriminator: true }), /optimizer-gan\.bin is not the gzip stream its manifest says.*damaged or cut short.*--with-checkpoint/);
    fs.rmSync(path.join(shipped, 'checkpoint'), { recursive: true });
    await assert.rejects(runTraining({ ...small, outDir: path.join(root, 'continued'), epochs: 2, from: 'pretrained' }), /has no discriminator or optimizer state/);
    assert.ok(fs.existsSync(path.join(root, 'continued', 'image_at_epoch_0002.png')), 'a refused continuation removes nothing');
  } finally {
    delete process.env[PRETRAINED_ENV];
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('log8 keeps every value within 5.7 % (first moments) and 4.5 % (second moments) across 20 and 32 octaves, in a quarter of the bytes', () => {
  const random = (i: number) => ((Math.sin(i * 12.9898) * 43758.5453) % 1 + 1) % 1;
  const count = 1000;
  // Magnitudes over 30 orders of magnitude (2^-100 to 1), as Adam's second moments can be, with zeros.
  const second = Float32Array.from({ length: count }, (_, i) => (i % 97 === 0 ? 0 : 2 ** (-100 * random(i))));
  const first = Float32Array.from(second, (v, i) => (random(i + count) < 0.5 ? -Math.sqrt(v) : Math.sqrt(v)));
  for (const [values, within, octaves] of [[second, 0.045, 32], [first, 0.057, 20]] as const) {
    const { code, bytes } = encodeLog8(values);
    assert.equal(code.signed, values === first);
    assert.equal(bytes.length, log8Bytes(count), 'one byte a value and 4 a block');
    assert.ok(bytes.length < count * 4 * 0.26);
    const back = decodeLog8(bytes, count, code);
    for (let b = 0; b < count; b += code.block) {
      const block = Array.from(values.subarray(b, b + code.block));
      const top = Math.max(...block.map(Math.abs));
      for (let i = b; i < Math.min(b + code.block, count); i++) {
        const v = values[i];
        const kept = Math.abs(back[i] - v) <= Math.abs(v) * within;
        if (v === 0) assert.equal(back[i], 0, 'zero stays zero');
        else if (Math.abs(v) >= top * 2 ** -octaves) assert.ok(kept, `${v} came back as ${back[i]}`);
        else if (code.signed) assert.ok(kept || back[i] === 0, 'a first moment below the scale becomes 0 (a smaller step)');
        else assert.ok(kept || back[i] > v, 'a second moment below the scale is raised, never zeroed (m / epsilon)');
      }
    }
  }
  assert.throws(() => encodeLog8(new Float32Array([1, NaN])), /not finite.*diverged/);
  assert.throws(() => decodeLog8(new Uint8Array(10), 100, { block: 256, signed: false, octaves: 32 }), /takes 104 bytes, not 10.*damaged/);
  assert.deepEqual(Array.from(decodeLog8(encodeLog8(new Float32Array(5)).bytes, 5, encodeLog8(new Float32Array(5)).code)), [0, 0, 0, 0, 0]);
});
