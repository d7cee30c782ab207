/**
 * The notebook helpers (lib/display.ts, lib/lessons/show.ts and setup.ts, lib/visual, lib/models/summary.ts), headless: figures become PNGs of the right size,
 * model summaries have one row per layer and the right totals, tables have one row per record,
 * nothing throws outside a notebook, and inside one (tslab's display hook, simulated) each
 * helper sends the MIME type that untrusted notebooks still render.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { PNG } from 'pngjs';
import { showImage, inNotebook } from '../lib/display';
import { showFigure, showTable, showSummary } from '../lib/lessons/show';
import { setup } from '../lib/lessons/setup';
import { maxAbsDifference } from '../lib/lessons/difference';
import { tableHtml } from '../lib/visual/table';
import { figurePng } from '../lib/visual/plot';
import { summarizeModel } from '../lib/models/summary';
import { historyFigure, lossFigure } from '../lib/visual/plot';
import { gridPng } from '../lib/visual/grid';
import { defineDiscriminator, defineGenerator, defineGan } from '../lib/models/dcgan-mnist';

const history = [
  { epoch: 1, dLoss: 0.69, gLoss: 0.71, realP: 0.5, fakeP: 0.49 },
  { epoch: 2, dLoss: 0.6, gLoss: 0.9, realP: 0.6, fakeP: 0.4 },
  { epoch: 3, dLoss: 0.55, gLoss: 1.1, realP: 0.65, fakeP: 0.35 },
];

/** tslab's display hook (`tslab/dist/jupyter`.lastWriteDisplayData), set while a test simulates a kernel. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab's internal module (no types): the hook a test sets to simulate a kernel
const kernel = require('tslab/dist/jupyter') as { lastWriteDisplayData: null | ((msg: { data: Record<string, string> }) => void) };

/** Runs `fn` as if inside a tslab kernel, and returns what it displayed: [mime type, payload] pairs. */
async function displayedBy(fn: () => unknown): Promise<Array<[string, string]>> {
  const shown: Array<[string, string]> = [];
  kernel.lastWriteDisplayData = (msg) => {
    for (const [mime, payload] of Object.entries(msg.data)) shown.push([mime, payload]);
  };
  try {
    await fn();
  } finally {
    kernel.lastWriteDisplayData = null;
  }
  return shown;
}

/** Rows of the <tbody> of an HTML table. */
const bodyRows = (html: string) => (html.match(/<tbody>(.*)<\/tbody>/s)?.[1].match(/<tr>/g) ?? []).length;

before(async () => {
  await tf.setBackend('cpu');
});

after(() => {
  kernel.lastWriteDisplayData = null;
});

test('figurePng rasterises a figure to a PNG of the requested size, with the traces drawn', async () => {
  const png = await figurePng(lossFigure(history));
  const meta = await sharp(png).metadata();
  assert.equal(meta.format, 'png');
  assert.equal(meta.width, 640);
  assert.equal(meta.height, 360);

  const small = await figurePng(historyFigure(history, ['dLoss'], 'D loss'), 300, 200);
  const decoded = PNG.sync.read(small);
  assert.equal(decoded.width, 300);
  assert.equal(decoded.height, 200);
  // The first trace's colour (#1f77b4) is on the canvas: the line was drawn, not just a blank page.
  let blue = 0;
  for (let i = 0; i < decoded.data.length; i += 4) {
    if (Math.abs(decoded.data[i] - 0x1f) < 30 && Math.abs(decoded.data[i + 1] - 0x77) < 30 && Math.abs(decoded.data[i + 2] - 0xb4) < 30) blue++;
  }
  assert.ok(blue > 100, `only ${blue} pixels of the trace colour`);
});

test('summarizeModel: one row per layer, Keras-style names and shapes, the tutorial totals', () => {
  const d = defineDiscriminator();
  const s = summarizeModel(d);
  assert.equal(s.rows.length, d.layers.length);
  assert.deepEqual(s.rows.map((r) => r.name), ['conv2d', 'leaky_re_lu', 'dropout', 'conv2d_1', 'leaky_re_lu_1', 'dropout_1', 'flatten', 'dense']);
  assert.deepEqual(s.rows.map((r) => r.tfName), d.layers.map((l) => l.name));
  assert.equal(s.rows[0].outputShape, '(None, 14, 14, 64)');
  assert.equal(s.rows[6].outputShape, '(None, 3136)');
  assert.deepEqual(s.rows.map((r) => r.params), [640, 0, 0, 36928, 0, 0, 0, 3137]);
  assert.equal(s.totalParams, 40705);
  assert.equal(s.trainableParams, 40705);
  assert.equal(s.nonTrainableParams, 0);
  assert.equal(bodyRows(s.html), 8);
  assert.match(s.html, /Total params<\/th><td[^>]*>40,705</);

  const g = defineGenerator(100);
  const sg = summarizeModel(g);
  assert.equal(sg.rows.length, 8);
  assert.equal(sg.totalParams, 1164289);
  assert.equal(sg.rows.reduce((n, r) => n + r.params, 0), 1164289);
  assert.equal(sg.rows[7].outputShape, '(None, 28, 28, 1)');

  // The composite: two rows (the nested models); trainable = what compile() collected.
  const gan = defineGan(g, d);
  const sc = summarizeModel(gan);
  assert.deepEqual(sc.rows.map((r) => [r.name, r.type, r.params]), [['generator', 'Sequential', 1164289], ['discriminator', 'Sequential', 40705]]);
  assert.equal(bodyRows(sc.html), 2);
  assert.equal(sc.totalParams, 1204994);
  assert.equal(sc.trainableParams, 1164289);
  assert.equal(sc.nonTrainableParams, 40705);
  gan.dispose();
});

