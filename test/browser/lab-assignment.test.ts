/**
 * A student's assignment in JupyterLab: the student edition of 02 made by `npm run assignments`
 * (nbgrader), opened in Lab on the tslab kernel. The stub cell shows what to build; the student
 * types a discriminator that forgets its second Dropout and runs all; the graded test right after
 * it fails with the message written for students, and the run stops there (what nbgrader will
 * grade as 0 for that cell). Screenshots: artifacts/screenshots/lab-assignment/02-stub.png (the
 * stub as handed out) and 02-student.png (the failed graded test).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from './chromium';
import { REPO, LabServer, startLab, runNotebookInLab, editCell } from './jupyterlab';

const course = path.join(REPO, 'build', 'e2e', 'course');
const NAME = '02-discriminator';
const releaseDir = path.join(course, 'release', NAME);

let lab: LabServer | undefined;
let browser: Browser | undefined;

type Cell = { cell_type: string; source: string[] | string };
const text = (c: Cell) => (Array.isArray(c.source) ? c.source.join('') : c.source);

before(async () => {
  fs.rmSync(course, { recursive: true, force: true });
  const made = spawnSync('bash', ['scripts/assignments.sh', 'release', NAME], { cwd: REPO, env: { ...process.env, GAN_COURSE_DIR: course }, encoding: 'utf8' });
  assert.equal(made.status, 0, `npm run assignments failed:\n${made.stdout}\n${made.stderr}`);
  lab = await startLab(releaseDir, { GAN_QUICK: '0', GAN_MODE: '', GAN_CHECKS: '', GAN_BACKEND: 'native' });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await lab?.stop();
});

test('the student edition of 02 in JupyterLab: a stub to fill, and a graded test that says what is wrong', { timeout: 10 * 60000 }, async () => {
  const file = path.join(releaseDir, `${NAME}.ipynb`);
  const cells = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Cell[] }).cells;
  const stubIndex = cells.findIndex((c) => c.cell_type === 'code' && text(c).includes('function defineDiscriminator('));
  assert.match(text(cells[stubIndex]), /\/\/ YOUR CODE HERE\n\s*throw new Error\("not implemented/);
  const testIndex = cells.findIndex((c) => c.cell_type === 'code' && text(c).includes('The layers should be Conv2D'));
  assert.ok(testIndex > stubIndex, 'the graded layer test follows the stub');
  // The student's answer: the lesson's solution with its second Dropout forgotten.
  const solution = (JSON.parse(fs.readFileSync(path.join(course, 'source', NAME, `${NAME}.ipynb`), 'utf8')) as { cells: Cell[] }).cells
    .map(text).find((s) => s.includes('function defineDiscriminator('))!;
  const lines = solution.split('\n').filter((l) => !/(BEGIN|END) SOLUTION/.test(l));
  const dropouts = lines.flatMap((l, i) => (l.includes('tf.layers.dropout') ? [i] : []));
  const answer = lines.filter((_, i) => i !== dropouts[1]).join('\n');

  const showTest = async (page: Page) => {
    const cell = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').nth(testIndex);
    await cell.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await page.waitForTimeout(500);
  };
  const report = await runNotebookInLab(browser!, lab!, releaseDir, `${NAME}.ipynb`, screenshotPath(path.join('lab-assignment', '02-student.png')), 6 * 60000,
    async (page) => {
      // the stub as handed out, before the student types: screenshot 02-stub.png
      const stub = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').nth(stubIndex);
      await stub.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await page.waitForTimeout(500);
      await page.screenshot({ path: screenshotPath(path.join('lab-assignment', '02-stub.png')) });
      await editCell(page, stubIndex, answer);
    }, showTest);
  assert.ok(report.failure, 'the graded test should have failed on a discriminator without its second Dropout');
  assert.match(report.failure!.source, /The layers should be Conv2D, LeakyReLU, Dropout \(twice\)/, 'the failing cell is the graded layer test');
  assert.match(report.failure!.output, /yours are Conv2D, LeakyReLU, Dropout, Conv2D, LeakyReLU, Flatten, Dense/);
  console.log(`# lab assignment: ${report.executed} cells ran before the graded test failed, ${report.seconds.toFixed(0)} s`);
});
