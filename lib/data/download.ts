/**
 * Downloading dataset files into a cache folder, checked and written atomically: the bytes go
 * to a temporary file, are checked against the digest the source publishes, and only then
 * renamed to the final name. An interrupted or corrupt download never passes for data.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '../config';

export interface RemoteFile {
  url: string;
  /** Name in the cache folder. */
  name: string;
  /** Published digest of the file (hex). */
  digest: string;
  /** Hash algorithm of `digest` (the sources publish md5; sha256 is accepted too). */
  algorithm: 'md5' | 'sha256';
}

/** The project's cache folder (`data/cache`), or GAN_DATA_CACHE. */
export function defaultCacheDir(): string {
  return process.env.GAN_DATA_CACHE ?? path.join(projectRoot(), 'data', 'cache');
}

/** Hex digest of a file's bytes. */
export function fileDigest(file: string, algorithm: 'md5' | 'sha256'): string {
  return crypto.createHash(algorithm).update(fs.readFileSync(file)).digest('hex');
}

/** Downloader used by `ensureFile`; tests replace it to simulate networks. */
export type Fetcher = (url: string) => Promise<Uint8Array>;

export const httpFetcher: Fetcher = async (url) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
};

/**
 * Returns the path of `remote` in `cacheDir`, downloading it first if it is absent. A cached
 * file whose digest does not match is reported (not silently replaced: it may be the user's).
 */
export async function ensureFile(remote: RemoteFile, cacheDir = defaultCacheDir(), fetcher: Fetcher = httpFetcher): Promise<string> {
  const target = path.join(cacheDir, remote.name);
  if (fs.existsSync(target)) {
    const actual = fileDigest(target, remote.algorithm);
    if (actual !== remote.digest) {
      throw new Error(`${target}: ${remote.algorithm} ${actual} does not match the published ${remote.digest}. The file is damaged or not the expected one: delete it to download it again from ${remote.url}.`);
    }
    return target;
  }
  fs.mkdirSync(cacheDir, { recursive: true });
  let bytes: Uint8Array;
  try {
    bytes = await fetcher(remote.url);
  } catch (err) {
    throw new Error(`Cannot download ${remote.url} (${(err as Error).message}). Without network access, download it elsewhere and copy it to ${target}.`);
  }
  const tmp = `${target}.part-${process.pid}`;
  try {
    fs.writeFileSync(tmp, bytes);
    const actual = fileDigest(tmp, remote.algorithm);
    if (actual !== remote.digest) {
      throw new Error(`Downloaded ${remote.url} but its ${remote.algorithm} is ${actual}, not the published ${remote.digest}: the download was corrupted or the file changed upstream. Nothing was cached; try again.`);
    }
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return target;
}
