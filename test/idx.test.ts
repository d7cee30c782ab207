import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { parseIdx, readIdxFile } from '../lib/data/idx';

/** Builds an IDX file of unsigned bytes with the given shape and values 0, 1, 2, ... */
function idxBytes(shape: number[]): Buffer {
  const n = shape.reduce((a, b) => a * b, 1);
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x00000800 + shape.length, 0);
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = i % 256;
  return Buffer.concat([header, data]);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'idx-test-'));

test('parses shape and data of a plain IDX file', () => {
  const parsed = parseIdx(idxBytes([3, 2, 2]));
  assert.deepEqual(parsed.shape, [3, 2, 2]);
  assert.equal(parsed.data.length, 12);
  assert.equal(parsed.data[11], 11);
});

test('reads gzip and plain files alike', () => {
  const plain = path.join(tmp, 'a-idx3-ubyte');
  const gz = path.join(tmp, 'a-idx3-ubyte.gz');
  fs.writeFileSync(plain, idxBytes([2, 3, 3]));
  fs.writeFileSync(gz, zlib.gzipSync(idxBytes([2, 3, 3])));
  assert.deepEqual(readIdxFile(plain), readIdxFile(gz));
});

test('a truncated file names the file, the expected size and the fix', () => {
  const file = path.join(tmp, 'truncated-idx3-ubyte');
  fs.writeFileSync(file, idxBytes([10, 28, 28]).subarray(0, 1000));
  assert.throws(() => readIdxFile(file), (err: Error) => {
    assert.match(err.message, /truncated-idx3-ubyte/);
    assert.match(err.message, /7840 data bytes/);
    assert.match(err.message, /truncated/);
    assert.match(err.message, /fetch it again/);
    return true;
  });
});

test('a wrong magic number is refused', () => {
  const bytes = idxBytes([2, 2]);
  bytes.writeUInt32BE(0x12345678, 0);
  assert.throws(() => parseIdx(bytes, 'x.idx'), /x\.idx: wrong magic number 0x12345678/);
});

test('a corrupt gzip stream is refused with the file name', () => {
  const file = path.join(tmp, 'bad.gz');
  fs.writeFileSync(file, zlib.gzipSync(idxBytes([4, 4])).subarray(0, 20));
  assert.throws(() => readIdxFile(file), /bad\.gz: gzip data is corrupt or truncated/);
});

test('a missing file says it cannot be read', () => {
  assert.throws(() => readIdxFile(path.join(tmp, 'nope')), /nope: cannot read \(ENOENT\)/);
});
