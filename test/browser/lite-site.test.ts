/**
 * The lessons in JupyterLite (issue 32): build the static site (scripts/build-lite-site.mjs, as
 * `npm run lite` does), serve it as `npm run lite` does (Python's http.server on 127.0.0.1, nothing
 * else reachable), and in headless Chromium open 00, 02, 05 and 10 (all ten lessons of the issue
 * with GAN_LITE_LESSONS=all) from the site's own notebooks,
 * Run All through Lab's menu in quick mode (`?GAN_QUICK=1`) and check what the JupyterLab test
 * checks: the notebook opens on the TypeScript kernel with no picker, every code cell replies ok,
 * every image renders, and 05's live training display updates. Then a cell changed to throw
 * must come back as an error with its name and message, shown in red in the notebook, and
 * Lab's Interrupt must stop 05's training run after its step with a checkpoint.
 *
 * On wasm (`?GAN_BACKEND=wasm`): headless Chromium's WebGL is SwiftShader, on the CPU, slower
 * than wasm; the kernel's WebGL choice is tested in lite-worker.test.ts.
 *
 * JupyterLite's kernel messages never touch a socket, so the kernel logs them into
 * `window.__tsKernelLog` (set before the page loads) and the test reads them from there.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawn, spawnSync, ChildProcess } from 'child_process';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshotPath } from './chromium';
import { REPO, freePort, KernelLog, KernelMessage, countCodeCells, inspectPage, scrollThrough, editCell } from './jupyterlab';

const site = path.join(REPO, 'build', 'lite', 'site');
let server: ChildProcess | undefined;
let base = '';
let browser: Browser | undefined;
let built = '';

before(async () => {
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build-lite-site.mjs')], { cwd: REPO, encoding: 'utf8' });
  assert.equal(result.status, 0, `the site did not build:\n${result.stdout}\n${result.stderr}`);
  built = `${result.stdout.trim().split('\n').pop()} (${((Date.now() - started) / 1000).toFixed(0)} s)`;
  const port = await freePort();
  // Served by the README's command itself (npm run lite), on the port given, the site just built.
  server = spawn('bash', [path.join(REPO, 'scripts', 'lite.sh'), '--serve-only'], { cwd: REPO, stdio: 'ignore', env: { ...process.env, GAN_LITE_PORT: String(port) }, detached: true });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${base}/jupyter-lite.json`).then((r) => r.ok, () => false)) break;
    if (i > 100) throw new Error('the site server did not answer');
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');   // lite.sh execs Python's server in its own group
});

/** What the pages printed as warnings and errors (shown when a test fails on something the page said). */
const pageWarnings: string[] = [];

/** The kernel's messages since the page loaded, fed to a KernelLog as the Lab test feeds it from the socket. */
async function readLog(page: Page, log: KernelLog, seen: number): Promise<number> {
  const messages = await page.evaluate((from) => ((window as unknown as { __tsKernelLog: unknown[] }).__tsKernelLog ?? []).slice(from), seen) as KernelMessage[];
  for (const m of messages) log.takeMessage(m);
  return seen + messages.length;
}

interface LiteRun {
  page: Page;
  log: KernelLog;
  messages: KernelMessage[];
  firstLoadMs: number;
  seconds: number;
}

/** A lesson open in the site with its kernel idle; `sync()` feeds the kernel's new messages to `log`. */
interface OpenLesson {
  page: Page;
  log: KernelLog;
  sync(): Promise<void>;
  firstLoadMs: number;
}

/**
 * Opens notebooks/`name` of the site with `query` (GAN_* settings), waits for its kernel to be
 * idle, and checks it is the TypeScript kernel, with no picker. Given the page it is open in, it
 * opens it there again, a reload (same browser storage: what the kernel kept in JupyterLite's drive).
 */
