/**
 * Lesson checks (lib/lessons/check.ts) and lesson modes (lib/config.ts): strict checks throw with
 * the difference, friendly ones print one line and let the lesson go on; each kind of change a
 * student makes (a layer removed, a rate changed, an activation, a label) is found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from './helpers';
import * as check from '../lib/lessons/check';
import * as mnist from '../lib/models/dcgan-mnist';
import { trainStep } from '../lib/training/step';
import { generateLatentPoints } from '../lib/models/gan';
import { setGlobalSeed } from '../lib/random';
import { resolveLessonMode, checksAreStrict, setLessonMode, sizesOverride } from '../lib/config';
import { sizesFor, notebookRunDir } from '../lib/lessons/setup';

/** Runs `fn` with the environment variables given (undefined: unset), restoring them after. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T | Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

/** tutorial 000's discriminator with another dropout rate, or without Dropout (rate 0). */
function discriminator(rate: number, alpha = 0.2): tf.Sequential {
  const d = tf.sequential();
  d.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', inputShape: [28, 28, 1] }));
  d.add(tf.layers.leakyReLU({ alpha }));
  if (rate) d.add(tf.layers.dropout({ rate }));
  d.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same' }));
  d.add(tf.layers.leakyReLU({ alpha }));
  if (rate) d.add(tf.layers.dropout({ rate }));
  d.add(tf.layers.flatten());
  d.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  d.compile({ loss: 'binaryCrossentropy', optimizer: tf.train.adam(0.0002, 0.5), metrics: ['accuracy'] });
  return d;
}

/** Console lines printed while `fn` runs. */
async function printed(fn: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...xs: unknown[]) => { lines.push(xs.join(' ')); };
  try {
    await fn();
  } finally {
    console.log = log;
  }
  return lines;
}

test('modes: GAN_QUICK forces quick, GAN_MODE forces its value, else the notebook\'s choice; checks strict only in quick mode', async () => {
  await withEnv({ GAN_QUICK: undefined, GAN_MODE: undefined, GAN_CHECKS: undefined }, () => {
    setLessonMode(undefined);
    assert.equal(resolveLessonMode(), 'full');
    assert.equal(resolveLessonMode('class'), 'class');
    assert.throws(() => resolveLessonMode('medium'), /mode is "medium": use one of quick, class, full/);
    assert.equal(checksAreStrict('quick'), true);
    assert.equal(checksAreStrict('class'), false);
    assert.equal(checksAreStrict('full'), false);
  });
  await withEnv({ GAN_QUICK: '1', GAN_MODE: 'full' }, () => assert.equal(resolveLessonMode('class'), 'quick'));
  await withEnv({ GAN_QUICK: '0', GAN_MODE: 'class' }, () => assert.equal(resolveLessonMode('full'), 'class'));
  await withEnv({ GAN_QUICK: undefined, GAN_MODE: 'huge' }, () => assert.throws(() => resolveLessonMode(), /GAN_MODE is "huge"/));
  await withEnv({ GAN_CHECKS: 'strict' }, () => assert.equal(checksAreStrict('class'), true));
  await withEnv({ GAN_CHECKS: 'friendly' }, () => assert.equal(checksAreStrict('quick'), false));
  const sizes = { full: { steps: 1000, batch: 32 }, class: { steps: 100 }, quick: { steps: 3, batch: 8 } };
  assert.deepEqual(sizesFor('full', sizes), { steps: 1000, batch: 32 });
  assert.deepEqual(sizesFor('class', sizes), { steps: 100, batch: 32 });
  assert.deepEqual(sizesFor('quick', sizes), { steps: 3, batch: 8 });
  const withRate = { full: { steps: 1000, lr: 2e-4 }, class: { steps: 100, lr: 1e-3 }, quick: { steps: 3 } };
  assert.deepEqual(sizesFor('class', withRate, 'quick'), { steps: 3, lr: 1e-3 }, "GAN_SIZES=quick: quick's steps over class mode's rate");
  await withEnv({ GAN_SIZES: 'quick' }, () => assert.equal(sizesOverride(), 'quick'));
  await withEnv({ GAN_SIZES: undefined }, () => assert.equal(sizesOverride(), undefined));
  await withEnv({ GAN_SIZES: 'tiny' }, () => assert.throws(() => sizesOverride(), /GAN_SIZES is "tiny": use one of quick, class, full .* or a JSON object of sizes/));
  await withEnv({ GAN_SIZES: '[1]' }, () => assert.throws(() => sizesOverride(), /GAN_SIZES is "\[1\]"/));
  await withEnv({ GAN_SIZES: '{"steps": 7}' }, () => assert.deepEqual(sizesOverride(), { steps: 7 }));
  assert.deepEqual(sizesFor('quick', withRate, { steps: 500 }), { steps: 500, lr: 2e-4 }, 'sizes given as JSON over the mode\'s');
  assert.deepEqual(sizesFor('class', withRate, 'full'), { steps: 1000, lr: 2e-4 }, "GAN_SIZES=full: full mode's values over class mode's");
  assert.equal(notebookRunDir('dcgan-mnist', 'class'), '../runs/notebook-dcgan-mnist-class');
  assert.notEqual(notebookRunDir('x', 'quick'), notebookRunDir('x', 'full'));
});

