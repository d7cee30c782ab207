/**
 * The notebooks as students meet them: Debian's Jupyter Notebook server with the project's
 * tslab kernel, driven in headless Chromium. Each notebook is opened, run with Cell > Run All
 * through the menu, and checked: every code cell ran, no cell shows an error, and the image
 * outputs rendered. A screenshot of each is saved under artifacts/screenshots/.
 *
 * The notebooks run from copies under build/e2e/notebooks/ (quick mode, GAN_QUICK=1) so the
 * notebook's autosave never writes outputs into the repository's notebooks.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from './chromium';

const repo = path.resolve(__dirname, '..', '..', '..');
const work = path.join(repo, 'build', 'e2e', 'notebooks');
const NOTEBOOKS = ['01-data.ipynb', '05-training.ipynb'];
const token = crypto.randomBytes(16).toString('hex');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let jupyter: ChildProcess | undefined;
let browser: Browser | undefined;
let base = '';
let serverLog = '';

async function startJupyter(): Promise<void> {
  fs.rmSync(path.join(repo, 'build', 'e2e'), { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  for (const nb of NOTEBOOKS) fs.copyFileSync(path.join(repo, 'notebooks', nb), path.join(work, nb));
  const port = await freePort();
  const rootFlag = process.getuid?.() === 0 ? ' --allow-root' : '';
  const cmd = `source scripts/jupyter-env.sh && exec jupyter notebook --no-browser --ip=127.0.0.1 --port=${port} --NotebookApp.token=${token} --NotebookApp.notebook_dir="${work}"${rootFlag}`;
  jupyter = spawn('bash', ['-c', cmd], { cwd: repo, env: { ...process.env, GAN_QUICK: '1' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  jupyter.stdout!.on('data', (d) => (serverLog += d));
  jupyter.stderr!.on('data', (d) => (serverLog += d));
  base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (jupyter.exitCode !== null) throw new Error(`Jupyter exited (${jupyter.exitCode}):\n${serverLog}`);
    const ok = await fetch(`${base}/api/status?token=${token}`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Jupyter did not answer on ${base} within 60 s:\n${serverLog}`);
}

after(async () => {
  await browser?.close();
  if (jupyter?.pid && jupyter.exitCode === null) {
    process.kill(-jupyter.pid, 'SIGTERM');
    await new Promise((r) => jupyter!.once('exit', r));
  }
});

interface CellReport {
  codeCells: number;
  unexecuted: number;
  errors: string[];
  images: number;
  brokenImages: number;
}

/** What the page shows after running: cells without an execution count, error outputs, images. */
function inspect(page: Page): Promise<CellReport> {
  return page.evaluate(() => {
    const cells = Array.from(document.querySelectorAll('.cell.code_cell'));
    const prompts = cells.map((c) => c.querySelector('.input_prompt')?.textContent ?? '');
    const images = Array.from(document.querySelectorAll('.output_area img, .output_area svg')) as Array<HTMLImageElement | SVGElement>;
    return {
      codeCells: cells.length,
      unexecuted: prompts.filter((p) => !/\[\d+\]/.test(p)).length,
      errors: Array.from(document.querySelectorAll('.output_error')).map((e) => (e.textContent ?? '').slice(0, 300)),
      images: images.length,
      brokenImages: images.filter((i) => (i instanceof HTMLImageElement ? !(i.complete && i.naturalWidth > 0) : i.getBoundingClientRect().width === 0)).length,
    };
  });
}

async function runNotebookInBrowser(name: string): Promise<CellReport> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}/notebooks/${name}?token=${token}`);
  // The kernel is up when the notebook reports a connected kernel in the idle state.
  await page.waitForFunction(() => {
    const nb = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter?.notebook;
    return !!nb?.kernel?.is_connected() && !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
  }, undefined, { timeout: 120000 }).catch(async (err) => {
    await page.screenshot({ path: screenshotPath(`notebook-${name.replace('.ipynb', '')}-no-kernel.png`), fullPage: true });
    throw new Error(`${name}: the kernel did not start (${(err as Error).message}). Server log:\n${serverLog.slice(-3000)}`);
  });
  // Cell > Run All, as a student would.
  await page.click('#celllink');
  await page.click('#run_all_cells > a');
  await page.waitForFunction(() => {
    const prompts = Array.from(document.querySelectorAll('.cell.code_cell .input_prompt')).map((p) => p.textContent ?? '');
    const busy = prompts.some((p) => p.includes('*'));
    const errored = document.querySelector('.output_error') !== null;
    return errored || (!busy && prompts.every((p) => /\[\d+\]/.test(p)) && !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon'));
  }, undefined, { timeout: 15 * 60000, polling: 1000 });
  const report = await inspect(page);
  // The notebook scrolls inside #site: let it grow so the screenshot shows every cell.
  await page.addStyleTag({ content: 'html, body, #site { height: auto !important; overflow: visible !important; }' });
  await page.screenshot({ path: screenshotPath(`notebook-${name.replace('.ipynb', '')}.png`), fullPage: true });
  await page.close();
  return report;
}

test('notebooks 01-data and 05-training run in Jupyter Notebook in Chromium without errors and show their images', { timeout: 30 * 60000 }, async () => {
  await startJupyter();
  browser = await launchChromium();
  for (const name of NOTEBOOKS) {
    const report = await runNotebookInBrowser(name);
    assert.deepEqual(report.errors, [], `${name}: error outputs`);
    assert.ok(report.codeCells > 3, `${name}: ${report.codeCells} code cells`);
    assert.equal(report.unexecuted, 0, `${name}: ${report.unexecuted} code cells did not run`);
    assert.ok(report.images >= 2, `${name}: only ${report.images} images`);
    assert.equal(report.brokenImages, 0, `${name}: ${report.brokenImages} images did not render`);
    console.log(`${name}: ${report.codeCells} code cells ran, ${report.images} images rendered`);
  }
});