async function openInLite(name: string, query: string, reload?: Page): Promise<OpenLesson> {
  const started = Date.now();
  const page = reload ?? await browser!.newPage({ viewport: { width: 1400, height: 1000 } });
  if (!reload) {
    await page.addInitScript(() => { Object.assign(window, { __tsKernelLog: [], __tsKernelDrive: [] }); });
    page.on('console', (m) => { if (m.type() === 'warning' || m.type() === 'error') pageWarnings.push(m.text()); });
  }
  const log = new KernelLog();
  let seen = 0;
  const sync = async () => { seen = await readLog(page, log, seen); };
  // Lab asks before leaving a notebook with unsaved changes: yes (the address again, as its own would have changed).
  if (reload) page.once('dialog', (dialog) => void dialog.accept());
  await page.goto(`${base}/lab/index.html?${query}&path=notebooks/${name}`);
  await page.waitForSelector('.jp-NotebookPanel .jp-Notebook .jp-Cell', { timeout: 120000 });
  for (const deadline = Date.now() + 120000; log.executionState !== 'idle';) {
    if (await page.$('.jp-Dialog')) throw new Error(`${name}: a dialog appeared instead of the kernel starting: ${await page.innerText('.jp-Dialog')}`);
    if (Date.now() > deadline) throw new Error(`${name}: the kernel was not idle within 120 s`);
    await page.waitForTimeout(250);
    await sync();
  }
  const firstLoadMs = Date.now() - started;
  const kernelName = (await page.innerText('.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName')).trim();
  assert.equal(kernelName, 'TypeScript', `${name} opened on kernel '${kernelName}'`);
  return { page, log, sync, firstLoadMs };
}

/** Run > Run All Cells, through the menu as a student would. */
async function runAllCells(page: Page): Promise<void> {
  await page.click('.jp-NotebookPanel .jp-Notebook');
  await page.click('.lm-MenuBar-item:has-text("Run")');
  await page.click('.lm-Menu-item[data-command="runmenu:run-all"]');
}

/** Opens notebooks/`name` of the site in quick mode, waits for its kernel, runs all cells through the menu. */
async function runInLite(name: string, timeoutMs = 10 * 60000, modeQuery = 'GAN_QUICK=1'): Promise<LiteRun> {
  const started = Date.now();
  const { page, log, sync, firstLoadMs } = await openInLite(name, `${modeQuery}&GAN_BACKEND=wasm`);
  const codeCells = countCodeCells(path.join(REPO, 'notebooks', name));
  await runAllCells(page);
  for (const deadline = Date.now() + timeoutMs; ;) {
    await page.waitForTimeout(500);
    await sync();
    if (log.firstFailure()) break;
    const idleFor = log.executionState === 'idle' ? Date.now() - log.lastStateChange : 0;
    if (log.replies.size >= codeCells && log.pending() === 0 && idleFor > 500) break;
    if (log.pending() === 0 && log.requests.size > 0 && idleFor > 10000) break;
    if (Date.now() > deadline) throw new Error(`${name}: still running after ${timeoutMs / 1000} s (${log.replies.size}/${codeCells} cells replied)`);
  }
  await page.waitForTimeout(1000);
  const messages = await page.evaluate(() => (window as unknown as { __tsKernelLog: unknown[] }).__tsKernelLog) as KernelMessage[];
  return { page, log, messages, firstLoadMs, seconds: (Date.now() - started) / 1000 };
}