test('summarizeModel keeps the names the code gave its layers', () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 3, inputShape: [2], name: 'hidden_1' }));
  m.add(tf.layers.dense({ units: 1, name: 'dense_5' }));
  const s = summarizeModel(m);
  assert.deepEqual(s.rows.map((r) => r.name), ['hidden_1', 'dense_5']);
  assert.equal(s.totalParams, 2 * 3 + 3 + 3 + 1);
  // Nested models with automatic names read like Keras's too.
  const outer = tf.sequential();
  outer.add(m);
  assert.equal(summarizeModel(outer).rows[0].name, 'sequential');
  assert.equal(summarizeModel(outer).name, 'sequential');
  m.dispose();
});

test('tableHtml: a header of every key, one row per record; DataFrame-like input too', () => {
  const html = tableHtml([{ step: 1, dLoss: 0.69 }, { step: 2, dLoss: 0.65, note: 'a<b' }], 'Losses');
  assert.match(html, /<caption>Losses<\/caption>/);
  assert.match(html, /<th>step<\/th><th>dLoss<\/th><th>note<\/th>/);
  assert.equal(bodyRows(html), 2);
  assert.ok(html.includes('a&lt;b'));
  const df = tableHtml({ columns: ['a', 'b'], values: [[1, 2], [3, 4], [5, 6]] });
  assert.equal(bodyRows(df), 3);
});

test('outside a notebook the display helpers show nothing, return nothing and do not throw', async () => {
  assert.equal(inNotebook(), false);
  const png = gridPng(tf.zeros([4, 28, 28, 1]) as tf.Tensor4D, { cols: 2 });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nb-display-')), 'grid.png');
  fs.writeFileSync(file, png);
  assert.equal(showImage(png), undefined);
  assert.equal(showImage(file), undefined);
  assert.equal(await showFigure(lossFigure(history)), undefined);
  assert.equal(showTable(history, 'History'), undefined);
  const d = defineDiscriminator();
  assert.equal(showSummary(d), undefined);
  d.dispose();
  // A file that is not a PNG is refused with its name.
  const notPng = path.join(path.dirname(file), 'notes.txt');
  fs.writeFileSync(notPng, 'hello');
  assert.throws(() => showImage(notPng), /notes\.txt is not a PNG/);
});

test('inside a notebook: figures and images go out as image/png, tables and summaries as text/html', async () => {
  const fig = await displayedBy(() => showFigure(lossFigure(history), { width: 400, height: 250 }));
  assert.equal(fig.length, 1);
  assert.equal(fig[0][0], 'image/png');
  const meta = await sharp(Buffer.from(fig[0][1], 'base64')).metadata();
  assert.deepEqual([meta.width, meta.height], [400, 250]);

  const png = gridPng(tf.ones([1, 28, 28, 1]) as tf.Tensor4D, { range: '0-1' });
  const img = await displayedBy(() => showImage(png));
  assert.deepEqual(img.map(([mime]) => mime), ['image/png']);
  assert.ok(Buffer.from(img[0][1], 'base64').equals(png));

  const d = defineDiscriminator();
  const summary = await displayedBy(() => showSummary(d));
  assert.equal(summary[0][0], 'text/html');
  assert.equal(bodyRows(summary[0][1]), 8);
  d.dispose();

  const table = await displayedBy(() => showTable(history, 'History'));
  assert.equal(table[0][0], 'text/html');
  assert.equal(bodyRows(table[0][1]), history.length);
});

test('maxAbsDifference compares tensors, lists and models, and refuses different shapes', () => {
  const a = tf.tensor1d([1, 2, 3]);
  const b = tf.tensor1d([1, 2.5, 3]);
  assert.equal(maxAbsDifference(a, a), 0);
  assert.equal(maxAbsDifference([a, b], [a, a]), 0.5);
  assert.equal(maxAbsDifference(1, 1.25), 0.25);
  assert.throws(() => maxAbsDifference(a, tf.tensor1d([1, 2])), /shape \[3\] against \[2\]/);
  assert.throws(() => maxAbsDifference([a], [a, b]), /1 values against 2/);
  assert.equal(maxAbsDifference(tf.tensor1d([NaN]), tf.tensor1d([0])), Infinity);
  const m1 = defineDiscriminator();
  const m2 = defineDiscriminator();
  assert.ok(maxAbsDifference(m1, m2) > 0);
  m2.setWeights(m1.getWeights());
  assert.equal(maxAbsDifference(m1, m2), 0);
  tf.dispose([a, b]);
  m1.dispose();
  m2.dispose();
});

