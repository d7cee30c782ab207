/**
 * Run folders that outlive the page. Under tslab a lesson's run folder (`../runs/notebook-...`:
 * checkpoints, grids, logs, the GIF) is on disk; in JupyterLite the kernel's files live in the
 * worker's memory, so the worker copies what changes under `/runs/` to JupyterLite's drive (the
 * browser's storage, shown in Lab's file browser), and the page gives it back to the next kernel:
 * after a reload, `resume: true` continues a run as it does under tslab after a restart.
 *
 * Write-behind: a write marks its path; a second later (or when a cell ends) the marked paths go
 * to the page as they are then, so the many files of one checkpoint travel together and a
 * folder written atomically (a hidden temporary folder, then renamed) arrives under its final
 * name only. Not kept: temporary names (hidden folders, `.tmp-` files, a replaced `.old-` folder)
 * and `run.lock` (a lock belongs to a live kernel; kept, it would lock the folder against the
 * next one).
 */
import * as path from 'path-browserify';
// One declaration of a kept file for both ends of the message: the page's (lite/kernel) own.
import type { KeptFile } from '../kernel/src/save-order';

export type { KeptFile };

/** The worker's folder that is kept, and the drive's path for it. */
export const KEPT_ROOT = '/runs';

export interface DriveChanges {
  writes: KeptFile[];
  /** drive paths to delete, files or whole folders */
  removes: string[];
}

/** What the write-behind reads of the worker's files. */
export interface FileTree {
  /** a file's bytes; undefined for a folder or nothing */
  fileAt(absolute: string): Uint8Array | undefined;
  exists(absolute: string): boolean;
}

/** lib/io.ts's temporary names: `x.tmp-<pid>-<time>` (a file written atomically) and `checkpoint.old-<pid>` (a folder replaced). */
const TEMPORARY = /\.tmp-|\.old-\d+$/;

export function isKept(absolute: string): boolean {
  if (!absolute.startsWith(`${KEPT_ROOT}/`)) return false;
  const segments = absolute.slice(KEPT_ROOT.length + 1).split('/');
  return !segments.some((s) => s.startsWith('.') || TEMPORARY.test(s)) && segments.at(-1) !== 'run.lock';
}

export function drivePathOf(absolute: string): string {
  return absolute.replace(/^\/+/, '');
}

export function workerPathOf(drivePath: string): string {
  return `/${drivePath.replace(/^\/+/, '')}`;
}

export class WriteBehind {
  private readonly marked = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly files: FileTree,
    private readonly send: (changes: DriveChanges) => void,
    private readonly delayMs = 1000,
  ) {}

  /** The fs shim's write listener: a file written (or removed) at an absolute path. */
  noteWrite(absolute: string): void {
    if (!isKept(absolute)) return;
    this.marked.add(absolute);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  /** Sends what changed since the last flush, as the files are now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.marked.size === 0) return;
    const writes: KeptFile[] = [];
    const removes = new Set<string>();
    for (const absolute of [...this.marked].sort()) {
      const data = this.files.fileAt(absolute);
      if (data) {
        writes.push({ path: drivePathOf(absolute), data });
      } else {
        removes.add(drivePathOf(this.topmostMissing(absolute)));
      }
    }
    this.marked.clear();
    // A folder deleted whole covers the files in it.
    const folders = [...removes].filter((r) => ![...removes].some((o) => o !== r && r.startsWith(`${o}/`)));
    this.send({ writes, removes: folders });
  }

  /** The removed path, or its highest folder under KEPT_ROOT that is gone too (the whole of a removed folder goes). */
  private topmostMissing(absolute: string): string {
    let gone = absolute;
    for (let parent = path.dirname(gone); parent.startsWith(`${KEPT_ROOT}/`) && !this.files.exists(parent); parent = path.dirname(parent)) gone = parent;
    return gone;
  }
}
