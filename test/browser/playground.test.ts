/**
 * The generator playground in headless Chromium: a generator saved by the trainer loads in
 * the page, draws a non-blank image, and the class picker and sliders change it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { Page } from 'playwright-core';
import { useWasm, rng } from '../helpers';
import { saveModel } from '../../lib/models/files';
import { startPlayground } from '../../lib/cli/playground-server';
import { listPretrained } from '../../lib/models/pretrained';
import { launchChromium, screenshotPath } from './chromium';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-playground-test-'));

/**
 * The main canvas as the 28x28 image it shows: the red channel (grey images have R = G = B; the
 * alpha channel is always 255 and would hide a one-colour canvas) at the centre of each of the
 * 28x28 blocks that the page scales the generator's image up to, in 0..1.
 */
const canvasPixels = (page: Page) => page.evaluate(() => {
  const canvas = document.getElementById('image') as HTMLCanvasElement;
  const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  const out: number[] = [];
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const x = Math.floor(((c + 0.5) * canvas.width) / 28);
      const y = Math.floor(((r + 0.5) * canvas.height) / 28);
      out.push(data[4 * (y * canvas.width + x)] / 255);
    }
  }
  return out;
});

/** The page's first latent point: its seeded normal source (mulberry32 + Box-Muller, seed 42). */
function pageLatentPoint(dim: number): number[] {
  const uniform = rng(42);
  return Array.from({ length: dim }, () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform()));
}

/** What the page should draw, computed here: the generator's output mapped to 0..1 as the page does (tanh range, reversed for MNIST). */
function expectedImage(generator: tf.LayersModel, z: number[], label: number, reverse: boolean): number[] {
  return tf.tidy(() => {
    const out = generator.predict([tf.tensor2d([z]), tf.tensor2d([[label]])]) as tf.Tensor;
    const unit = out.add(1).div(2);
    return Array.from((reverse ? tf.sub(1, unit) : unit).clipByValue(0, 1).dataSync());
  });
}

const maxAbsDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const std = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
};


/** Share of pixels that differ by more than 2 of 255 levels. */
const changedShare = (a: number[], b: number[]) => a.filter((v, i) => Math.abs(v - b[i]) > 2 / 255).length / a.length;

/**
 * A small conditional generator in the trainer's format: [noise (8), label] -> 28x28x1 in
 * [-1, 1], with weights large enough that every class and every latent value shows.
 */
function smallConditionalGenerator(): tf.LayersModel {
  const init = (seed: number) => tf.initializers.randomNormal({ mean: 0, stddev: 1, seed });
  const z = tf.input({ shape: [8] });
  const label = tf.input({ shape: [1] });
  const embedded = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: 10, outputDim: 8, embeddingsInitializer: init(1) }).apply(label)) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([z, embedded]) as tf.SymbolicTensor;
  const hidden = tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: init(2) }).apply(joined) as tf.SymbolicTensor;
  const pixels = tf.layers.dense({ units: 784, activation: 'tanh', kernelInitializer: init(3) }).apply(hidden) as tf.SymbolicTensor;
  const image = tf.layers.reshape({ targetShape: [28, 28, 1] }).apply(pixels) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, label], outputs: image, name: 'generator' });
}

/** A run folder as the trainer leaves it: generator/ and checkpoint/state.json. */
async function saveRun(runDir: string, generator: tf.LayersModel): Promise<void> {
  await saveModel(generator, path.join(runDir, 'generator'));
  fs.mkdirSync(path.join(runDir, 'checkpoint'), { recursive: true });
  fs.writeFileSync(path.join(runDir, 'checkpoint', 'state.json'), JSON.stringify({ model: 'cgan-mnist', epoch: 1, history: [] }));
}

async function nextRender(page: Page, before: number): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset.renders) > n, before, { timeout: 20000 });
}

