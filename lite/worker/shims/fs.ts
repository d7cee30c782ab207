/**
 * `fs` in the browser kernel: the synchronous calls the library makes, over an in-memory tree
 * (run folders, checkpoints, caches) and, for files it does not hold, a read-only source the
 * kernel plugs in (the site's data files, fetched synchronously in the worker and checked).
 * Paths are POSIX; relative ones start at `cwd()` (the notebook's folder, as under tslab).
 * What the kernel persists (JupyterLite's drive) is layered on top through `onWrite`.
 */
import { Buffer } from 'buffer';
import * as path from 'path-browserify';

type Entry = { kind: 'file'; data: Uint8Array; mtimeMs: number } | { kind: 'dir'; mtimeMs: number };

const tree = new Map<string, Entry>([['/', { kind: 'dir', mtimeMs: Date.now() }]]);
let cwd = '/';
/** The site's read-only files: a file's bytes, 'dir' for a folder, undefined: none; and a folder's names. */
export interface SiteFiles {
  read(absolute: string): Uint8Array | 'dir' | undefined;
  list(absolute: string): string[];
}
let site: SiteFiles | undefined;
const listed = new Set<string>();
let writeListener: ((absolute: string, data: Uint8Array | undefined) => void) | undefined;

/** The folder relative paths start from (the notebook's folder). */
export function setCwd(dir: string): void {
  cwd = path.resolve('/', dir);
  mkdirSync(cwd, { recursive: true });
}
export function getCwd(): string {
  return cwd;
}
/** The read-only source of what is not in memory (the site's data files). */
export function setSiteFiles(files: SiteFiles | undefined): void {
  site = files;
  listed.clear();
}
/** Called after each write or removal of a file (undefined data), to persist it. */
export function onWrite(listener: typeof writeListener): void {
  writeListener = listener;
}
/** True when the tree holds `absolute` already (no read through to the site). */
export function holds(absolute: string): boolean {
  return tree.has(absolute);
}
/** Puts a file into the tree, its folders with it, without it counting as a write: one kept from an earlier session (JupyterLite's drive), or a site file fetched ahead. */
export function restoreFile(absolute: string, data: Uint8Array): void {
  ensureParents(absolute);
  tree.set(absolute, { kind: 'file', data, mtimeMs: Date.now() });
}

function abs(p: string | URL): string {
  return path.resolve(cwd, String(p));
}

function fsError(code: string, syscall: string, p: string): Error {
  const message = { ENOENT: 'no such file or directory', EEXIST: 'file already exists', ENOTDIR: 'not a directory', EISDIR: 'illegal operation on a directory', ENOTEMPTY: 'directory not empty' }[code] ?? code;
  return Object.assign(new Error(`${code}: ${message}, ${syscall} '${p}'`), { code, syscall, path: p });
}

/** The entry at an absolute path, reading through to the site for files. */
function lookup(p: string): Entry | undefined {
  const hit = tree.get(p);
  if (hit) return hit;
  const data = site?.read(p);
  if (!data) return undefined;
  ensureParents(p);
  const entry: Entry = data === 'dir' ? { kind: 'dir', mtimeMs: Date.now() } : { kind: 'file', data, mtimeMs: Date.now() };
  tree.set(p, entry);
  return entry;
}

function ensureParents(p: string): void {
  const parent = path.dirname(p);
  if (parent !== p && !tree.has(parent)) {
    ensureParents(parent);
    tree.set(parent, { kind: 'dir', mtimeMs: Date.now() });
  }
}

function children(dir: string): string[] {
  // A folder of the site: its entries join the tree once (a removed one stays removed).
  if (site && !listed.has(dir)) {
    listed.add(dir);
    for (const name of site.list(dir)) if (!tree.has(path.join(dir, name))) lookup(path.join(dir, name));
  }
  const prefix = dir === '/' ? '/' : `${dir}/`;
  return [...tree.keys()].filter((k) => k !== dir && k.startsWith(prefix) && !k.slice(prefix.length).includes('/')).map((k) => k.slice(prefix.length));
}

export function existsSync(p: string): boolean {
  return lookup(abs(p)) !== undefined;
}

export function readFileSync(p: string, options?: BufferEncoding | { encoding?: BufferEncoding | null }): Buffer | string {
  const a = abs(p);
  const e = lookup(a);
  if (!e) throw fsError('ENOENT', 'open', a);
  if (e.kind === 'dir') throw fsError('EISDIR', 'read', a);
  const encoding = typeof options === 'string' ? options : options?.encoding;
  const bytes = Buffer.from(e.data);
  return encoding ? bytes.toString(encoding) : bytes;
}

export function writeFileSync(p: string, data: string | Uint8Array, options?: BufferEncoding | { encoding?: BufferEncoding }): void {
  const a = abs(p);
  const parent = tree.get(path.dirname(a));
  if (!parent) throw fsError('ENOENT', 'open', a);
  if (parent.kind !== 'dir') throw fsError('ENOTDIR', 'open', a);
  const encoding = typeof options === 'string' ? options : options?.encoding;
  const bytes = typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : new Uint8Array(data);
  tree.set(a, { kind: 'file', data: bytes, mtimeMs: Date.now() });
  writeListener?.(a, bytes);
}

export function appendFileSync(p: string, data: string | Uint8Array): void {
  const a = abs(p);
  const before = existsSync(a) ? (readFileSync(a) as Buffer) : Buffer.alloc(0);
  writeFileSync(a, Buffer.concat([before, typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)]));
}

