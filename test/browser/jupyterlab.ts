/**
 * JupyterLab 4 from the project's .venv/, driven in headless Chromium the way a student uses it:
 * open a notebook, Run > Run All Cells, watch it run. What a cell did is read from the kernel's
 * own messages on the page's websocket, not from the page's error styling: tslab reports a
 * failing cell in the `execute_reply` status and on stderr and never sends the `error` message
 * that Jupyter renders as a red traceback, so an error output is never there to be seen.
 */
import { spawn, ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import type { Browser, Page, WebSocket } from 'playwright-core';

export const REPO = path.resolve(__dirname, '..', '..', '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface LabServer {
  base: string;
  token: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts `jupyter lab` from .venv on a free loopback port, serving `rootDir`. */
export async function startLab(rootDir: string, env: NodeJS.ProcessEnv = {}): Promise<LabServer> {
  const labBin = path.join(REPO, '.venv', 'bin', 'jupyter-lab');
  if (!fs.existsSync(labBin)) throw new Error(`JupyterLab is not installed (${labBin} missing): run npm run setup.`);
  const token = crypto.randomBytes(16).toString('hex');
  const port = await freePort();
  const rootFlag = process.getuid?.() === 0 ? ' --allow-root' : '';
  const cmd = `source scripts/jupyter-env.sh && exec jupyter lab --no-browser --ip=127.0.0.1 --port=${port} --ServerApp.port_retries=0 ` +
    `--IdentityProvider.token=${token} --ServerApp.root_dir="${rootDir}"${rootFlag}`;
  const proc: ChildProcess = spawn('bash', ['-c', cmd], { cwd: REPO, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout!.on('data', (d) => (log += d));
  proc.stderr!.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (proc.pid && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      process.kill(-proc.pid, 'SIGTERM');
      const timer = setTimeout(() => { try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 90000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`JupyterLab exited (${proc.exitCode}):\n${log}`);
    const ok = await fetch(`${base}/api/status?token=${token}`).then((r) => r.ok, () => false);
    if (ok) return { base, token, log: () => log, stop };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`JupyterLab did not answer on ${base} within 90 s:\n${log}`);
}

/** One Jupyter message as it crossed the websocket. */
export interface KernelMessage {
  channel: string;
  msgType: string;
  msgId: string;
  parentId: string;
  content: Record<string, unknown>;
}

/**
 * Decodes a kernel websocket frame: JSON text (the legacy protocol) or the binary
 * `v1.kernel.websocket.jupyter.org` framing (a count, little-endian uint64 offsets, then the
 * channel, header, parent header, metadata, content and buffers), which JupyterLab 4 uses.
 */
export function decodeKernelFrame(payload: string | Buffer): KernelMessage | undefined {
  let channel: string;
  let header: Record<string, string>;
  let parent: Record<string, string>;
  let content: Record<string, unknown>;
  if (typeof payload === 'string') {
    const msg = JSON.parse(payload);
    ({ channel, header, parent_header: parent, content } = msg);
  } else {
    const count = Number(payload.readBigUInt64LE(0));
    if (count < 6 || payload.length < 8 * (count + 1)) return undefined;
    const offsets = Array.from({ length: count }, (_, i) => Number(payload.readBigUInt64LE(8 * (i + 1))));
    const part = (i: number): string => payload.subarray(offsets[i], offsets[i + 1]).toString('utf8');
    channel = part(0);
    header = JSON.parse(part(1));
    parent = JSON.parse(part(2) || '{}');
    content = JSON.parse(part(4) || '{}');
  }
  return { channel, msgType: header?.msg_type ?? '', msgId: header?.msg_id ?? '', parentId: parent?.msg_id ?? '', content: content ?? {} };
}

/** What the kernel said about the cells of one notebook, message by message. */
export class KernelLog {
  /** execute_request msg_id -> the cell's source, in the order sent. */
  readonly requests = new Map<string, string>();
  readonly replies = new Map<string, { status: string; count: number | null }>();
  readonly streams = new Map<string, string>();
  displayUpdates = 0;
  executionState = 'unknown';
  lastStateChange = Date.now();

  attach(ws: WebSocket): void {
    if (!/\/api\/kernels\/[^/]+\/channels/.test(ws.url())) return;
    ws.on('framesent', ({ payload }) => this.take(payload));
    ws.on('framereceived', ({ payload }) => this.take(payload));
  }

  take(payload: string | Buffer): void {
    let msg: KernelMessage | undefined;
    try {
      msg = decodeKernelFrame(payload);
    } catch {
      return;
    }
    if (msg) this.takeMessage(msg);
  }

  /** One decoded message (JupyterLite's kernel logs them so: it has no socket). */
  takeMessage(msg: KernelMessage): void {
    switch (msg.msgType) {
      case 'execute_request':
        this.requests.set(msg.msgId, String(msg.content.code ?? ''));
        break;
      case 'execute_reply':
        this.replies.set(msg.parentId, { status: String(msg.content.status), count: (msg.content.execution_count as number | undefined) ?? null });
        break;
      case 'stream':
        this.streams.set(msg.parentId, (this.streams.get(msg.parentId) ?? '') + String(msg.content.text ?? ''));
        break;
      case 'update_display_data':
        this.displayUpdates++;
        break;
      case 'status':
        this.executionState = String(msg.content.execution_state);
        this.lastStateChange = Date.now();
        break;
    }
  }

  /** The first cell whose reply was not `ok`, with its source and what it wrote. */
  firstFailure(): { status: string; source: string; output: string } | undefined {
    for (const [id, source] of this.requests) {
      const reply = this.replies.get(id);
      if (reply && reply.status !== 'ok') return { status: reply.status, source, output: this.streams.get(id) ?? '' };
    }
    return undefined;
  }

  pending(): number {
    return [...this.requests.keys()].filter((id) => !this.replies.has(id)).length;
  }
}

export interface LabRunReport {
  codeCells: number;
  executed: number;
  failure?: { status: string; source: string; output: string };
  unexecutedPrompts: number;
  images: number;
  brokenImages: number;
  htmlTables: number;
  untrustedNotices: number;
  displayUpdates: number;
  seconds: number;
  /** Everything the cells printed (stdout and stderr streams), in the order the cells were sent. */
  printed: string;
  /** Set when the first try hung on its first cell and the notebook was run again: why. */
  retriedAfter?: string;
}

/** Code cells in a notebook file that hold code (Lab sends no request for an empty cell). */
export function countCodeCells(file: string): number {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
  return nb.cells.filter((c: { cell_type: string; source: string | string[] }) => c.cell_type === 'code' && [].concat(c.source as never).join('').trim() !== '').length;
}

async function openNotebook(page: Page, lab: LabServer, name: string): Promise<void> {
  await page.goto(`${lab.base}/lab/tree/${name.split('/').map(encodeURIComponent).join('/')}?reset&token=${lab.token}`);
  await page.waitForSelector('.jp-NotebookPanel .jp-Notebook .jp-Cell', { timeout: 120000 });
}

/** What the page shows: prompts without a count, images and whether they loaded, tables, notices. */
export function inspectPage(page: Page): Promise<Pick<LabRunReport, 'unexecutedPrompts' | 'images' | 'brokenImages' | 'htmlTables' | 'untrustedNotices'>> {
  return page.evaluate(() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)') ?? document;
    const prompts = Array.from(panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')).map((p) => p.textContent ?? '');
    const images = Array.from(panel.querySelectorAll('.jp-OutputArea-output img')) as HTMLImageElement[];
    const text = (panel as HTMLElement).innerText ?? '';
    return {
      unexecutedPrompts: prompts.filter((p) => !/\[\d+\]/.test(p)).length,
      images: images.length,
      brokenImages: images.filter((i) => !(i.complete && i.naturalWidth > 0)).length,
      htmlTables: panel.querySelectorAll('.jp-OutputArea-output table').length,
      untrustedNotices: (text.match(/untrusted|Cannot display/gi) ?? []).length,
    };
  });
}

/** Scrolls through the notebook so that lazily drawn outputs are drawn, then back to the top. */
export async function scrollThrough(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const scroller = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer') as HTMLElement | null;
    if (!scroller) return;
    for (let y = 0; y < scroller.scrollHeight; y += 600) {
      scroller.scrollTop = y;
      await new Promise((r) => setTimeout(r, 50));
    }
    scroller.scrollTop = 0;
  });
}

/** The ids of the kernels the server is running. */
export async function runningKernels(lab: LabServer): Promise<string[]> {
  const listed = await fetch(`${lab.base}/api/kernels?token=${lab.token}`);
  if (!listed.ok) throw new Error(`GET /api/kernels answered ${listed.status}`);
  return ((await listed.json()) as Array<{ id: string }>).map((k) => k.id);
}

/**
 * Shuts down every kernel the server runs. Each notebook opened in a test starts its own kernel
 * and Lab keeps it after the page closes, so by the last notebook sixteen kernels (each with its
 * wasm memory and threads) were alive; the sixteenth once never answered a cell (CI, 2026-11-28).
 * A student closes a notebook's kernel too.
 */
export async function shutdownKernels(lab: LabServer): Promise<void> {
  const ids = await runningKernels(lab).catch(() => [] as string[]);
  await Promise.all(ids.map((id) => fetch(`${lab.base}/api/kernels/${id}?token=${lab.token}`, { method: 'DELETE' }).catch(() => undefined)));
}

/**
 * Opens `name` in Lab, runs Run > Run All Cells and waits until every code cell has replied, a
 * cell failed (stops at once), or the kernel sits idle with cells left unrun; then inspects the
 * page and saves a screenshot to `screenshot`.
 */
/** The first cell (lab.setup) answers within seconds; a kernel silent this long on it has hung. */
const FIRST_CELL_MS = 180000;

/** A kernel that received cells but never answered the first one. */
class FirstCellHang extends Error {}

export async function runNotebookInLab(browser: Browser, lab: LabServer, dir: string, name: string, screenshot: string, timeoutMs = 15 * 60000, beforeRun?: (page: Page) => Promise<void>, beforeScreenshot?: (page: Page) => Promise<void>): Promise<LabRunReport> {
  try {
    return await runNotebookInLabOnce(browser, lab, dir, name, screenshot, timeoutMs, beforeRun, beforeScreenshot);
  } catch (err) {
    if (!(err instanceof FirstCellHang)) throw err;
    // Seen once in a fresh-clone run (2026-12-04, 04-gan on wasm: 0/9 cells in 900 s; alone it
    // passes in 15 s): say so loudly, then one more try on a fresh kernel. A second hang fails.
    console.log(`# lab ${name}: ${err.message}; its kernel was shut down, running it once more on a fresh kernel`);
    const report = await runNotebookInLabOnce(browser, lab, dir, name, screenshot, timeoutMs, beforeRun, beforeScreenshot);
    return { ...report, retriedAfter: err.message };
  }
}

async function runNotebookInLabOnce(browser: Browser, lab: LabServer, dir: string, name: string, screenshot: string, timeoutMs: number, beforeRun?: (page: Page) => Promise<void>, beforeScreenshot?: (page: Page) => Promise<void>): Promise<LabRunReport> {
  const started = Date.now();
  const codeCells = countCodeCells(path.join(dir, name));
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const kernel = new KernelLog();
  page.on('websocket', (ws) => kernel.attach(ws));
  try {
    await openNotebook(page, lab, name);
    // The kernel named by the notebook's metadata starts by itself: no kernel picker dialog.
    const kernelDeadline = Date.now() + 120000;
    while (kernel.executionState !== 'idle') {
      if (await page.$('.jp-Dialog')) throw new Error(`${name}: a dialog appeared instead of the kernel starting: ${await page.innerText('.jp-Dialog')}`);
      if (Date.now() > kernelDeadline) throw new Error(`${name}: the kernel did not become idle within 120 s. Server log:\n${lab.log().slice(-3000)}`);
      await page.waitForTimeout(250);
    }
    const kernelName = (await page.innerText('.jp-NotebookPanel-toolbar .jp-Toolbar-kernelName').catch(() => '')).trim();
    if (kernelName !== 'TypeScript') throw new Error(`${name}: the notebook runs on kernel '${kernelName}', not TypeScript (tslab)`);

    // Run > Run All Cells, through the menu as a student would.
    if (beforeRun) await beforeRun(page);
    await page.click('.jp-NotebookPanel .jp-Notebook');
    await page.click('.lm-MenuBar-item:has-text("Run")');
    await page.click('.lm-Menu-item[data-command="runmenu:run-all"]');

    const deadline = started + timeoutMs;
    const ranAt = Date.now();
    for (;;) {
      await page.waitForTimeout(500);
      if (kernel.firstFailure()) break;
      if (kernel.replies.size === 0 && kernel.requests.size > 0 && Date.now() - ranAt > FIRST_CELL_MS) {
        const firstPrinted = kernel.streams.get([...kernel.requests.keys()][0]) ?? '';
        throw new FirstCellHang(`the kernel did not answer its first cell in ${FIRST_CELL_MS / 1000} s (it printed: ${JSON.stringify(firstPrinted.slice(-300))})`);
      }
      const idleFor = kernel.executionState === 'idle' ? Date.now() - kernel.lastStateChange : 0;
      if (kernel.replies.size >= codeCells && kernel.pending() === 0 && idleFor > 500) break;
      if (kernel.pending() === 0 && idleFor > 10000) break; // idle, nothing in flight, cells left unrun
      if (Date.now() > deadline) throw new Error(`${name}: still running after ${timeoutMs / 1000} s (${kernel.replies.size}/${codeCells} cells replied)`);
    }
    await page.waitForTimeout(1000); // let the last outputs render
    await scrollThrough(page);
    const seen = await inspectPage(page);
    if (beforeScreenshot) await beforeScreenshot(page);
    await page.screenshot({ path: screenshot, fullPage: false });
    const okReplies = [...kernel.replies.values()].filter((r) => r.status === 'ok' && r.count !== null).length;
    const printed = [...kernel.requests.keys()].map((id) => kernel.streams.get(id) ?? '').join('');
    return { codeCells, executed: okReplies, failure: kernel.firstFailure(), ...seen, displayUpdates: kernel.displayUpdates, seconds: (Date.now() - started) / 1000, printed };
  } finally {
    await page.close();
    await shutdownKernels(lab);
  }
}

/**
 * Replaces the source of cell `index` (counting every cell, markdown too) the way a student
 * edits it: click into its editor, select all, type the new text (inserted as one input, so
 * the editor's auto-closing brackets and indentation do not alter it), leave edit mode.
 */
export async function editCell(page: Page, index: number, source: string): Promise<void> {
  const cell = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').nth(index);
  await cell.scrollIntoViewIfNeeded();
  const editor = cell.locator('.cm-content');
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(source);
  await page.keyboard.press('Escape');
  const shown = await editor.innerText();
  if (shown.replace(/\s+/g, ' ').trim() !== source.replace(/\s+/g, ' ').trim()) throw new Error(`editCell: cell ${index} shows other text than was typed:\n${shown.slice(0, 500)}`);
}

/** Opens `name` without running it (an executed notebook from elsewhere) and inspects what it shows. */
export async function openWithoutRunning(browser: Browser, lab: LabServer, name: string, screenshot: string): Promise<Pick<LabRunReport, 'images' | 'brokenImages' | 'htmlTables' | 'untrustedNotices'>> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  try {
    await openNotebook(page, lab, name);
    await page.waitForTimeout(2000);
    await scrollThrough(page);
    const seen = await inspectPage(page);
    await page.screenshot({ path: screenshot, fullPage: false });
    return seen;
  } finally {
    await page.close();
  }
}
