/**
 * The browser kernel's Web Worker (issue 32, step 3): runs cells with the library bundle and
 * talks to the page in small messages. The page (JupyterLite's kernel object, or a test page)
 * turns them into Jupyter messages.
 *
 * Page -> worker: `{ kind: 'start', env, cwd, siteBase, wasmBase?, manifestUrl?, kept? }`,
 *                 `{ kind: 'execute', id, code }`, `{ kind: 'raster-done', id, png | error }`,
 *                 `{ kind: 'interrupt' }` (Lab's Interrupt).
 * Worker -> page: `{ kind: 'ready' }` (or `{ kind: 'failed', error }`), `{ kind: 'stream', name, text }`,
 *                 `{ kind: 'display', mime, data, displayId, update }`, `{ kind: 'raster', id, svg }`,
 *                 `{ kind: 'reply', id, status: 'ok' | 'error', value?, ename?, evalue?, traceback? }`,
 *                 `{ kind: 'persist', writes, removes }` (run folders for JupyterLite's drive).
 *
 * Files: what the library writes lives in the worker's memory; what changes under `/runs/` is
 * also sent to the page for JupyterLite's drive, and comes back as `kept` when the next kernel
 * starts (./run-folders.ts). What it reads and does not hold comes from the site by synchronous requests
 * (allowed in workers). Which files and folders exist: the site's manifest (`manifestUrl`, written
 * by scripts/build-lite-site.mjs), or without one `<siteBase>__list?path=` (the worker test's server).
 */
import { fs, browserProcess, installGlobals, lessonRegistry, CellRunner, DISPLAY_GLOBAL, RASTER_GLOBAL } from './library';
import { WASM_PATH_GLOBAL } from './shims/engine-wasm';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { manifestListing, manifestKey, checkedSiteFile, type Listing, type ManifestEntry } from './site-files';
import { WriteBehind, isKept, workerPathOf, type KeptFile } from './run-folders';
import { sitePrefetch } from './site-cache';
import { base64Of } from '../kernel/src/base64';
import { HOST_PREFETCH_GLOBAL } from '../../lib/io';
import * as path from 'path-browserify';

type Incoming =
  | { kind: 'start'; env?: Record<string, string>; cwd?: string; siteBase: string; wasmBase?: string; manifestUrl?: string; kept?: KeptFile[] }
  | { kind: 'execute'; id: number; code: string }
  | { kind: 'interrupt' }
  | { kind: 'raster-done'; id: number; png?: Uint8Array; error?: string };

const scope = globalThis as unknown as { postMessage(message: unknown, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<Incoming>) => void) | null };
const post = (message: unknown) => scope.postMessage(message);

function format(args: unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : (() => { try { return JSON.stringify(a); } catch { return String(a); } })())).join(' ');
}

function captureConsole(): void {
  const out = (...args: unknown[]) => post({ kind: 'stream', name: 'stdout', text: `${format(args)}\n` });
  const err = (...args: unknown[]) => post({ kind: 'stream', name: 'stderr', text: `${format(args)}\n` });
  Object.assign(console, { log: out, info: out, debug: out, warn: err, error: err });
}

/** tslab's display object, posting display_data (and update_display_data for a display made by newDisplay). */
let displayCount = 0;
function displaySink(displayId?: string) {
  let written = false;
  const show = (mime: string, data: string) => {
    post({ kind: 'display', mime, data, displayId, update: displayId !== undefined && written });
    written = true;
  };
  return {
    png: (b: Uint8Array) => show('image/png', base64Of(b)),
    gif: (b: Uint8Array) => show('image/gif', base64Of(b)),
    html: (h: string) => show('text/html', h),
    svg: (s: string) => show('image/svg+xml', s),
    text: (t: string) => show('text/plain', t),
  };
}

/** SVG to PNG by the page (a worker cannot decode SVG images). */
const rasters = new Map<number, { resolve(png: Uint8Array): void; reject(err: Error): void }>();
let rasterCount = 0;
function rasteriseOnPage(svg: string): Promise<Uint8Array> {
  const id = ++rasterCount;
  return new Promise((resolve, reject) => {
    rasters.set(id, { resolve, reject });
    post({ kind: 'raster', id, svg });
  });
}

/** SHA-256 as the manifest writes it, synchronous as the library's reads are. */
const sha256Hex = (bytes: Uint8Array) => bytesToHex(sha256(bytes));

function getSync(url: string): XMLHttpRequest {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', url, false);
  xhr.responseType = 'arraybuffer';
  xhr.send();
  return xhr;
}

/** Files of the site, read synchronously. */
function siteFiles(siteBase: string, manifestUrl?: string) {
  let listing = (p: string): Listing | undefined => {
    const xhr = getSync(`${siteBase}__list?path=${encodeURIComponent(p)}`);
    return xhr.status === 200 ? JSON.parse(new TextDecoder().decode(xhr.response as ArrayBuffer)) : undefined;
  };
  let manifest: Record<string, ManifestEntry> = {};
  if (manifestUrl) {
    const xhr = getSync(manifestUrl);
    if (xhr.status !== 200) throw new Error(`The site's data manifest ${manifestUrl} did not load (HTTP ${xhr.status}): rebuild the site with npm run lite.`);
    manifest = JSON.parse(new TextDecoder().decode(xhr.response as ArrayBuffer)).files;
    listing = manifestListing(manifest);
  }
  return {
    manifest,
    urlOf: (key: string) => `${siteBase}${key}`,
    read(p: string): Uint8Array | 'dir' | undefined {
      const info = listing(p);
      if (!info) return undefined;
      if (info.kind === 'dir') return 'dir';
      const xhr = getSync(`${siteBase}${p.replace(/^\//, '')}`);
      if (xhr.status !== 200) return undefined;
      return checkedSiteFile(p, new Uint8Array(xhr.response as ArrayBuffer), manifest[manifestKey(p)], sha256Hex);
    },
    list: (p: string) => listing(p)?.names ?? [],
  };
}

