/** File-system helpers shared by caches, checkpoints and outputs. */
import * as fs from 'fs';
import * as path from 'path';

/**
 * Writes bytes atomically: a temporary file in the same folder, then a rename, so an
 * interrupted write never leaves a half file under the final name.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
