/**
 * The TypeScript kernel on JupyterLite's `BaseKernel`: the page side. Every cell goes to the
 * kernel's Web Worker (lite/worker/worker.ts: TypeScript's transpiler, TensorFlow.js and the
 * gan-lab library), and what the worker says comes back as Jupyter messages: `stream`,
 * `display_data`, `update_display_data` (the live training display), and for a failing cell an
 * `error` message (name, message, stack) and a reply with `status: 'error'` - unlike tslab, so
 * that Lab shows it and stops Run All. Figures drawn as SVG are rasterised here, on the page,
 * because a worker cannot decode SVG images. Restart is JupyterLite's: `dispose` ends the worker.
 */
import { BaseKernel, type IKernel } from '@jupyterlite/services';
import type { KernelMessage } from '@jupyterlab/services';
import { saveOrder, type KeptFile } from './save-order';
import { base64Of } from './base64';

export interface TsKernelOptions extends IKernel.IOptions {
  /** The worker script (build/lite/bundle/worker.js, served with the extension). */
  workerUrl: string;
  /** The folder of tfjs's .wasm files. */
  wasmBase: string;
  /** The read-only files the lessons read (data, shipped generators), and their manifest. */
  dataBase: string;
  manifestUrl: string;
  /** `process.env` in the kernel (GAN_MNIST_DIR, GAN_QUICK...). */
  env: Record<string, string>;
  /** JupyterLite's drive (Lab's contents manager): run folders are kept there across reloads. */
  drive?: RunDrive;
}

/** What the kernel uses of Lab's contents manager (in JupyterLite: the browser's storage). */
export interface RunDrive {
  get(path: string, options?: { content?: boolean }): Promise<{ type: string; path: string; format?: string | null; content: unknown }>;
  save(path: string, options: { type: 'file'; format: 'base64'; content: string } | { type: 'directory' }): Promise<unknown>;
  delete(path: string): Promise<void>;
}

/** The folder of the drive that holds run folders (the worker's `/runs`). */
const KEPT_FOLDER = 'runs';

/**
 * A page that sets `window.__tsKernelDrive = []` (the browser test does) gets there what the
 * kernel kept in and took from the drive: `{ saved: [...], removed: [...] }` and `{ restored: [...] }`.
 */
const DRIVE_LOG_GLOBAL = '__tsKernelDrive';

function logDrive(entry: Record<string, string[]>): void {
  const log = (globalThis as Record<string, unknown>)[DRIVE_LOG_GLOBAL];
  if (Array.isArray(log)) log.push(entry);
}

function bytesOf(item: { format?: string | null; content: unknown }): Uint8Array {
  if (item.format === 'base64') return Uint8Array.from(atob(String(item.content)), (c) => c.charCodeAt(0));
  return new TextEncoder().encode(item.format === 'json' ? JSON.stringify(item.content) : String(item.content ?? ''));
}

/**
 * Every file under `folder` in the drive, with its bytes; `unread` collects the paths that could
 * not be read (skipped, so that one damaged file does not hide every other run).
 */
async function readKept(drive: RunDrive, folder: string, unread: string[]): Promise<KeptFile[]> {
  const item = await drive.get(folder, { content: true }).catch(() => undefined);
  if (!item) {
    if (folder !== KEPT_FOLDER) unread.push(folder);
    return [];
  }
  if (item.type !== 'directory') {
    try {
      return [{ path: item.path, data: bytesOf(item) }];
    } catch {
      unread.push(item.path);
      return [];
    }
  }
  const inside = (item.content as Array<{ path: string }>) ?? [];
  return (await Promise.all(inside.map((child) => readKept(drive, child.path, unread)))).flat();
}

/**
 * The drive's writes of every kernel of this page, one batch after another: a kernel started
 * after a restart reads the drive only once the kernel before it has saved what it sent.
 */
let pendingSaves: Promise<void> = Promise.resolve();

type FromWorker =
  | { kind: 'ready' }
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  | { kind: 'display'; mime: string; data: string; displayId?: string; update: boolean }
  | { kind: 'raster'; id: number; svg: string }
  | { kind: 'reply'; id: number; status: 'ok' | 'error'; ename?: string; evalue?: string; traceback?: string[] }
  | { kind: 'persist'; writes: KeptFile[]; removes: string[] }
  | { kind: 'failed'; error: string };

type Reply = Extract<FromWorker, { kind: 'reply' }>;

/**
 * A page that sets `window.__tsKernelLog = []` before JupyterLite starts (the browser test does)
 * gets every message in and out of the kernel there, as Lab's websocket would carry it (JupyterLite
 * has no socket to listen to), with images reduced to their MIME types.
 */
const LOG_GLOBAL = '__tsKernelLog';

