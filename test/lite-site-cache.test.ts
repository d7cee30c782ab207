/**
 * The browser kernel's data cache (lite/worker/site-cache.ts), in Node with a made-up site and a
 * made-up Cache API: the first lesson fetches a dataset from the site with a progress line and
 * keeps it; the next reads it from the browser's storage without touching the network; a
 * damaged cached copy is fetched again; a damaged site file is refused with what to do; files
 * the kernel already holds and small files stay quiet.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'crypto';
import { sitePrefetch, manifestFilesAt, type SiteCacheDeps } from '../lite/worker/site-cache';
import type { ManifestEntry } from '../lite/worker/site-files';

const sha256Hex = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function site(files: Record<string, Uint8Array>) {
  const manifest: Record<string, ManifestEntry> = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { bytes: v.length, sha256: sha256Hex(v) }]));
  const stored = new Map<string, Uint8Array>();
  const cache = {
    match: async (key: RequestInfo | URL) => (stored.has(String(key)) ? new Response(stored.get(String(key))!.slice()) : undefined),
    put: async (key: RequestInfo | URL, response: Response) => { stored.set(String(key), new Uint8Array(await response.arrayBuffer())); },
    delete: async (key: RequestInfo | URL, options?: CacheQueryOptions) => {
      const matches = [...stored.keys()].filter((k) => (options?.ignoreSearch ? k.split('?')[0] === String(key).split('?')[0] : k === String(key)));
      matches.forEach((k) => stored.delete(k));
      return matches.length > 0;
    },
  };
  const fetched: string[] = [];
  const served = { ...files };
  let clock = 0;
  const kernel = () => {
    const placed = new Map<string, Uint8Array>();
    const lines: Array<[string, boolean]> = [];
    const deps: SiteCacheDeps = {
      manifest,
      urlOf: (key) => `http://site/gan-data/${key}`,
      holds: (p) => placed.has(p),
      place: (p, data) => placed.set(p, data),
      sha256Hex,
      fetch: async (url) => {
        fetched.push(url);
        const key = url.replace('http://site/gan-data/', '');
        return key in served ? new Response(served[key].slice()) : new Response('not found', { status: 404 });
      },
      cache: Promise.resolve(cache),
      progress: (text, done) => lines.push([text, done]),
      now: () => (clock += 150),
    };
    return { prefetch: sitePrefetch(deps), placed, lines };
  };
  return { manifest, stored, fetched, served, kernel };
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

test('a folder or a file of the manifest: the files it means', () => {
  const manifest = { 'data/mnist/a.gz': { bytes: 1, sha256: '' }, 'data/mnist/b.gz': { bytes: 1, sha256: '' }, 'data/pretrained/x/model.json': { bytes: 1, sha256: '' } };
  assert.deepEqual(manifestFilesAt(manifest, ['/data/mnist']), ['data/mnist/a.gz', 'data/mnist/b.gz']);
  assert.deepEqual(manifestFilesAt(manifest, ['/data/mnist/a.gz', '/data/mnist/a', '/data/pretrained/x/model.json']), ['data/mnist/a.gz', 'data/pretrained/x/model.json']);
  assert.deepEqual(manifestFilesAt(manifest, ['/data/cifar10']), []);
});

test('first fetched from the site with a progress line and kept; then read from the browser\'s storage, no network', async () => {
  const s = site({ 'data/mnist/train.gz': bytes(1_500_000, 1), 'data/mnist/test.gz': bytes(300_000, 2) });
  const first = s.kernel();
  await first.prefetch(['/data/mnist/train.gz', '/data/mnist/train', '/data/mnist/test.gz'], 'MNIST');
  assert.deepEqual(s.fetched, ['http://site/gan-data/data/mnist/test.gz', 'http://site/gan-data/data/mnist/train.gz']);
  assert.deepEqual(first.placed.get('/data/mnist/train.gz'), bytes(1_500_000, 1), 'the kernel holds the checked bytes');
  assert.ok(first.lines.length >= 2 && first.lines.slice(0, -1).every(([text, done]) => !done && /^MNIST: \d+\.\d of 1\.8 MB$/.test(text)), JSON.stringify(first.lines));
  assert.match(first.lines.at(-1)![0], /^MNIST: 1\.8 MB from the site, kept in this browser for next time \(\d+\.\d s\)$/);
  assert.equal(first.lines.at(-1)![1], true);
  assert.equal(s.stored.size, 2);

  await first.prefetch(['/data/mnist'], 'MNIST');
  assert.equal(s.fetched.length, 2, 'what the kernel holds is not fetched again');

  const second = s.kernel();   // a reload: a new kernel, the same browser
  await second.prefetch(['/data/mnist'], 'MNIST');
  assert.equal(s.fetched.length, 2, 'no network');
  assert.match(second.lines.at(-1)![0], /^MNIST: 1\.8 MB from this browser's storage/);
  assert.deepEqual(second.placed.get('/data/mnist/test.gz'), bytes(300_000, 2));
});

test('a damaged cached copy is fetched again; a damaged site file is refused with what to do; small files stay quiet', async () => {
  const s = site({ 'data/pretrained/x/weights.bin': bytes(2_000_000, 3), 'data/classifiers/mnist/weights.bin': bytes(1000, 4) });
  await s.kernel().prefetch(['/data/pretrained/x/weights.bin'], 'the weights of x');
  const [key] = s.stored.keys();
  s.stored.get(key)![10] ^= 1;
  const again = s.kernel();
  await again.prefetch(['/data/pretrained/x/weights.bin'], 'the weights of x');
  assert.equal(s.fetched.length, 2, 'fetched again');
  assert.deepEqual(again.placed.get('/data/pretrained/x/weights.bin'), bytes(2_000_000, 3));
  assert.match(again.lines.at(-1)![0], /from the site, kept/);

  const quiet = s.kernel();
  await quiet.prefetch(['/data/classifiers/mnist/weights.bin'], 'the weights of mnist');
  assert.equal(quiet.lines.length, 0, 'no progress line under 1 MB');
  assert.ok(quiet.placed.has('/data/classifiers/mnist/weights.bin'));

  // A site rebuilt with other weights: the new version is fetched and the old copy leaves the cache.
  const rebuilt = bytes(2_000_000, 5);
  s.served['data/pretrained/x/weights.bin'] = rebuilt;
  s.manifest['data/pretrained/x/weights.bin'] = { bytes: rebuilt.length, sha256: sha256Hex(rebuilt) };
  await s.kernel().prefetch(['/data/pretrained/x/weights.bin'], 'x');
  assert.deepEqual([...s.stored.keys()].filter((k) => k.includes('pretrained/x/')), [`http://site/gan-data/data/pretrained/x/weights.bin?sha256=${sha256Hex(rebuilt)}`], 'one copy, the new one');

  s.stored.clear();
  s.served['data/pretrained/x/weights.bin'] = bytes(2_000_000, 9);
  const damaged = s.kernel();
  await assert.rejects(damaged.prefetch(['/data/pretrained/x'], 'x'), /data\/pretrained\/x\/weights\.bin is damaged.*rebuild and publish it again/);
  assert.deepEqual(damaged.lines.at(-1), ['x: stopped after 2.0 of 2.0 MB', true], 'the progress line ends, saying where it stopped');
  delete s.served['data/pretrained/x/weights.bin'];
  await assert.rejects(s.kernel().prefetch(['/data/pretrained/x'], 'x'), /could not be fetched \(HTTP 404.*rebuild and publish the site/);
});
