/**
 * Every notebook in JupyterLab 4, in headless Chromium, as a student runs it: JupyterLab from
 * .venv/ on a loopback port, each notebook opened (its kernel chosen by its metadata), Run > Run
 * All Cells, and checked from the kernel's own replies: every code cell replied `ok` with an
 * execution count (the first failing cell stops the test with its source and error text), every
 * image rendered, tables drawn as HTML tables, and 05-training's live display updated while it
 * ran. One screenshot per notebook goes to artifacts/screenshots/lab/.
 *
 * The notebooks run from fresh copies under build/e2e/lab/notebooks/ in quick mode (GAN_QUICK=1),
 * so their `../runs/` folders are new on every run and Lab's autosave never writes outputs into
 * the repository. The first tests prove the checker can fail: notebooks with a failing middle and
 * a failing last cell are reported as failed.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshotPath } from './chromium';
import { REPO, LabServer, startLab, runNotebookInLab, runningKernels, openWithoutRunning, decodeKernelFrame } from './jupyterlab';

const work = path.join(REPO, 'build', 'e2e', 'lab');
const notebookDir = path.join(work, 'notebooks');
// GAN_LAB_ONLY=01-data.ipynb,05-training.ipynb runs a subset (while working on a notebook).
const only = process.env.GAN_LAB_ONLY?.split(',');
const NOTEBOOKS = fs.readdirSync(path.join(REPO, 'notebooks')).filter((f) => f.endsWith('.ipynb') && (!only || only.includes(f))).sort();
const shot = (name: string) => screenshotPath(path.join('lab', name.replace('.ipynb', '.png')));

let lab: LabServer | undefined;
let browser: Browser | undefined;

function writeNotebook(file: string, cells: string[]): void {
  const nb = {
    cells: cells.map((src) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: src })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  fs.writeFileSync(file, JSON.stringify(nb, null, 1));
}

before(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(notebookDir, { recursive: true });
  for (const nb of NOTEBOOKS) fs.copyFileSync(path.join(REPO, 'notebooks', nb), path.join(notebookDir, nb));
  // On wasm: the backend of the Windows and Apple Silicon laptops where native does not build
  // (the nbclient run of the notebooks uses native).
  lab = await startLab(notebookDir, { GAN_QUICK: '1', GAN_BACKEND: 'wasm', GAN_CIFAR: 'synthetic' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await lab?.stop();
});

test('the websocket decoder reads the v1 binary framing', () => {
  const parts = ['iopub', JSON.stringify({ msg_type: 'execute_reply', msg_id: 'b' }), JSON.stringify({ msg_id: 'a' }), '{}', JSON.stringify({ status: 'error' })].map((s) => Buffer.from(s));
  const offsets = [8 * (1 + parts.length + 1)];
  for (const p of parts) offsets.push(offsets[offsets.length - 1] + p.length);
  const head = Buffer.alloc(8 * (offsets.length + 1));
  head.writeBigUInt64LE(BigInt(offsets.length), 0);
  offsets.forEach((o, i) => head.writeBigUInt64LE(BigInt(o), 8 * (i + 1)));
  const msg = decodeKernelFrame(Buffer.concat([head, ...parts]));
  assert.deepEqual(msg, { channel: 'iopub', msgType: 'execute_reply', msgId: 'b', parentId: 'a', content: { status: 'error' } });
});

test('a failing middle cell stops the run at once and names the cell', { timeout: 5 * 60000 }, async () => {
  writeNotebook(path.join(notebookDir, 'zz-fails-in-the-middle.ipynb'), ['console.log("first cell ran")', 'throw new Error("deliberate failure in cell 2")', 'console.log("never")']);
  const report = await runNotebookInLab(browser!, lab!, notebookDir, 'zz-fails-in-the-middle.ipynb', shot('zz-fails-in-the-middle.ipynb'), 120000);
  assert.equal(report.failure?.status, 'error');
  assert.match(report.failure!.source, /deliberate failure in cell 2/);
  assert.match(report.failure!.output, /deliberate failure in cell 2/);
  assert.ok(report.seconds < 100, `took ${report.seconds} s: the failure must end the wait, not a timeout`);
});

test('a failing last cell is reported as failed', { timeout: 5 * 60000 }, async () => {
  writeNotebook(path.join(notebookDir, 'zz-fails-last.ipynb'), ['const answer: number = 42;\nconsole.log(answer)', 'const missing: any = undefined;\nmissing.property']);
  const report = await runNotebookInLab(browser!, lab!, notebookDir, 'zz-fails-last.ipynb', shot('zz-fails-last.ipynb'), 120000);
  assert.equal(report.executed, 1);
  assert.equal(report.failure?.status, 'error');
  assert.match(report.failure!.output, /TypeError|Cannot read/);
});

for (const name of NOTEBOOKS) {
  test(`${name} runs in JupyterLab without a failing cell and shows its images`, { timeout: 20 * 60000 }, async () => {
    const report = await runNotebookInLab(browser!, lab!, notebookDir, name, shot(name));
    if (report.failure) {
      assert.fail(`${name}: a cell replied '${report.failure.status}'.\n--- cell source ---\n${report.failure.source}\n--- its output ---\n${report.failure.output.slice(-3000)}`);
    }
    assert.equal(report.executed, report.codeCells, `${name}: ${report.executed} of ${report.codeCells} code cells ran`);
    assert.equal(report.unexecutedPrompts, 0, `${name}: ${report.unexecutedPrompts} cells show no execution count`);
    assert.equal(report.brokenImages, 0, `${name}: ${report.brokenImages} of ${report.images} images did not render`);
    const source = fs.readFileSync(path.join(notebookDir, name), 'utf8');
    // Every notebook that draws something (04-gan only prints numbers and tables) shows its images.
    if (/showPng|showImage|showFigure|showGif|showSvg|captionedGridHtml|classRowsHtml/.test(source)) assert.ok(report.images >= 1, `${name}: no image output`);
    if (/dataFrameHtml|qualityTableHtml|showTable|showSummary/.test(source)) assert.ok(report.htmlTables >= 1, `${name}: its tables did not render as HTML tables`);
    if (name === '05-training.ipynb') assert.ok(report.displayUpdates >= 2, `05: the live training display updated ${report.displayUpdates} times`);
    const kernels = await runningKernels(lab!);
    assert.equal(kernels.length, 0, `${name}: ${kernels.length} kernels still running after the notebook closed`);
    console.log(`# lab ${name}: ${report.executed}/${report.codeCells} cells, ${report.images} images, ${report.htmlTables} tables, ${report.displayUpdates} live updates, ${report.seconds.toFixed(0)} s${report.retriedAfter ? ` (second try: ${report.retriedAfter})` : ''}`);
  });
}

test('a notebook executed elsewhere (not trusted here) still shows its figures', { timeout: 5 * 60000 }, async () => {
  // Executed by nbconvert as the gallery and CI do; opened in Lab it is untrusted, and Lab does not
  // render untrusted SVG: the figures must still show.
  const name = 'zz-executed-elsewhere.ipynb';
  const src = path.join(notebookDir, name);
  writeNotebook(src, [
    "import * as lab from 'gan-lab';\nawait lab.initBackend();",
    "lab.showPng(lab.gridPng(lab.tf.zeros([4, 28, 28, 1]) as lab.tf.Tensor4D, { cols: 2 }));",
    "lab.showSvg(lab.visual.figureSvg(lab.visual.lossFigure([{ epoch: 1, dLoss: 0.7, gLoss: 0.9 }, { epoch: 2, dLoss: 0.6, gLoss: 1.1 }] as never)));",
  ]);
  execFileSync('bash', ['-c', `source scripts/jupyter-env.sh && jupyter nbconvert --to notebook --execute --inplace "${src}" --ExecutePreprocessor.kernel_name=tslab`], { cwd: REPO, stdio: 'pipe' });
  const seen = await openWithoutRunning(browser!, lab!, name, shot(name));
  assert.ok(seen.images >= 2, `only ${seen.images} images shown`);
  assert.equal(seen.brokenImages, 0, `${seen.brokenImages} images did not render`);
  assert.equal(seen.untrustedNotices, 0, 'Lab says an output cannot be displayed (untrusted)');
});