export function mkdirSync(p: string, options?: { recursive?: boolean }): string | undefined {
  const a = abs(p);
  const e = tree.get(a);
  if (e) {
    if (options?.recursive && e.kind === 'dir') return undefined;
    throw fsError('EEXIST', 'mkdir', a);
  }
  if (!tree.has(path.dirname(a))) {
    if (!options?.recursive) throw fsError('ENOENT', 'mkdir', a);
    mkdirSync(path.dirname(a), options);
  }
  tree.set(a, { kind: 'dir', mtimeMs: Date.now() });
  return a;
}

let tempCount = 0;
export function mkdtempSync(prefix: string): string {
  const dir = `${abs(prefix)}${(Date.now() % 1e6).toString(36)}${(tempCount++).toString(36)}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function readdirSync(p: string, options?: { withFileTypes?: boolean; recursive?: boolean }): Array<string | { name: string; isDirectory(): boolean; isFile(): boolean }> {
  const a = abs(p);
  const e = lookup(a);
  if (!e) throw fsError('ENOENT', 'scandir', a);
  if (e.kind !== 'dir') throw fsError('ENOTDIR', 'scandir', a);
  const names = options?.recursive
    ? [...tree.keys()].filter((k) => k.startsWith(a === '/' ? '/' : `${a}/`) && k !== a).map((k) => k.slice(a === '/' ? 1 : a.length + 1))
    : children(a);
  names.sort();
  if (!options?.withFileTypes) return names;
  return names.map((name) => {
    const kind = tree.get(path.join(a, name))!.kind;
    return { name, isDirectory: () => kind === 'dir', isFile: () => kind === 'file' };
  });
}

export function statSync(p: string, options?: { throwIfNoEntry?: boolean }) {
  const a = abs(p);
  const e = lookup(a);
  if (!e) {
    if (options?.throwIfNoEntry === false) return undefined;
    throw fsError('ENOENT', 'stat', a);
  }
  return {
    size: e.kind === 'file' ? e.data.byteLength : 0,
    mtimeMs: e.mtimeMs,
    mtime: new Date(e.mtimeMs),
    isFile: () => e.kind === 'file',
    isDirectory: () => e.kind === 'dir',
  };
}

export function rmSync(p: string, options?: { recursive?: boolean; force?: boolean }): void {
  const a = abs(p);
  const e = tree.get(a);
  if (!e) {
    if (options?.force) return;
    throw fsError('ENOENT', 'rm', a);
  }
  if (e.kind === 'dir') {
    const inside = [...tree.keys()].filter((k) => k.startsWith(`${a}/`));
    if (inside.length && !options?.recursive) throw fsError('ENOTEMPTY', 'rm', a);
    inside.forEach((k) => { if (tree.get(k)?.kind === 'file') writeListener?.(k, undefined); tree.delete(k); });
  } else {
    writeListener?.(a, undefined);
  }
  tree.delete(a);
}

export const unlinkSync = (p: string) => rmSync(p);
export const rmdirSync = (p: string, options?: { recursive?: boolean }) => rmSync(p, { recursive: options?.recursive });

export function renameSync(from: string, to: string): void {
  const a = abs(from);
  const b = abs(to);
  const e = lookup(a);
  if (!e) throw fsError('ENOENT', 'rename', a);
  if (!tree.has(path.dirname(b))) throw fsError('ENOENT', 'rename', b);
  const target = tree.get(b);
  if (target?.kind === 'dir' && children(b).length) throw fsError('ENOTEMPTY', 'rename', b);
  const moved = [...tree.entries()].filter(([k]) => k === a || k.startsWith(`${a}/`));
  moved.forEach(([k]) => tree.delete(k));
  if (target) rmSync(b, { recursive: true });
  for (const [k, entry] of moved) {
    const dest = b + k.slice(a.length);
    tree.set(dest, entry);
    if (entry.kind === 'file') { writeListener?.(k, undefined); writeListener?.(dest, entry.data); }
  }
}

export function copyFileSync(from: string, to: string): void {
  writeFileSync(to, readFileSync(from) as Buffer);
}

export function cpSync(from: string, to: string, options?: { recursive?: boolean }): void {
  const a = abs(from);
  const e = lookup(a);
  if (!e) throw fsError('ENOENT', 'cp', a);
  if (e.kind === 'file') return copyFileSync(a, abs(to));
  if (!options?.recursive) throw fsError('EISDIR', 'cp', a);
  mkdirSync(abs(to), { recursive: true });
  for (const name of children(a)) cpSync(path.join(a, name), path.join(abs(to), name), options);
}

export function chmodSync(): void {
  // Permissions do not exist in the browser's storage.
}

export function createReadStream(): never {
  throw new Error('fs.createReadStream is not available in the browser kernel (it reads CelebA/TFRecord files from disk): run this lesson under tslab.');
}

export const promises = {
  readFile: async (p: string, o?: BufferEncoding) => readFileSync(p, o),
  writeFile: async (p: string, d: string | Uint8Array) => writeFileSync(p, d),
  mkdir: async (p: string, o?: { recursive?: boolean }) => mkdirSync(p, o),
  rm: async (p: string, o?: { recursive?: boolean; force?: boolean }) => rmSync(p, o),
};

export default {
  existsSync, readFileSync, writeFileSync, appendFileSync, mkdirSync, mkdtempSync, readdirSync, statSync, rmSync, unlinkSync, rmdirSync,
  renameSync, copyFileSync, cpSync, chmodSync, createReadStream, promises, setCwd, getCwd, setSiteFiles, onWrite, restoreFile, holds,
};
