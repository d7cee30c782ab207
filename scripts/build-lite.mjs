// Builds the JupyterLite kernel's worker code for the browser (issue 32): lite/worker/library.ts
// with the library, TensorFlow.js and the cell transform, where every Node module is replaced by
// a browser stand-in from lite/worker/shims/ (or one that says it needs Node). Writes
// build/lite/bundle/library.js (an IIFE setting globalThis.ganLite), worker.js (the kernel's
// Web Worker) and their metafile.
//   node scripts/build-lite.mjs [--minify]
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { fileURLToPath } from 'url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shims = path.join(root, 'lite', 'worker', 'shims');
const outDir = path.join(root, 'build', 'lite', 'bundle');   // not build/lite/worker: tsc writes there

/** Node's modules and Node-only packages, and what stands in for each in the browser. */
export const STAND_INS = {
  fs: 'fs.ts', 'node:fs': 'fs.ts', 'danfojs-node': 'danfo.ts',
  path: 'path-browserify', 'node:path': 'path-browserify',
  os: 'os.ts', zlib: 'zlib.ts', sharp: 'sharp.ts',
  assert: 'assert.ts', 'assert/strict': 'assert.ts', 'node:assert': 'assert.ts', 'node:assert/strict': 'assert.ts',
  // Needs Node; using it says so: native bindings, terminal bars, servers, archives.
  crypto: 'unavailable.cjs', util: 'unavailable.cjs', stream: 'unavailable.cjs', module: 'unavailable.cjs', url: 'unavailable.cjs',
  worker_threads: 'unavailable.cjs', perf_hooks: 'unavailable.cjs', child_process: 'unavailable.cjs', events: 'unavailable.cjs',
  http: 'unavailable.cjs', https: 'unavailable.cjs', net: 'unavailable.cjs', readline: 'unavailable.cjs',
  tslab: 'unavailable.cjs', 'tslab/dist/jupyter': 'unavailable.cjs', 'tfjs-node-native': 'unavailable.cjs', '@tensorflow/tfjs-node': 'unavailable.cjs',
  nodeplotlib: 'unavailable.cjs', 'cli-progress': 'unavailable.cjs', tar: 'unavailable.cjs', tfrecord: 'unavailable.cjs',
};

const standIns = {
  name: 'browser-stand-ins',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(STAND_INS).map((k) => k.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, async (args) => {
      const target = STAND_INS[args.path];
      if (/\.c?ts$|\.cjs$/.test(target)) return { path: path.join(shims, target) };
      return build.resolve(target, { kind: args.kind, resolveDir: root });
    });
    // The library's Node loader of the wasm backend gives way to tfjs's own, from the site.
    build.onResolve({ filter: /^\.\/wasm$/ }, (args) => (args.importer.endsWith(path.join('lib', 'engine', 'backend.ts')) ? { path: path.join(shims, 'engine-wasm.ts') } : undefined));
    // pngjs's browser build carries its own Buffer and zlib.
    build.onResolve({ filter: /^pngjs$/ }, () => ({ path: path.join(root, 'node_modules', 'pngjs', 'browser.js') }));
  },
};

export async function buildLiteWorker({ minify = false } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  const result = await esbuild.build({
    // library.js: the library and transform (tests load it in a worker-shaped realm); worker.js: the kernel's Web Worker.
    entryPoints: [path.join(root, 'lite', 'worker', 'library.ts'), path.join(root, 'lite', 'worker', 'worker.ts')],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'ganLite',
    target: 'es2022',
    minify,
    keepNames: true,   // the lesson checks name the library's functions ("the library's defineDiscriminator()")
    metafile: true,
    outdir: outDir,
    plugins: [standIns],
    inject: [path.join(shims, 'globals.ts')],
    define: { __dirname: '"/build/lib"', __filename: '"/build/lib/index.js"', 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(outDir, 'library.meta.json'), JSON.stringify(result.metafile));
  return { file: path.join(outDir, 'library.js'), metafile: result.metafile };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildLiteWorker({ minify: process.argv.includes('--minify') });
  for (const f of ['library.js', 'worker.js']) console.log(`${path.relative(root, path.join(outDir, f))}: ${(fs.statSync(path.join(outDir, f)).size / 1048576).toFixed(2)} MB`);
}
