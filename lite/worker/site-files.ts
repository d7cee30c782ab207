/**
 * The site's read-only files as the browser kernel sees them: which paths exist (from the site's
 * manifest, written by scripts/build-lite-site.mjs) and whether the bytes that arrived are the
 * bytes the site was built with (SHA-256 in the manifest). Pure: the hash function is passed in
 * (the worker bundles @noble/hashes, whose SHA-256 is synchronous as the library's file reads
 * are; tests pass Node's).
 */

/** One file of the manifest. */
export interface ManifestEntry {
  bytes: number;
  sha256: string;
}

export type Listing = { kind: 'file' | 'dir'; names: string[] };

/** What the manifest (`{ files: { 'data/pretrained/x/model.json': { bytes, sha256 } } }`) says of a path. */
export function manifestListing(files: Record<string, unknown>): (p: string) => Listing | undefined {
  const children = new Map<string, Set<string>>([['', new Set()]]);
  for (const file of Object.keys(files)) {
    const parts = file.split('/');
    for (let i = 0; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!children.has(dir)) children.set(dir, new Set());
      children.get(dir)!.add(parts[i]);
    }
  }
  return (p) => {
    const key = manifestKey(p);
    if (key in files) return { kind: 'file', names: [] };
    const names = children.get(key);
    return names ? { kind: 'dir', names: [...names].sort() } : undefined;
  };
}

/** A path as the manifest names it: no leading or trailing slash. */
export function manifestKey(p: string): string {
  return p.replace(/^\/+|\/+$/g, '');
}

/**
 * The bytes of `p`, if they are what the manifest says; otherwise an error that says what is
 * wrong and what to do (a proxy or a half-finished upload can serve a damaged file).
 */
export function checkedSiteFile(p: string, bytes: Uint8Array, entry: ManifestEntry | undefined, sha256Hex: (b: Uint8Array) => string): Uint8Array {
  if (!entry) return bytes;
  const fix = 'Reload the page; if it stays so, the site is damaged: rebuild and publish it again (npm run lite -- --build-only).';
  if (bytes.length !== entry.bytes) throw new Error(`The site's file ${manifestKey(p)} arrived with ${bytes.length} bytes, not the ${entry.bytes} of its manifest. ${fix}`);
  const got = sha256Hex(bytes);
  if (got !== entry.sha256) throw new Error(`The site's file ${manifestKey(p)} is damaged: its SHA-256 is ${got}, its manifest says ${entry.sha256}. ${fix}`);
  return bytes;
}
