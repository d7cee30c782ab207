#!/usr/bin/env node
// Executes every notebook in notebooks/ (or those named on the command line) with
// `jupyter nbconvert --execute` against the project's tslab kernel, in quick mode
// (GAN_QUICK=1) unless GAN_QUICK is already set. A failing cell fails the notebook; any
// failed notebook makes this script exit non-zero. Executed copies go to build/notebooks/.
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
let args = process.argv.slice(2);
let gallery;
const galleryAt = args.indexOf('--gallery');
if (galleryAt >= 0) {
  gallery = path.resolve(root, args[galleryAt + 1] || 'gallery');
  args = args.filter((_, i) => i !== galleryAt && i !== galleryAt + 1);
  fs.mkdirSync(gallery, { recursive: true });
}
const notebooks = (args.length ? args : fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join('notebooks', f)));
const jupyterEnv = path.join(root, 'scripts', 'jupyter-env.sh');
const timeout = Number(process.env.GAN_NOTEBOOK_TIMEOUT || 1200);

/** nbconvert --to html of an executed notebook into the gallery. */
function exportHtml(executed) {
  const cmd = `source "${jupyterEnv}" && jupyter nbconvert --to html "${executed}" --output-dir "${gallery}"`;
  const res = spawnSync('bash', ['-c', cmd], { cwd: root, encoding: 'utf8' });
  if (res.status !== 0) {
    failed++;
    console.log(`FAIL html export of ${executed}\n${res.stderr}`);
  }
}

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

let passed = 0;
let failed = 0;
for (const nb of notebooks) {
  const started = Date.now();
  const cmd = `source "${jupyterEnv}" && jupyter nbconvert --to notebook --execute "${nb}" --output-dir "${outDir}" ` +
    `--ExecutePreprocessor.kernel_name=tslab --ExecutePreprocessor.timeout=${timeout}`;
  const res = spawnSync('bash', ['-c', cmd], {
    cwd: root,
    env: { ...process.env, GAN_QUICK: process.env.GAN_QUICK ?? '1' },
    encoding: 'utf8',
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (res.status === 0) {
    passed++;
    console.log(`ok   ${nb} (${seconds} s)`);
    if (gallery) exportHtml(path.join(outDir, path.basename(nb)));
  } else {
    failed++;
    console.log(`FAIL ${nb} (${seconds} s)`);
    console.log((res.stderr || '').split('\n').slice(-40).join('\n'));
  }
}
if (gallery) writeIndex();
console.log(`notebooks: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