function logMessage(kernel: string, msg: KernelMessage.IMessage): void {
  const log = (globalThis as Record<string, unknown>)[LOG_GLOBAL];
  if (!Array.isArray(log)) return;
  const content = msg.content as Record<string, unknown>;
  const data = content.data as Record<string, unknown> | undefined;
  log.push({
    kernel,
    channel: msg.channel,
    msgType: msg.header.msg_type,
    msgId: msg.header.msg_id,
    parentId: (msg.parent_header as { msg_id?: string } | undefined)?.msg_id ?? '',
    content: data ? { ...content, data: Object.fromEntries(Object.keys(data).map((k) => [k, k.startsWith('image/') ? '(image)' : data[k]])) } : content,
  });
}

export class TsKernel extends BaseKernel {
  private readonly worker: Worker;
  private readonly started: Promise<void>;
  /** Why the worker did not start (shown as every cell's error: JupyterLite swallows a rejected `ready`). */
  private startError: string | undefined;
  private readonly replies = new Map<number, (reply: Reply) => void>();
  private count = 0;
  private readonly drive: RunDrive | undefined;
  /** Said in the first cell's output: run folders that could not be read back from the drive. */
  private restoreNote: string | undefined;
  /** Folders known to exist in the drive (JupyterLite 0.8's save refuses a file whose folder is missing: "Directory does not exist"). */
  private readonly folders = new Set<string>(['']);