test('setup: one line about backend and mode, quick or class sizes over full ones, seeded', async () => {
  const saved = { quick: process.env.GAN_QUICK, backend: process.env.GAN_BACKEND, mode: process.env.GAN_MODE, checks: process.env.GAN_CHECKS, log: console.log };
  const lines: string[] = [];
  console.log = (...args: unknown[]) => { lines.push(args.join(' ')); };
  try {
    delete process.env.GAN_BACKEND;
    delete process.env.GAN_MODE;
    delete process.env.GAN_CHECKS;
    process.env.GAN_QUICK = '1';
    const quick = await setup({ backend: 'cpu', seed: 3, run: 'dcgan-mnist', full: { steps: 234, batch: 256 }, quick: { steps: 4 } });
    assert.deepEqual(quick.sizes, { steps: 4, batch: 256 });
    assert.equal(quick.runDir, '../runs/notebook-dcgan-mnist-quick', 'a quick run never shares a full run\'s folder');
    assert.equal(quick.quick, true);
    assert.equal(quick.backend.name, 'cpu');
    assert.equal(quick.tf.getBackend(), 'cpu');
    const first = Math.random();
    process.env.GAN_QUICK = '0';
    const full = await setup({ backend: 'cpu', seed: 3, full: { steps: 234, batch: 256 }, quick: { steps: 4 } });
    assert.deepEqual(full.sizes, { steps: 234, batch: 256 });
    assert.equal(full.runDir, '../runs/notebook-scratch-full');
    assert.equal(full.strictChecks, false);
    assert.equal(Math.random(), first, 'the same seed gives the same random sequence');
    const none = await setup({ backend: 'cpu' });
    assert.deepEqual(none.sizes, {});
    const inClass = await setup({ backend: 'cpu', mode: 'class', run: 'dcgan-mnist', full: { steps: 234, batch: 256 }, class: { steps: 60 }, quick: { steps: 4 } });
    assert.deepEqual(inClass.sizes, { steps: 60, batch: 256 });
    assert.equal(inClass.mode, 'class');
    assert.equal(inClass.runDir, '../runs/notebook-dcgan-mnist-class');
  } finally {
    console.log = saved.log;
    if (saved.quick === undefined) delete process.env.GAN_QUICK; else process.env.GAN_QUICK = saved.quick;
    if (saved.backend !== undefined) process.env.GAN_BACKEND = saved.backend;
    if (saved.mode !== undefined) process.env.GAN_MODE = saved.mode;
    if (saved.checks !== undefined) process.env.GAN_CHECKS = saved.checks;
  }
  assert.equal(lines.length, 4, 'one line per setup() call');
  assert.match(lines[0], /^Backend cpu .*quick mode \(GAN_QUICK=1\): steps=4, batch=256 · seed 3 · checks strict · runs in \.\.\/runs\/notebook-dcgan-mnist-quick$/);
  assert.match(lines[1], /full mode \(the default\): steps=234, batch=256 · seed 3 · checks friendly$/);
  assert.match(lines[3], /class mode \(set in this cell\): steps=60, batch=256 · checks friendly · runs in \.\.\/runs\/notebook-dcgan-mnist-class$/);
});

test('scatter plots: one dot per point inside the limits, later sets drawn on top, a legend entry per set; PNG bytes from scatterPng', async () => {
  const { scatterSvg } = await import('../lib/visual/scatter');
  const { scatterPng } = await import('../lib/visual/scatter');
  const svg = scatterSvg([
    { points: [[0, 0], [1, 1], [5, 5]], label: 'real' },
    { points: new Float32Array([0.5, -0.5, -1, 1]), label: 'generated', color: '#ff0000' },
  ], { title: 'step 100', xLimits: [-2, 2], yLimits: [-2, 2] });
  const groups = svg.match(/<g [^>]*>.*?<\/g>/g)!;
  assert.equal(groups.length, 2);
  assert.equal((groups[0].match(/<circle/g) ?? []).length, 2, 'the point at (5, 5) lies outside the limits');
  assert.equal((groups[1].match(/<circle/g) ?? []).length, 2, 'a flat Float32Array is read two by two');
  assert.ok(svg.indexOf('fill="#ff0000"') > svg.indexOf('<g fill="#9e9e9e"'), 'the second set is drawn after (on top of) the first');
  assert.match(svg, />real<\/text>.*>generated<\/text>/);
  assert.match(svg, />step 100<\/text>/);
  const png = await scatterPng([{ points: [[0, 0]], label: 'x' }]);
  assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]);
});
