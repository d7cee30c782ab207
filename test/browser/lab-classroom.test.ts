/**
 * A student's lesson in JupyterLab, in class mode: open 02 and 05, change the discriminator cell
 * as a student would (remove both Dropout layers, typed into the cell's editor), Run All, and
 * check that
 *
 * - no cell failed: the lesson checks, friendly in class mode, print a note instead of stopping;
 * - that note says what differs ("Dropout: 0 here, 2 in the library's");
 * - in 05 the long run trained the changed network: runTraining's header names it ("Training
 *   your networks ... 6 layers ... differs from the library's") and its networks.json says so.
 *
 * On the native backend (class mode is sized for it), from fresh copies of the notebooks under
 * build/e2e/lab-class/, so the run folders are new and nothing is written into the repository.
 * With GAN_SIZES=quick: class mode's code path, rates and checks, quick mode's step counts (05's
 * class-sized run is ~7 minutes of training that this test does not need).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser } from 'playwright-core';
import { launchChromium, screenshotPath } from './chromium';
import { REPO, LabServer, startLab, runNotebookInLab, editCell } from './jupyterlab';

const work = path.join(REPO, 'build', 'e2e', 'lab-class');
const notebookDir = path.join(work, 'notebooks');
const LESSONS = ['02-discriminator.ipynb', '05-training.ipynb'];

let lab: LabServer | undefined;
let browser: Browser | undefined;

before(async () => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(notebookDir, { recursive: true });
  for (const nb of LESSONS) fs.copyFileSync(path.join(REPO, 'notebooks', nb), path.join(notebookDir, nb));
  // Class mode as the notebooks choose it: no GAN_QUICK, no GAN_MODE, no GAN_CHECKS override; quick's step counts.
  lab = await startLab(notebookDir, { GAN_QUICK: '0', GAN_MODE: '', GAN_CHECKS: '', GAN_SIZES: 'quick', GAN_BACKEND: 'native' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await lab?.stop();
});

/** The index (among all cells) of the code cell that defines the discriminator, and its source without Dropout. */
function discriminatorCellWithoutDropout(file: string): { index: number; source: string } {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  const index = nb.cells.findIndex((c: { cell_type: string; source: string[] | string }) => c.cell_type === 'code' && [].concat(c.source as never).join('').includes('function defineDiscriminator('));
  assert.ok(index >= 0, `${file} has no cell defining defineDiscriminator`);
  const lines = [].concat(nb.cells[index].source as never).join('').split('\n');
  const kept = lines.filter((l: string) => !l.includes('tf.layers.dropout('));
  assert.equal(lines.length - kept.length, 2, 'the discriminator cell had two Dropout layers to remove');
  return { index, source: kept.join('\n') };
}

for (const name of LESSONS) {
  test(`${name} in class mode: a student removes Dropout, runs all, and the lesson goes on with their network`, { timeout: 15 * 60000 }, async () => {
    const edit = discriminatorCellWithoutDropout(path.join(notebookDir, name));
    const report = await runNotebookInLab(browser!, lab!, notebookDir, name, screenshotPath(path.join('lab-class', name.replace('.ipynb', '.png'))), 12 * 60000,
      (page) => editCell(page, edit.index, edit.source));
    if (report.failure) assert.fail(`${name}: a cell replied '${report.failure.status}'.\n--- cell source ---\n${report.failure.source}\n--- its output ---\n${report.failure.output.slice(-3000)}`);
    assert.equal(report.executed, report.codeCells, `${name}: ${report.executed} of ${report.codeCells} code cells ran`);
    assert.match(report.printed, /class mode \(set in this cell\) with quick mode's sizes \(GAN_SIZES=quick\).*checks friendly/, 'the lesson ran in class mode with friendly checks');
    assert.match(report.printed, /✎ the discriminator: yours differs from the library's defineDiscriminator\(\): Dropout: 0 here, 2 in the library's.*expected if you changed it on purpose/);
    if (name === '05-training.ipynb') {
      assert.match(report.printed, /Training your networks with your training step:\n {2}generator: .* the same layers as the library's\n {2}discriminator: 40,705 parameters, 6 layers \(Conv2D, LeakyReLU, Conv2D, LeakyReLU, Flatten, Dense\) — differs from the library's: Dropout: 0 here, 2 in the library's dcgan-mnist/);
      const networks = JSON.parse(fs.readFileSync(path.join(work, 'runs', 'notebook-training-class', 'networks.json'), 'utf8'));
      assert.equal(networks.source, 'lesson');
      assert.deepEqual(networks.discriminator.layers, ['Conv2D', 'LeakyReLU', 'Conv2D', 'LeakyReLU', 'Flatten', 'Dense']);
      const log = fs.readFileSync(path.join(work, 'runs', 'notebook-training-class', 'log.csv'), 'utf8').trim().split('\n');
      assert.equal(log.length, 3, 'two epochs logged');
    }
    console.log(`# lab class ${name}: ${report.executed}/${report.codeCells} cells, ${report.seconds.toFixed(0)} s`);
  });
}
