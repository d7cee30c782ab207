#!/usr/bin/env node
// Executes every notebook in notebooks/ (or those named on the command line) with the pinned
// nbclient from .venv/ against the project's tslab kernel (scripts/execute_notebook.py), in quick
// mode (GAN_QUICK=1) unless GAN_QUICK is already set. A failing cell fails the notebook (its
// source and output are printed); any failed notebook makes this script exit non-zero.
//
// Hermetic: every run copies the notebooks into a fresh build/notebook-run/notebooks/, so their
// `../runs/` folders start empty (a second run trains again instead of resuming a finished run,
// and no notebook scores a generator left over from an earlier run). Executed copies go to
// build/notebooks/.
//
// --gallery DIR also exports each executed notebook to HTML in DIR (with an index.html), so a
// teacher can share results without running anything: `npm run gallery` (quick mode), or
// `GAN_QUICK=0 npm run gallery` for the full runs.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'build', 'notebooks');
const runRoot = path.join(root, 'build', 'notebook-run');
const python = path.join(root, '.venv', 'bin', 'python');
let args = process.argv.slice(2);
let gallery;
const galleryAt = args.indexOf('--gallery');
if (galleryAt >= 0) {
  gallery = path.resolve(root, args[galleryAt + 1] || 'gallery');
  args = args.filter((_, i) => i !== galleryAt && i !== galleryAt + 1);
  fs.mkdirSync(gallery, { recursive: true });
}
if (!fs.existsSync(python)) {
  console.error('run-notebooks: .venv/ is missing (nbclient lives there): run npm run setup first.');
  process.exit(1);
}
// A notebook named on the command line: a path (from the repository root or here), or a lesson's
// name in notebooks/ with or without .ipynb ('06b-dcgan-fashion').
function notebookPath(arg) {
  const named = arg.endsWith('.ipynb') ? arg : `${arg}.ipynb`;
  // A lesson's name is looked up in notebooks/ only when it is a bare name: a mistyped path fails.
  const bare = !arg.includes('/') && !arg.includes(path.sep);
  const found = [path.resolve(arg), path.resolve(root, arg), ...(bare ? [path.join(root, 'notebooks', named)] : [])].find((p) => fs.existsSync(p) && fs.statSync(p).isFile());
  if (!found) {
    const lessons = fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).map((f) => f.replace(/\.ipynb$/, ''));
    console.error(`run-notebooks: no notebook ${arg} (give a path, or one of: ${lessons.join(', ')}).`);
    process.exit(2);
  }
  return path.relative(root, found);
}
const notebooks = (args.length ? args.map(notebookPath) : fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join('notebooks', f)));
const jupyterEnv = path.join(root, 'scripts', 'jupyter-env.sh');
const timeout = Number(process.env.GAN_NOTEBOOK_TIMEOUT || 1200);

fs.rmSync(runRoot, { recursive: true, force: true });
fs.mkdirSync(path.join(runRoot, 'notebooks'), { recursive: true });

/** A contents page linking every exported notebook, with the title of each. */
function writeIndex() {
  const pages = fs.readdirSync(gallery).filter((f) => f.endsWith('.html') && f !== 'index.html').sort();
  const title = (file) => {
    const nb = JSON.parse(fs.readFileSync(path.join(root, 'notebooks', file.replace(/\.html$/, '.ipynb')), 'utf8'));
    const first = nb.cells.find((c) => c.cell_type === 'markdown');
    const heading = first && [].concat(first.source).join('').match(/^#\s+(.*)$/m);
    return heading ? heading[1] : file;
  };
  const esc = (t) => t.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);
  const mode = process.env.GAN_QUICK === '0' ? 'full runs' : 'quick mode (GAN_QUICK=1)';
  const items = pages.map((p) => `<li><a href="${p}">${esc(title(p))}</a></li>`).join('\n');
  fs.writeFileSync(path.join(gallery, 'index.html'), `<!doctype html><meta charset="utf-8"><title>gan-lab notebooks</title>\n<h1>gan-lab notebooks, executed</h1>\n<p>Executed ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${mode}.</p>\n<ol>\n${items}\n</ol>\n`);
  console.log(`gallery: ${pages.length} pages in ${path.relative(root, gallery)}/ (open index.html)`);
}

const quick = process.env.GAN_QUICK ?? '1';
let passed = 0;
let failed = 0;
for (const nb of notebooks) {
  const started = Date.now();
  const copy = path.join(runRoot, 'notebooks', path.basename(nb));
  fs.copyFileSync(path.resolve(root, nb), copy);
  const q = (s) => `"${s}"`;
  const cmd = `source ${q(jupyterEnv)} && exec ${q(python)} scripts/execute_notebook.py ${q(copy)} ${q(path.join(outDir, path.basename(nb)))} --timeout ${timeout}` +
    (gallery ? ` --html ${q(gallery)}` : '');
  const res = spawnSync('bash', ['-c', cmd], {
    cwd: root,
    // Quick mode (CI) has no network for CIFAR-10: made-up images in its format, said by name.
    env: { ...process.env, GAN_QUICK: quick, GAN_CIFAR: process.env.GAN_CIFAR ?? (quick === '0' ? 'real' : 'synthetic') },
    encoding: 'utf8',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status === 0) {
    passed++;
    console.log(`ok   ${nb} (${seconds} s)`);
  } else {
    failed++;
    console.log(`FAIL ${nb} (${seconds} s)`);
    console.log((res.stderr || '').split('\n').slice(-60).join('\n'));
  }
}
if (gallery) writeIndex();
console.log(`notebooks: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