test('the playground draws a trained conditional generator and follows the class and the sliders', async () => {
  await useWasm();
  const runDir = path.join(tmp, 'run');
  const generator = smallConditionalGenerator();
  await saveRun(runDir, generator);
  const z = pageLatentPoint(8);

  const playground = await startPlayground({ runDir, port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(playground.url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60000 });
    assert.match(await page.textContent('#status') ?? '', /cgan-mnist after epoch 1/);
    const { reverse } = await (await fetch(new URL('/model/info.json', playground.url))).json();
    const first = await canvasPixels(page);
    assert.ok(std(first) > 0.1, `the canvas is (nearly) one colour: pixel std ${std(first)}`);
    // The page draws what the generator computes for its seeded point, class 0 (WebGL/float and
    // 8-bit rounding: within 3 levels of 255).
    const tolerance = 3 / 255;
    assert.ok(maxAbsDiff(first, expectedImage(generator, z, 0, reverse)) < tolerance, `class 0 differs from the generator's output by ${maxAbsDiff(first, expectedImage(generator, z, 0, reverse))}`);

    let renders = Number(await page.evaluate(() => document.body.dataset.renders));
    await page.selectOption('#class', '7');
    await nextRender(page, renders);
    const seven = await canvasPixels(page);
    const changed = changedShare(first, seven);
    assert.ok(changed > 0.2, `class 7 changed only ${(100 * changed).toFixed(2)}% of the pixels`);
    assert.ok(maxAbsDiff(seven, expectedImage(generator, z, 7, reverse)) < tolerance, 'class 7 is not the generator\'s class-7 image');

    renders = Number(await page.evaluate(() => document.body.dataset.renders));
    await page.fill('#z0', '2.5');
    await nextRender(page, renders);
    const moved = await canvasPixels(page);
    const movedShare = changedShare(seven, moved);
    assert.ok(movedShare > 0.1, `moving z[0] to 2.5 changed only ${(100 * movedShare).toFixed(2)}% of the pixels`);
    assert.ok(maxAbsDiff(moved, expectedImage(generator, [2.5, ...z.slice(1)], 7, reverse)) < tolerance, 'the slider image is not the generator\'s image for the moved point');

    await page.click('#interpolate');
    await page.waitForFunction(() => {
      const strip = document.getElementById('strip') as HTMLCanvasElement;
      const d = strip.getContext('2d')!.getImageData(0, 0, strip.width, strip.height).data;
      return d.some((v, i) => i % 4 === 3 && v > 0);
    }, undefined, { timeout: 20000 });
    await page.screenshot({ path: screenshotPath('playground.png'), fullPage: true });
    assert.deepEqual(errors, []);
    console.log(`class change altered ${(100 * changed).toFixed(1)}% of pixel values`);
  } finally {
    await browser.close();
    await playground.close();
  }
});

test('the playground server explains a folder that is not a run', async () => {
  await assert.rejects(startPlayground({ runDir: tmp, port: 0 }), /is not a training run folder/);
});

test('the playground server serves only the page and the generator\'s own files', async () => {
  const runDir = path.join(tmp, 'files');
  await saveRun(runDir, smallConditionalGenerator());
  const playground = await startPlayground({ runDir, port: 0 });
  try {
    const get = (p: string) => fetch(new URL(p, playground.url)).then((r) => r.status);
    assert.equal(await get('/'), 200);
    assert.equal(await get('/model/model.json'), 200);
    const info = await (await fetch(new URL('/model/info.json', playground.url))).json();
    assert.equal(info.model, 'cgan-mnist');
    assert.equal(info.classNames.length, 10);
    assert.equal(await get('/model/..%2Fcheckpoint%2Fstate.json'), 404);
    assert.equal(await get('/model/%E0%A4%A'), 400);
    assert.equal(await get('/package.json'), 404);
  } finally {
    await playground.close();
  }
});

test('without a run folder the playground offers the shipped pretrained generators in a menu', async () => {
  const shipped = listPretrained();
  if (!shipped.length) {
    await assert.rejects(startPlayground({ port: 0 }), /No pretrained generators are shipped/);
    return;
  }
  const playground = await startPlayground({ port: 0 });
  const browser = await launchChromium();
  try {
    const models = await (await fetch(new URL('/models.json', playground.url))).json();
    assert.deepEqual(models.map((m: { id: string }) => m.id), shipped);
    for (const name of shipped) assert.equal((await fetch(new URL(`/model/${name}/model.json`, playground.url))).status, 200);
    const page = await browser.newPage();
    await page.goto(`${playground.url}?model=${shipped[shipped.length - 1]}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60000 });
    assert.match(await page.textContent('#status') ?? '', new RegExp(shipped[shipped.length - 1]));
    if (shipped.length > 1) assert.equal(await page.$eval('#model', (s) => (s as HTMLSelectElement).options.length), shipped.length);
    const pixels = await canvasPixels(page);
    assert.ok(std(pixels) > 0.1, 'the pretrained generator drew a (nearly) one-colour image');
    await page.screenshot({ path: screenshotPath('playground-pretrained.png'), fullPage: true });
  } finally {
    await browser.close();
    await playground.close();
  }
});