test('npm run lite serves the site on loopback only, with the kernel, the notebooks and the data with their manifest', async () => {
  console.log(`# ${built}`);
  const others = Object.values(os.networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
  console.log(`# npm run lite answers on ${base}; tried and refused: ${others.join(', ') || '(this machine has no other address to try)'}`);
  for (const address of others) {
    const port = new URL(base).port;
    const reached = await fetch(`http://${address}:${port}/`, { signal: AbortSignal.timeout(3000) }).then(() => true, () => false);
    assert.equal(reached, false, `the site answered on ${address}, not only on loopback`);
  }
  const config = await (await fetch(`${base}/jupyter-lite.json`)).json() as { 'jupyter-config-data': { defaultKernelName: string } };
  assert.equal(config['jupyter-config-data'].defaultKernelName, 'tslab');
  const manifest = await (await fetch(`${base}/gan-data/manifest.json`)).json() as { files: Record<string, { bytes: number; sha256: string }> };
  for (const file of ['data/mnist/train-images-idx3-ubyte.gz', 'data/fashion-mnist/train-images-idx3-ubyte.gz', 'data/pretrained/dcgan-mnist/model.json']) {
    assert.ok(manifest.files[file]?.bytes > 0, `the manifest lists no ${file}`);
  }
  const worker = await fetch(`${base}/extensions/@gan-lab/jupyterlite-tslab-kernel/static/worker/worker.js`);
  assert.equal(worker.status, 200);
  assert.ok(fs.existsSync(path.join(site, 'files', 'notebooks', '05-training.ipynb')));
});

/**
 * The lessons issue 32 asks for in the browser (12, the 64x64 model, says it needs Node; 07, 09,
 * 11 and 13 run too, untested here). `npm test` runs 00, 02, 05 and 10 (CI's time); with
 * GAN_LITE_LESSONS=all all ten (4.5 minutes, 2026-12-05: all passed).
 */
const ALL_LESSONS = ['00-what-is-a-gan', '01-data', '02-discriminator', '03-generator', '04-gan', '05-training', '06-generate-and-gif', '06b-dcgan-fashion', '08-cgan-mnist-dense', '10-latent-space'];
// GAN_LITE_LESSONS: 'all' (the ten above), or lesson names separated by commas ('07-cgan-fashion,13-evaluation').
const chosen = process.env.GAN_LITE_LESSONS;
// GAN_LITE_MODE=class runs the chosen lessons in class mode instead (by hand: an hour or more on one wasm thread).
const LITE_MODE = process.env.GAN_LITE_MODE ?? 'quick';
if (LITE_MODE !== 'quick' && LITE_MODE !== 'class') throw new Error(`GAN_LITE_MODE=${LITE_MODE}: use quick (the default) or class.`);
const CLASS_MODE = LITE_MODE === 'class';
const LESSONS = (chosen === 'all' ? ALL_LESSONS : chosen ? chosen.split(',').map((n) => n.trim().replace(/\.ipynb$/, '')) : ['00-what-is-a-gan', '02-discriminator', '05-training', '10-latent-space']).map((n) => `${n}.ipynb`);

for (const name of LESSONS) {
  test(`${name} runs in JupyterLite on the TypeScript kernel${CLASS_MODE ? ' in class mode' : ''}, every cell ok, its images shown`, { timeout: (CLASS_MODE ? 62 : 12) * 60000 }, async () => {
    const run = CLASS_MODE ? await runInLite(name, 60 * 60000, 'GAN_MODE=class') : await runInLite(name);
    try {
      const failure = run.log.firstFailure();
      if (failure) {
        const error = run.messages.find((m) => m.msgType === 'error')?.content;
        assert.fail(`${name}: a cell replied '${failure.status}': ${error?.ename}: ${error?.evalue}\n--- cell source ---\n${failure.source}\n--- its output ---\n${failure.output.slice(-3000)}`);
      }
      const codeCells = countCodeCells(path.join(REPO, 'notebooks', name));
      const ok = [...run.log.replies.values()].filter((r) => r.status === 'ok').length;
      assert.equal(ok, codeCells, `${name}: ${ok} of ${codeCells} code cells replied ok`);
      await scrollThrough(run.page);
      const seen = await inspectPage(run.page);
      assert.equal(seen.unexecutedPrompts, 0, `${name}: ${seen.unexecutedPrompts} cells show no execution count`);
      assert.equal(seen.brokenImages, 0, `${name}: ${seen.brokenImages} of ${seen.images} images did not render`);
      // As the JupyterLab test: every lesson that draws shows its images (04 prints tables), tables render as tables.
      const source = fs.readFileSync(path.join(REPO, 'notebooks', name), 'utf8');
      if (/showPng|showImage|showFigure|showGif|showSvg|captionedGridHtml|classRowsHtml/.test(source)) assert.ok(seen.images >= 1, `${name}: no image output`);
      if (/dataFrameHtml|qualityTableHtml|showTable|showSummary/.test(source)) assert.ok(seen.htmlTables >= 1, `${name}: its tables did not render as HTML tables`);
      if (name === '00-what-is-a-gan.ipynb') {
        // lab.liveImage(): one output that each draw replaces (display_data once, then
        // update_display_data with its display_id), not a new picture per draw.
        const [liveCell] = [...run.log.requests].find(([, source]) => source.includes('lab.liveImage()')) ?? [];
        assert.ok(liveCell, '00: no cell calls lab.liveImage()');
        const ofCell = run.messages.filter((m) => m.parentId === liveCell);
        const idOf = (m: KernelMessage) => (m.content.transient as { display_id?: string } | undefined)?.display_id;
        const shown = ofCell.filter((m) => m.msgType === 'display_data' && idOf(m) !== undefined);
        const updates = ofCell.filter((m) => m.msgType === 'update_display_data');
        assert.equal(shown.length, 1, `00: the live picture was shown ${shown.length} times`);
        assert.ok(updates.length >= 2 && updates.every((m) => idOf(m) === idOf(shown[0])), `00: ${updates.length} updates of the live picture, display ids ${updates.map(idOf)}`);
        // (The page's log keeps an image's MIME type, not its bytes.)
        assert.ok([...shown, ...updates].every((m) => 'image/png' in ((m.content.data as Record<string, unknown> | undefined) ?? {})), '00: a draw of the live picture without its PNG');
      }
      if (name === '05-training.ipynb') {
        assert.ok(run.log.displayUpdates >= 2, `05: the live training display updated ${run.log.displayUpdates} times`);
        // The picture of the issue: the live display of the run, as the student sees it.
        await run.page.locator('.jp-OutputArea-output:has-text("Your run")').first().scrollIntoViewIfNeeded({ timeout: 5000 }).catch(() => undefined);
        await run.page.screenshot({ path: screenshotPath(path.join('lite', '05-training.png')) });
      }
      console.log(`# lite ${name}${CLASS_MODE ? ' (class mode)' : ''}: ${ok}/${codeCells} cells ok, ${seen.images} images, ${run.log.displayUpdates} display updates, first load to idle kernel ${(run.firstLoadMs / 1000).toFixed(1)} s, ${run.seconds.toFixed(0)} s in all`);

      if (name === '10-latent-space.ipynb') {
        // A student's mistake: the last code cell now throws. Lab must show it as an error, named.
        const nb = JSON.parse(fs.readFileSync(path.join(REPO, 'notebooks', name), 'utf8'));
        const last = nb.cells.map((c: { cell_type: string }, i: number) => (c.cell_type === 'code' ? i : -1)).filter((i: number) => i >= 0).pop();
        await editCell(run.page, last, "throw new RangeError('bad shape 2,3');");
        const before = run.messages.length;
        await run.page.keyboard.press('Shift+Enter');
        let errorReply: KernelMessage | undefined;
        let errorMessage: KernelMessage | undefined;
        for (const deadline = Date.now() + 60000; !(errorReply && errorMessage) && Date.now() < deadline;) {
          await run.page.waitForTimeout(250);
          const fresh = (await run.page.evaluate(() => (window as unknown as { __tsKernelLog: unknown[] }).__tsKernelLog) as KernelMessage[]).slice(before);
          errorReply = fresh.find((m) => m.msgType === 'execute_reply' && m.content.status === 'error');
          errorMessage = fresh.find((m) => m.msgType === 'error');
        }
        assert.ok(errorReply, 'the failing cell did not reply with status error');
        assert.equal(errorReply!.content.ename, 'RangeError');
        assert.equal(errorReply!.content.evalue, 'bad shape 2,3');
        assert.ok(errorMessage, 'no error message on iopub (Lab would show nothing red)');
        const shown = await run.page.innerText('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').catch(() => '');
        assert.match(shown, /RangeError.*bad shape 2,3/, 'the notebook shows the error with its name and message');
      }
    } finally {
      await run.page.close();
    }
  });
}

// Opt-in (GAN_LITE_CLASS=1; about 20 minutes on one wasm thread here): lesson 05 in class mode, as a
// class runs it, with the kernel worker's tensors sampled while its training cell runs: they must not grow.
// (Sampled only while that cell runs: the cells after it load the shipped run, which adds tensors that stay.)
test('05 in class mode in JupyterLite: every cell ok, and the worker\'s memory stays flat while it trains', { skip: process.env.GAN_LITE_CLASS !== '1', timeout: 60 * 60000 }, async (t) => {
  const name = '05-training.ipynb';
  const started = Date.now();
  const { page, log, sync } = await openInLite(name, 'GAN_MODE=class&GAN_BACKEND=wasm');
  const samples: Array<{ s: number; tensors: number; mb: number }> = [];
  try {
    await runAllCells(page);
    const codeCells = countCodeCells(path.join(REPO, 'notebooks', name));
    for (const deadline = Date.now() + 55 * 60000; ;) {
      await page.waitForTimeout(5000);
      await sync();
      const worker = page.workers().find((w) => w.url().includes('jupyterlite-tslab-kernel'));
      const m = await worker?.evaluate(() => {
        const g = globalThis as unknown as { tf?: { memory(): { numTensors: number; numBytes: number } } };
        return g.tf ? { tensors: g.tf.memory().numTensors, bytes: g.tf.memory().numBytes } : undefined;
      }).catch(() => undefined);
      const [trainingId] = [...log.requests].find(([, source]) => source.includes('lab.runTraining(')) ?? [];
      const training = trainingId !== undefined && !log.replies.has(trainingId) && (log.streams.get(trainingId) ?? '').includes('Training your networks');
      if (m && training) samples.push({ s: Math.round((Date.now() - started) / 1000), tensors: m.tensors, mb: m.bytes / 1048576 });
      if (log.firstFailure()) assert.fail(`a cell failed: ${JSON.stringify(log.firstFailure()).slice(0, 800)}`);
      const idleFor = log.executionState === 'idle' ? Date.now() - log.lastStateChange : 0;
      if (log.replies.size >= codeCells && log.pending() === 0 && idleFor > 500) break;
      if (Date.now() > deadline) assert.fail(`still running after 55 minutes (${log.replies.size}/${codeCells} cells replied)`);
    }
    assert.ok(samples.length >= 6, `too few memory samples while training: ${samples.length}`);
    const half = Math.floor(samples.length / 2);
    const most = (xs: number[]) => Math.max(...xs);
    const early = samples.slice(1, half), late = samples.slice(half);
    // The live display's images and the run's grids come and go; what a leak does is climb run-long.
    assert.ok(most(late.map((x) => x.tensors)) <= most(early.map((x) => x.tensors)) + 20, `tensors grew while training: ${JSON.stringify(samples)}`);
    assert.ok(most(late.map((x) => x.mb)) <= most(early.map((x) => x.mb)) * 1.1 + 1, `tensor memory grew while training: ${JSON.stringify(samples)}`);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(`05 class mode in JupyterLite (wasm, one thread): ${(seconds / 60).toFixed(1)} min; while its run trained (${samples.at(-1)!.s - samples[0].s} s), tensors ${Math.min(...samples.map((x) => x.tensors))}-${most(samples.map((x) => x.tensors))}, tensor memory ${Math.min(...samples.map((x) => x.mb)).toFixed(1)}-${most(samples.map((x) => x.mb)).toFixed(1)} MB over ${samples.length} samples`);
    console.log(`# lite 05 class: ${JSON.stringify(samples)}`);
  } finally {
    await page.close();
  }
});

test('Interrupt during 05\'s training run stops it after the step with a checkpoint, and the kernel lives on', { timeout: 12 * 60000 }, async () => {
  const name = '05-training.ipynb';
  const nb = JSON.parse(fs.readFileSync(path.join(REPO, 'notebooks', name), 'utf8')) as { cells: Array<{ cell_type: string; source: string | string[] }> };
  const sourceOf = (i: number) => ([] as string[]).concat(nb.cells[i].source).join('');
  const codeIndexes = nb.cells.map((c, i) => (c.cell_type === 'code' ? i : -1)).filter((i) => i >= 0);
  const trainingCell = codeIndexes.find((i) => sourceOf(i).includes('lab.runTraining('))!;
  const nextCell = codeIndexes.find((i) => i > trainingCell)!;

  // Quick mode's sizes, with a run long enough to interrupt (50 epochs of 32 steps).
  const { page, log, sync } = await openInLite(name, `GAN_QUICK=1&GAN_BACKEND=wasm&GAN_SIZES=${encodeURIComponent('{"runEpochs":50}')}`);
  try {
    await runAllCells(page);
    // Wait until the long run is training (its header printed, the live display drawn twice).
    const training = () => [...log.streams.values()].some((s) => s.includes('Training your networks'));
    for (const deadline = Date.now() + 8 * 60000; !(training() && log.displayUpdates >= 2);) {
      if (log.firstFailure()) assert.fail(`a cell failed before the training: ${JSON.stringify(log.firstFailure())}`);
      if (Date.now() > deadline) assert.fail('the run did not start training within 8 minutes');
      await page.waitForTimeout(500);
      await sync();
    }
    const repliesBefore = log.replies.size;
    // What the kernel had kept in the drive before the Interrupt (an earlier epoch's checkpoint): the reload must wait for later batches.
    const driveBatchesBefore = (await page.evaluate(() => (window as unknown as { __tsKernelDrive: unknown[] }).__tsKernelDrive)).length;
    const interruptedAt = Date.now();
    await page.click('.lm-MenuBar-item:has-text("Kernel")');
    await page.click('.lm-Menu-item[data-command="kernelmenu:interrupt"]');
    for (;;) {
      await page.waitForTimeout(250);
      await sync();
      if (log.replies.size > repliesBefore && log.executionState === 'idle') break;
      if (Date.now() - interruptedAt > 60000) assert.fail('the training cell did not end within 60 s of Interrupt');
    }
    const stopSeconds = (Date.now() - interruptedAt) / 1000;
    const [trainingId] = [...log.requests].find(([, source]) => source.includes('lab.runTraining(')) ?? [];
    assert.ok(trainingId, 'the training cell was sent');
    assert.equal(log.replies.get(trainingId!)?.status, 'ok', 'the run stopped cleanly: its cell replied ok');
    assert.match(log.streams.get(trainingId!) ?? '', /SIGINT: stopping after this step and saving a checkpoint/);
    // JupyterLite answers the queued cells itself (cancelled); none of them may reach the kernel.
    await page.waitForTimeout(3000);
    await sync();
    const sentAfter = [...log.requests.values()].filter((source) => codeIndexes.some((i) => i > trainingCell && sourceOf(i).trim() === source.trim()));
    assert.equal(sentAfter.length, 0, 'the cells queued after the interrupted one were cancelled, as Jupyter does on Interrupt');
    // The kernel lives on, and the stopped run left its checkpoint.
    await editCell(page, nextCell, "const saved = JSON.parse(fs.readFileSync(`${runDir}/checkpoint/state.json`, 'utf8')); console.log('checkpoint saved:', saved.epoch, saved.within?.steps ?? 0, `${runDir}/checkpoint/state.json`);");
    await page.keyboard.press('Shift+Enter');
    for (const deadline = Date.now() + 30000; ![...log.streams.values()].some((s) => s.includes('checkpoint saved:')) && Date.now() < deadline;) {
      await page.waitForTimeout(250);
      await sync();
    }
    const said = [...log.streams.values()].find((s) => s.includes('checkpoint saved:')) ?? '';
    const [, epoch, steps, stateFile] = /checkpoint saved: (\d+) (\d+) (\S+)/.exec(said) ?? [];
    // Quick mode's 2,048 images at batch 64: 32 steps an epoch. The run stopped between its first and its 50th epoch's end.
    const progress = Number(epoch) * 32 + Number(steps);
    assert.ok(epoch !== undefined && progress >= 1 && progress < 50 * 32, `no checkpoint of the stopped run in progress: ${said}`);
    console.log(`# lite interrupt: the training cell ended ${stopSeconds.toFixed(1)} s after Interrupt; checkpoint after epoch ${epoch}, ${steps} steps into the next`);

    // The run folder is kept in JupyterLite's drive: a reload gives it to the new kernel, so `resume: true` can continue it.
    const checkpointState = /^runs\/notebook-[^/]+\/checkpoint\/state\.json$/;
    const driveLog = () => page.evaluate(() => (window as unknown as { __tsKernelDrive: Array<Record<string, string[]>> }).__tsKernelDrive);
    // The stopped run's checkpoint reaches the drive in a batch after the Interrupt; and the check cell's own run made none.
    for (const deadline = Date.now() + 30000; !(await driveLog()).slice(driveBatchesBefore).some((e) => e.saved?.some((p) => checkpointState.test(p)));) {
      if (Date.now() > deadline) assert.fail(`the checkpoint never reached the drive: ${JSON.stringify(await driveLog()).slice(0, 500)}; the page said: ${pageWarnings.join(' | ').slice(0, 2000)}`);
      await page.waitForTimeout(250);
    }
    const saved = (await driveLog()).flatMap((e) => e.saved ?? []);
    assert.ok(!saved.some((p) => p.endsWith('run.lock') || p.includes('.tmp-')), `neither the lock nor a temporary folder is kept: ${saved.join(', ')}`);
    const reloaded = await openInLite(name, 'GAN_QUICK=1&GAN_BACKEND=wasm', page);
    const restored = (await driveLog()).flatMap((e) => e.restored ?? []);
    assert.ok(restored.some((p) => checkpointState.test(p)), `the new kernel got the run folder back: ${restored.join(', ')}`);
    // MNIST, fetched from the site by the first kernel, now comes from the browser's storage.
    await editCell(page, codeIndexes[0], "import * as fs from 'fs';\nimport * as lab from 'gan-lab';\nconst kept = JSON.parse(fs.readFileSync('" + stateFile + "', 'utf8'));\nlab.data.disposeDataset(await lab.data.loadMnist({ limit: 10 }));\nconsole.log('after reload:', kept.epoch, kept.within?.steps ?? 0);");
    await page.keyboard.press('Shift+Enter');
    for (const deadline = Date.now() + 30000; ![...reloaded.log.streams.values()].some((s) => s.includes('after reload:')) && Date.now() < deadline;) {
      await page.waitForTimeout(250);
      await reloaded.sync();
    }
    const afterReload = [...reloaded.log.streams.values()].find((s) => s.includes('after reload:')) ?? JSON.stringify(reloaded.log.firstFailure());
    assert.match(afterReload, new RegExp(`after reload: ${epoch} ${steps}`), 'the same checkpoint, after the reload');
    const shownTexts = (await page.evaluate(() => (window as unknown as { __tsKernelLog: KernelMessage[] }).__tsKernelLog))
      .filter((m) => m.msgType === 'display_data' || m.msgType === 'update_display_data')
      .map((m) => String((m.content as { data?: Record<string, unknown> }).data?.['text/plain'] ?? ''));
    const dataLine = shownTexts.filter((t) => t.startsWith('MNIST: ')).at(-1) ?? '';
    assert.match(dataLine, /^MNIST: \d+\.\d MB from this browser's storage/, `MNIST came from the browser's storage after the reload: ${shownTexts.join(' | ').slice(0, 500)}`);
    console.log(`# lite reload: ${restored.length} files of the run folder came back from the browser's storage; checkpoint after epoch ${epoch}, ${steps} steps; ${dataLine}`);
  } finally {
    await page.close();
  }
});
