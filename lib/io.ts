/**
 * File-system helpers shared by caches, checkpoints and outputs: the project's atomic writers
 * (a file, a file written by a stream, a whole folder) and the run folder's lock. Every write
 * goes to a temporary name in the same folder and is renamed into place, so an interrupted
 * write never leaves a half file or folder under the final name.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as os from 'os';

/** A temporary name beside `file` (same folder, so the rename is atomic). */
function temporaryNameFor(file: string): string {
  return `${file}.tmp-${process.pid}-${Date.now()}`;
}

/** Writes bytes atomically. */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = temporaryNameFor(file);
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Writes `file` atomically through `write(tmp)`, which fills the temporary file (e.g. with a stream writer). */
export async function writeFileAtomicWith(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = temporaryNameFor(file);
  try {
    await write(tmp);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** Replaces `dir` with a folder filled by `fill`, atomically (a temporary folder, then renames). */
export async function writeFolderAtomic(dir: string, fill: (tmp: string) => void | Promise<void>): Promise<void> {
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
  try {
    await fill(tmp);
    fs.chmodSync(tmp, 0o755); // mkdtemp makes it private; a saved model is meant to be served and shared
    const old = `${dir}.old-${process.pid}`;
    if (fs.existsSync(dir)) fs.renameSync(dir, old);
    fs.renameSync(tmp, dir);
    fs.rmSync(old, { recursive: true, force: true });
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** What a run folder's lock file holds. */
export interface RunLock {
  pid: number;
  startedAt: string;
  host: string;
  command: string;
}

export const RUN_LOCK_FILE = 'run.lock';

/** The signals that stop a run cleanly: Ctrl-C, and `kill` / `timeout` / a CI cancellation. */
export const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

/** The exit status a shell gives a process killed by `signal` (128 + its number). */
export function exitStatusFor(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes this process the one writer of `dir` (a training run folder): creates `dir/run.lock`
 * with its PID and start time, exclusively. A lock left by a process that no longer runs (on
 * this machine) is taken over; a live one stops this run at once with the other's PID and what
 * to do. Returns the release function; the lock is also released when the process exits
 * (including a second Ctrl-C, which exits at once).
 */
export function acquireRunLock(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, RUN_LOCK_FILE);
  const mine: RunLock = { pid: process.pid, startedAt: new Date().toISOString(), host: os.hostname(), command: process.argv.slice(1).join(' ') };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      const release = () => {
        try {
          const held = JSON.parse(fs.readFileSync(file, 'utf8')) as RunLock;
          if (held.pid === process.pid) fs.rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
        process.removeListener('exit', release);
        for (const [sig, handler] of handlers) process.removeListener(sig, handler);
      };
      // Ctrl-C / kill before the trainer's own graceful handler is installed (loading data) or
      // after it is gone: release and exit as the default action would. While another handler
      // listens (the trainer's: stop after this step, save a checkpoint), leave it to that one.
      // (One handler per signal, bound to its name: process.emit('SIGTERM') passes no argument.)
      const handlers = new Map(STOP_SIGNALS.map((signal) => [signal, () => {
        if (process.listenerCount(signal) > 1) return;
        release();
        process.exit(exitStatusFor(signal));
      }] as const));
      process.on('exit', release);
      for (const [sig, handler] of handlers) process.on(sig, handler);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let held: RunLock | undefined;
    try {
      held = JSON.parse(fs.readFileSync(file, 'utf8')) as RunLock;
    } catch {
      held = undefined; // unreadable (a crash while writing it): stale
    }
    if (held && held.host === mine.host && held.pid !== process.pid && processAlive(held.pid)) {
      throw new Error(`${dir} is being written by another run (PID ${held.pid}, started ${held.startedAt}: ${held.command}). Wait for it to finish, stop it (kill ${held.pid}; it saves a checkpoint and this command then resumes), or give this run another folder (--out).`);
    }
    if (held && held.host !== mine.host) {
      throw new Error(`${dir} is locked by a run on another machine (${held.host}, PID ${held.pid}, started ${held.startedAt}). If that run is over, delete ${file} and try again.`);
    }
    console.error(`Note: ${file} was left by a run that is no longer running (PID ${held?.pid ?? '?'}); taking it over.`);
    fs.rmSync(file, { force: true });
  }
  throw new Error(`Could not lock ${dir}: another process keeps creating ${file}.`);
}

/**
 * A host that reads files on demand over a network (the browser kernel: the site's data files,
 * otherwise fetched one at a time by synchronous requests) installs a function under this name
 * on `globalThis`. Before reading several large files synchronously, the library gives it their
 * paths (files or folders), so it can fetch them together, show progress and keep them in the
 * browser's storage for next time. Under Node nothing is installed and nothing happens.
 */
export const HOST_PREFETCH_GLOBAL = '__ganPrefetchFiles';
export type HostPrefetch = (paths: string[], what: string) => Promise<void>;

/** Lets the host fetch `paths` ahead of synchronous reads (see HOST_PREFETCH_GLOBAL); `what` names them for its progress line. */
export async function prefetchHostFiles(paths: string[], what: string): Promise<void> {
  const prefetch = (globalThis as Record<string, unknown>)[HOST_PREFETCH_GLOBAL] as HostPrefetch | undefined;
  if (prefetch) await prefetch(paths, what);
}
