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
import { useWasm } from '../helpers';
import { saveModel } from '../../lib/models/files';
import { startPlayground } from '../../lib/web/playground-server';
import { launchChromium, screenshotPath } from './chromium';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-playground-test-'));

/** The main canvas's pixels (RGBA). */
const canvasPixels = (page: Page) => page.evaluate(() => {
  const canvas = document.getElementById('image') as HTMLCanvasElement;
  return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
});

const std = (v: number[]) => {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
};

const meanAbsDiff = (a: number[], b: number[]) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

/** Share of pixel values that differ by more than 2 levels. */
const changedShare = (a: number[], b: number[]) => a.filter((v, i) => Math.abs(v - b[i]) > 2).length / a.length;

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
  await saveRun(runDir, smallConditionalGenerator());

  const playground = await startPlayground({ runDir, port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(playground.url);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 60000 });
    assert.match(await page.textContent('#status') ?? '', /cgan-mnist after epoch 1/);
    const first = await canvasPixels(page);
    assert.ok(std(first) > 1, `the canvas is blank (pixel std ${std(first)})`);

    let renders = Number(await page.evaluate(() => document.body.dataset.renders));
    await page.selectOption('#class', '7');
    await nextRender(page, renders);
    const seven = await canvasPixels(page);
    const changed = changedShare(first, seven);
    assert.ok(changed > 0.05, `class 7 drew (almost) the same image: ${(100 * changed).toFixed(2)}% of pixel values changed`);

    renders = Number(await page.evaluate(() => document.body.dataset.renders));
    await page.fill('#z0', '2.5');
    await nextRender(page, renders);
    assert.ok(meanAbsDiff(seven, await canvasPixels(page)) > 0, 'moving z[0] changed nothing');

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