let runner: CellRunner | undefined;
let queue: Promise<void> = Promise.resolve();
/** Run folders to JupyterLite's drive, a second after a write and when a cell ends. */
const keep = new WriteBehind(
  // readFileSync hands out a copy of the tree's bytes: that copy is what goes to the page.
  { exists: fs.existsSync, fileAt: (p) => (fs.statSync(p, { throwIfNoEntry: false })?.isFile() ? (fs.readFileSync(p) as Uint8Array) : undefined) },
  (changes) => post({ kind: 'persist', ...changes }),
);

/** Rejects the running cell when it is interrupted and nothing in it listens for SIGINT. */
let abandonRunning: ((err: Error) => void) | undefined;
/** Interrupts the running cell has received. */
let interruptsOfRunning = 0;

/**
 * Lab's Interrupt, as tslab answers Ctrl-C: SIGINT to whatever listens (runTraining stops after
 * its step and saves a checkpoint; the cell then ends by itself). With no listener, or at a
 * second Interrupt (a step that takes long), the running cell is abandoned with an error, its
 * promise left to settle in the background.
 */
function interrupt(): void {
  interruptsOfRunning++;
  if (interruptsOfRunning === 1 && browserProcess.emit('SIGINT')) return;
  const err = new Error('Interrupted: the cell was abandoned (it may still finish in the background; restart the kernel to stop it for sure)');
  err.name = 'KeyboardInterrupt';
  abandonRunning?.(err);
}

async function execute(id: number, code: string): Promise<void> {
  try {
    interruptsOfRunning = 0;
    const abandoned = new Promise<never>((_, reject) => { abandonRunning = reject; });
    const value = await Promise.race([runner!.run(code), abandoned]);
    if (value != null) console.log(value);   // tslab prints a cell's last value
    post({ kind: 'reply', id, status: 'ok' });
  } catch (e) {
    const err = e as Error;
    post({ kind: 'reply', id, status: 'error', ename: err?.name ?? 'Error', evalue: err?.message ?? String(e), traceback: String(err?.stack ?? e).split('\n') });
  } finally {
    abandonRunning = undefined;
    keep.flush();
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.kind === 'start') {
    try {
      captureConsole();
      installGlobals();
      Object.assign(browserProcess.env, message.env ?? {});
      const g = globalThis as Record<string, unknown>;
      g[WASM_PATH_GLOBAL] = message.wasmBase ?? `${message.siteBase}node_modules/@tensorflow/tfjs-backend-wasm/dist/`;
      g[DISPLAY_GLOBAL] = { display: displaySink(), newDisplay: () => displaySink(`display-${++displayCount}`) };
      g[RASTER_GLOBAL] = rasteriseOnPage;
      const site = siteFiles(message.siteBase, message.manifestUrl);
      fs.setSiteFiles(site);
      // Large files ahead of the library's synchronous reads: with a progress line, kept in the browser's Cache API.
      const prefetch = sitePrefetch({
        manifest: site.manifest,
        urlOf: site.urlOf,
        holds: fs.holds,
        place: fs.restoreFile,
        sha256Hex,
        fetch: (url) => fetch(url),
        cache: typeof caches === 'undefined' ? Promise.resolve(undefined) : caches.open('gan-lab-site-files'),
        progress: (() => {
          let line: ReturnType<typeof displaySink> | undefined;
          return (text: string, done: boolean) => {
            line ??= displaySink(`display-${++displayCount}`);
            line.text(text);
            if (done) line = undefined;
          };
        })(),
        now: () => performance.now(),
      });
      g[HOST_PREFETCH_GLOBAL] = (paths: string[], what: string) => prefetch(paths.map((p) => path.resolve(fs.getCwd(), p)), what);
      fs.setCwd(message.cwd ?? '/notebooks');
      for (const file of message.kept ?? []) if (isKept(workerPathOf(file.path))) fs.restoreFile(workerPathOf(file.path), file.data);
      fs.onWrite((absolute) => keep.noteWrite(absolute));
      runner = new CellRunner(lessonRegistry());
      post({ kind: 'ready' });
    } catch (e) {
      post({ kind: 'failed', error: String((e as Error)?.message ?? e) });
    }
  } else if (message.kind === 'interrupt') {
    interrupt();
  } else if (message.kind === 'execute') {
    queue = queue.then(() => execute(message.id, message.code));
  } else if (message.kind === 'raster-done') {
    const waiting = rasters.get(message.id);
    rasters.delete(message.id);
    if (message.png) waiting?.resolve(message.png);
    else waiting?.reject(new Error(`The page could not draw the figure: ${message.error}`));
  }
};