  constructor(options: TsKernelOptions) {
    super({ ...options, sendMessage: (msg) => { logMessage(options.id, msg); options.sendMessage(msg); } });
    this.worker = new Worker(options.workerUrl);
    this.started = new Promise((resolve) => {
      const failed = (why: string) => {
        this.startError = why;
        resolve();
      };
      this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const m = event.data;
        if (m.kind === 'ready') resolve();
        else if (m.kind === 'failed') failed(m.error);
        else this.fromWorker(m);
      };
      this.worker.onerror = (event) => failed(`the kernel's worker did not load (${event.message || options.workerUrl}): rebuild the site with npm run lite`);
    });
    const cwd = `/${options.location ?? ''}`.replace(/\/+$/, '') || '/';
    this.drive = options.drive;
    // The run folders kept by earlier kernels (a reload, a restart) go to the worker with `start`.
    const unread: string[] = [];
    const drive = this.drive;
    const kept = drive ? pendingSaves.then(() => readKept(drive, KEPT_FOLDER, unread)) : Promise.resolve([]);
    void kept.then((files) => {
      if (unread.length) this.restoreNote = `These files of your run folders could not be read back from the browser's storage and are missing in this kernel: ${unread.join(', ')}. A run that needs them starts afresh.\n`;
      logDrive({ restored: files.map((f) => f.path) });
      this.worker.postMessage({ kind: 'start', env: options.env, cwd, siteBase: options.dataBase, wasmBase: options.wasmBase, manifestUrl: options.manifestUrl, kept: files });
    });
  }

  get ready(): Promise<void> {
    return this.started;
  }

  /**
   * Lab's Interrupt: the worker raises SIGINT in the kernel's `process`, so a training run
   * (`runTraining`) stops after its current step and saves a checkpoint, as Ctrl-C does under
   * tslab; a cell that is not listening is abandoned (its reply is an error) as tslab abandons it.
   * JupyterLite itself only cancels the cells still queued (see index.ts).
   */
  interrupt(): void {
    this.worker.postMessage({ kind: 'interrupt' });
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.worker.terminate();
    for (const resolve of this.replies.values()) resolve({ kind: 'reply', id: 0, status: 'error', ename: 'KernelRestarted', evalue: 'the kernel was restarted', traceback: [] });
    this.replies.clear();
    super.dispose();
  }

  async handleMessage(msg: KernelMessage.IMessage): Promise<void> {
    logMessage(this.id, msg);
    return super.handleMessage(msg);
  }

  private fromWorker(m: Exclude<FromWorker, { kind: 'ready' | 'failed' }>): void {
    if (m.kind === 'stream') {
      this.stream({ name: m.name, text: m.text });
    } else if (m.kind === 'display') {
      const content = { data: { [m.mime]: m.data }, metadata: {}, transient: m.displayId ? { display_id: m.displayId } : {} };
      if (m.update) this.updateDisplayData(content as KernelMessage.IUpdateDisplayDataMsg['content']);
      else this.displayData(content);
    } else if (m.kind === 'raster') {
      rasterise(m.svg).then(
        (png) => this.worker.postMessage({ kind: 'raster-done', id: m.id, png }),
        (err: unknown) => this.worker.postMessage({ kind: 'raster-done', id: m.id, error: String(err) }),
      );
    } else if (m.kind === 'persist') {
      pendingSaves = pendingSaves.then(() => this.keep(m)).catch((err: unknown) => {
        // Said where the student looks: under the cell that is running (or ran last).
        this.stream({ name: 'stderr', text: `Your run folder could not be kept in the browser's storage (${String((err as Error)?.message ?? err)}): it lives in this kernel until the page closes. Free space by deleting old folders under runs/ in the file browser.\n` });
      });
    } else if (m.kind === 'reply') {
      const resolve = this.replies.get(m.id);
      this.replies.delete(m.id);
      resolve?.(m);
    }
  }

  /** Applies the worker's changes under runs/ to the drive: removals first, then the files as they are now. */
  private async keep(changes: { writes: KeptFile[]; removes: string[] }): Promise<void> {
    if (!this.drive) return;
    const { first, files } = saveOrder(changes.writes);
    for (const gone of [...changes.removes, ...first]) {
      await this.drive.delete(gone).catch(() => undefined);
      for (const folder of this.folders) if (folder === gone || folder.startsWith(`${gone}/`)) this.folders.delete(folder);
    }
    for (const file of files) {
      await this.ensureFolder(file.path.split('/').slice(0, -1).join('/'));
      await this.drive.save(file.path, { type: 'file', format: 'base64', content: base64Of(file.data) });
    }
    logDrive({ saved: changes.writes.map((w) => w.path), removed: changes.removes });
  }

  /** Makes `folder` and the folders above it in the drive, where they are missing. */
  private async ensureFolder(folder: string): Promise<void> {
    if (this.folders.has(folder) || !this.drive) return;
    const there = await this.drive.get(folder, { content: false }).then((item) => item.type === 'directory', () => false);
    if (!there) {
      await this.ensureFolder(folder.split('/').slice(0, -1).join('/'));
      await this.drive.save(folder, { type: 'directory' });
    }
    this.folders.add(folder);
  }

  async kernelInfoRequest(): Promise<KernelMessage.IInfoReplyMsg['content']> {
    return {
      implementation: 'gan-lab-typescript',
      implementation_version: '0.1.0',
      language_info: { name: 'typescript', version: '5.9', mimetype: 'text/typescript', file_extension: '.ts', codemirror_mode: { name: 'javascript', typescript: true } },
      protocol_version: '5.3',
      status: 'ok',
      banner: 'TypeScript for the GAN lessons: TensorFlow.js and gan-lab in a Web Worker (JupyterLite)',
      help_links: [],
    };
  }

  async executeRequest(content: KernelMessage.IExecuteRequestMsg['content']): Promise<KernelMessage.IExecuteReplyMsg['content']> {
    await this.ready;
    if (this.restoreNote) {
      this.stream({ name: 'stderr', text: this.restoreNote });
      this.restoreNote = undefined;
    }
    const id = ++this.count;
    const reply = this.startError !== undefined
      ? { kind: 'reply' as const, id, status: 'error' as const, ename: 'KernelStartError', evalue: `The TypeScript kernel did not start: ${this.startError}`, traceback: [] }
      : await new Promise<Reply>((resolve) => {
        this.replies.set(id, resolve);
        this.worker.postMessage({ kind: 'execute', id, code: content.code });
      });
    if (reply.status === 'ok') return { status: 'ok', execution_count: this.executionCount, user_expressions: {} };
    const error = { ename: reply.ename ?? 'Error', evalue: reply.evalue ?? '', traceback: reply.traceback ?? [] };
    this.publishExecuteError(error);
    return { status: 'error', execution_count: this.executionCount, ...error } as KernelMessage.IExecuteReplyMsg['content'];
  }

  async completeRequest(content: KernelMessage.ICompleteRequestMsg['content']): Promise<KernelMessage.ICompleteReplyMsg['content']> {
    return { status: 'ok', matches: [], cursor_start: content.cursor_pos, cursor_end: content.cursor_pos, metadata: {} };
  }

  async inspectRequest(): Promise<KernelMessage.IInspectReplyMsg['content']> {
    return { status: 'ok', found: false, data: {}, metadata: {} };
  }

  async isCompleteRequest(): Promise<KernelMessage.IIsCompleteReplyMsg['content']> {
    return { status: 'unknown' };
  }

  async commInfoRequest(): Promise<KernelMessage.ICommInfoReplyMsg['content']> {
    return { status: 'ok', comms: {} };
  }

  inputReply(): void {}
  async commOpen(): Promise<void> {}
  async commMsg(): Promise<void> {}
  async commClose(): Promise<void> {}
}

/** An SVG figure as PNG bytes, drawn on a canvas of the page. */
async function rasterise(svg: string): Promise<Uint8Array> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error('the SVG did not load'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    canvas.getContext('2d')!.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas gave no PNG');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    URL.revokeObjectURL(url);
  }
}
