/**
 * The site's large files (MNIST, Fashion-MNIST, generators, checkpoints) fetched ahead of the
 * library's synchronous reads, with a progress line, and kept in the browser's storage (the
 * Cache API) so that the next lesson, reload or day reads them from the student's own disk.
 *
 * The library announces what it is about to read (`prefetchHostFiles` in lib/io.ts: the IDX
 * files of a dataset, the weights of a model, an optimizer's state); this fetches the files of
 * the manifest among them that the kernel does not hold yet, checks each against the manifest's
 * size and SHA-256 (a damaged copy in the cache is dropped and fetched again), and hands them to
 * the kernel's file tree. A cached copy is keyed by the file's SHA-256, so a site rebuilt with
 * other data never serves the old bytes. Where the page has no Cache API (plain http on a
 * classroom's network: it needs https or localhost) the files are fetched and not kept.
 */
import { checkedSiteFile, manifestKey, type ManifestEntry } from './site-files';

export interface SiteCacheDeps {
  manifest: Record<string, ManifestEntry>;
  /** The address of a manifest path on the site. */
  urlOf(key: string): string;
  /** True when the kernel's files already hold this absolute path. */
  holds(absolute: string): boolean;
  /** Hands a checked file to the kernel's files. */
  place(absolute: string, data: Uint8Array): void;
  sha256Hex(bytes: Uint8Array): string;
  fetch(url: string): Promise<Response>;
  /** The browser's cache for the site's files, or undefined where there is none. */
  cache: Promise<Pick<Cache, 'match' | 'put' | 'delete'> | undefined>;
  /** The progress line: shown, updated, and last its final text (`done`). */
  progress(text: string, done: boolean): void;
  now(): number;
}

/** Below this many bytes no progress line is shown (a classifier, a small discriminator). */
const QUIET_BYTES = 1e6;

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

/** The manifest's files at these absolute paths (a folder: every file under it). */
export function manifestFilesAt(manifest: Record<string, ManifestEntry>, paths: string[]): string[] {
  const keys = new Set<string>();
  for (const p of paths) {
    const key = manifestKey(p);
    if (key in manifest) keys.add(key);
    else for (const file of Object.keys(manifest)) if (file.startsWith(`${key}/`)) keys.add(file);
  }
  return [...keys].sort();
}

/** The function the library calls as `prefetchHostFiles` (installed on globalThis by the worker). */
export function sitePrefetch(deps: SiteCacheDeps): (paths: string[], what: string) => Promise<void> {
  return async (paths, what) => {
    const wanted = manifestFilesAt(deps.manifest, paths).filter((key) => !deps.holds(`/${key}`));
    if (wanted.length === 0) return;
    const cache = await deps.cache.catch(() => undefined);
    const total = wanted.reduce((sum, key) => sum + deps.manifest[key].bytes, 0);
    const shown = total >= QUIET_BYTES;
    const started = deps.now();
    let done = 0;
    let fromCache = 0;
    let lastShown = 0;
    const show = () => {
      if (!shown || deps.now() - lastShown < 200) return;
      lastShown = deps.now();
      deps.progress(`${what}: ${megabytes(done)} of ${megabytes(total)} MB`, false);
    };
    show();
    try {
      for (const key of wanted) {
        const entry = deps.manifest[key];
        const cacheKey = `${deps.urlOf(key)}?sha256=${entry.sha256}`;
        let bytes = await cachedCopy(cache, cacheKey, key, entry, deps);
        if (bytes) {
          fromCache += bytes.length;
          done += bytes.length;
        } else {
          bytes = checkedSiteFile(key, await download(deps, key, (n) => { done += n; show(); }), entry, deps.sha256Hex);
          // Copies of other versions of the file (a site rebuilt with other data) go; a full storage: fetched again next time.
          await cache?.delete(deps.urlOf(key), { ignoreSearch: true }).catch(() => undefined);
          await cache?.put(cacheKey, new Response(bytes.slice())).catch(() => undefined);
        }
        deps.place(`/${key}`, bytes);
        show();
      }
    } catch (err) {
      if (shown) deps.progress(`${what}: stopped after ${megabytes(done)} of ${megabytes(total)} MB`, true);
      throw err;
    }
    if (!shown) return;
    const seconds = ((deps.now() - started) / 1000).toFixed(1);
    const where = fromCache === total ? "from this browser's storage"
      : !cache ? 'from the site (not kept: keeping files in the browser needs https or localhost)'
        : fromCache > 0 ? "from the site and this browser's storage, kept for next time"
          : 'from the site, kept in this browser for next time';
    deps.progress(`${what}: ${megabytes(total)} MB ${where} (${seconds} s)`, true);
  };
}

/** The cached copy of a file if it is intact; a damaged one is dropped. */
async function cachedCopy(cache: Pick<Cache, 'match' | 'delete'> | undefined, cacheKey: string, key: string, entry: ManifestEntry, deps: SiteCacheDeps): Promise<Uint8Array | undefined> {
  const hit = await cache?.match(cacheKey).catch(() => undefined);
  if (!hit) return undefined;
  const bytes = new Uint8Array(await hit.arrayBuffer());
  try {
    return checkedSiteFile(key, bytes, entry, deps.sha256Hex);
  } catch {
    await cache!.delete(cacheKey).catch(() => undefined);
    return undefined;
  }
}

/** A file of the site, read as it arrives so that the progress line moves. */
async function download(deps: SiteCacheDeps, key: string, arrived: (bytes: number) => void): Promise<Uint8Array> {
  const url = deps.urlOf(key);
  const response = await deps.fetch(url).catch((err: unknown) => { throw new Error(`The site's file ${key} could not be fetched (${String(err)}): check the network and run the cell again.`); });
  if (!response.ok) throw new Error(`The site's file ${key} could not be fetched (HTTP ${response.status} from ${url}): rebuild and publish the site (npm run lite -- --build-only), or reload the page.`);
  if (!response.body) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    arrived(bytes.length);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    chunks.push(read.value);
    arrived(read.value.length);
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  return bytes;
}
