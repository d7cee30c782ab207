#!/usr/bin/env node
// Executes every notebook in notebooks/ (or those named on the command line) with
// `jupyter nbconvert --execute` against the project's tslab kernel, in quick mode
// (GAN_QUICK=1) unless GAN_QUICK is already set. A failing cell fails the notebook; any
// failed notebook makes this script exit non-zero. Executed copies go to build/notebooks/.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'build', 'notebooks');
const args = process.argv.slice(2);
const notebooks = (args.length ? args : fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join('notebooks', f)));
const jupyterEnv = path.join(root, 'scripts', 'jupyter-env.sh');
const timeout = Number(process.env.GAN_NOTEBOOK_TIMEOUT || 1200);

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
  } else {
    failed++;
    console.log(`FAIL ${nb} (${seconds} s)`);
    console.log((res.stderr || '').split('\n').slice(-40).join('\n'));
  }
}
console.log(`notebooks: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