test('check.model: the same network passes; a removed Dropout, a changed rate, a changed activation are each found', async () => {
  await useWasm();
  await withEnv({ GAN_CHECKS: 'friendly' }, async () => {
    const lines = await printed(async () => {
      await check.model('the discriminator', () => discriminator(0.4), mnist.defineDiscriminator);
      const same = check.last()!;
      assert.equal(same.same, true, same.line);
      assert.match(same.line, /^✓ the discriminator: the same as the library's defineDiscriminator\(\) \(40,705 parameters; same outputs for the same weights; same weights after two training steps\)\.$/);
      await check.model('the discriminator', () => discriminator(0), mnist.defineDiscriminator);
      const noDropout = check.last()!;
      assert.deepEqual(noDropout.differences.slice(0, 1), ["Dropout: 0 here, 2 in the library's"]);
      assert.match(noDropout.line, /^✎ the discriminator: yours differs from .*Dropout: 0 here, 2 in the library's.*expected if you changed it on purpose/);
      await check.model('the discriminator', () => discriminator(0.3), mnist.defineDiscriminator);
      const rate = check.last()!;
      assert.match(rate.differences.join(), /losses that differ by/);
      await check.model('the discriminator', () => discriminator(0.4, 0.1), mnist.defineDiscriminator);
      const alpha = check.last()!;
      assert.match(alpha.differences.join(), /outputs differ by up to/);
    });
    assert.equal(lines.length, 4, 'one line per check');
  });
  await withEnv({ GAN_CHECKS: 'strict' }, async () => {
    await assert.rejects(check.model('the discriminator', () => discriminator(0), mnist.defineDiscriminator), /Lesson check failed \(strict in GAN_CHECKS=strict\): the discriminator differs from the library's defineDiscriminator\(\): Dropout: 0 here, 2/);
  });
  assert.equal(tf.memory().numTensors < 200, true);
});

test('check.step and check.same: the library step against itself passes; label smoothing in "mine" is found; the global random state is left as it was', async () => {
  await useWasm();
  const real = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const build = () => {
    const d = mnist.defineDiscriminator();
    const g = mnist.defineGenerator(100);
    return { generator: g, discriminator: d, gan: mnist.defineGan(g, d) };
  };
  await withEnv({ GAN_CHECKS: 'friendly' }, async () => {
    await printed(async () => {
      await check.step('the training step', { build, mine: (m, r, o) => trainStep(m, r, o), library: trainStep, real });
      const ok = check.last()!;
      assert.equal(ok.same, true, ok.line);
      await check.step('the training step', { build, mine: (m, r, o) => trainStep(m, r, { ...o, realLabel: 0.9 }), library: trainStep, real });
      const smoothed = check.last()!;
      assert.equal(smoothed.same, false);
      assert.match(smoothed.differences.join(), /losses differ by/);
      const tensorsBefore = tf.memory().numTensors;
      setGlobalSeed(5);
      const expected = Math.random();
      setGlobalSeed(5);
      check.same('generateLatentPoints', () => generateLatentPoints(100, 4), () => generateLatentPoints(100, 4));
      const again = check.last()!;
      assert.equal(again.same, true);
      check.same('generateLatentPoints', () => generateLatentPoints(100, 4), () => tf.randomUniform([4, 100]));
      const other = check.last()!;
      assert.match(other.differences[0], /values differ by up to/);
      check.same('generateLatentPoints', () => generateLatentPoints(100, 4), () => generateLatentPoints(10, 4));
      const shape = check.last()!;
      assert.match(shape.differences[0], /shape \[4,100\] against \[4,10\]/);
      assert.equal(tf.memory().numTensors, tensorsBefore, 'check.same disposes what it compared');
      assert.equal(Math.random(), expected, 'the checks drew nothing from the lesson\'s random sequence');
    });
  });
  real.dispose();
});

test('check.expect: one line when it holds; friendly: what was expected and what was found; strict: throws', async () => {
  await withEnv({ GAN_CHECKS: 'friendly' }, async () => {
    const lines = await printed(async () => {
      check.expect('the parameter count', true, "tutorial 000's 40,705", '40,705');
      check.expect('the parameter count', false, "tutorial 000's 40,705", '12,001');
    });
    assert.deepEqual(lines, [
      "✓ the parameter count: tutorial 000's 40,705.",
      "✎ the parameter count: 12,001 where tutorial 000's 40,705 was expected. That is expected if you changed the lesson on purpose; it goes on with yours.",
    ]);
    assert.equal(check.last()!.same, false);
  });
  await withEnv({ GAN_CHECKS: 'strict' }, () => {
    assert.throws(() => check.expect('the parameter count', false, "tutorial 000's 40,705", '12,001'), /Lesson check failed \(strict in GAN_CHECKS=strict\): the parameter count: 12,001 where tutorial 000's 40,705 was expected/);
  });
});
