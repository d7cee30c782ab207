/**
 * Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/),
 * gzip-compressed or plain. Every failure names the file and what was expected.
 */
import * as fs from 'fs';
import * as zlib from 'zlib';

export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  shape: number[];
  /** The values, row-major. */
  data: Uint8Array;
}

/** Thrown for a file that exists but is not valid IDX data. */
export class DatasetFormatError extends Error {
  constructor(readonly file: string, detail: string, hint: string) {
    super(`${file}: ${detail}. ${hint}`);
    this.name = 'DatasetFormatError';
  }
}

const UBYTE = 0x08;
const REDOWNLOAD = 'The file is damaged or not an IDX file: delete it and fetch it again.';

/** Parses IDX bytes (already decompressed). `file` is only used in error messages. */
export function parseIdx(bytes: Uint8Array, file = '<buffer>'): IdxArray {
  if (bytes.length < 4) throw new DatasetFormatError(file, `only ${bytes.length} bytes, too short for an IDX header`, REDOWNLOAD);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0) {
    throw new DatasetFormatError(file, `wrong magic number 0x${view.getUint32(0).toString(16).padStart(8, '0')} (expected 0x000008NN for unsigned bytes)`, REDOWNLOAD);
  }
  const type = bytes[2];
  const rank = bytes[3];
  if (type !== UBYTE) throw new DatasetFormatError(file, `element type 0x${type.toString(16)} is not unsigned byte (0x08)`, REDOWNLOAD);
  if (rank < 1 || rank > 4) throw new DatasetFormatError(file, `rank ${rank} is outside 1..4`, REDOWNLOAD);
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) throw new DatasetFormatError(file, `header needs ${headerLength} bytes, file has ${bytes.length}`, REDOWNLOAD);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(view.getUint32(4 + 4 * i));
  const expected = shape.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerLength;
  if (actual !== expected) {
    throw new DatasetFormatError(file, `shape [${shape.join(', ')}] needs ${expected} data bytes but the file has ${actual} (${actual < expected ? 'truncated' : 'trailing bytes'})`, REDOWNLOAD);
  }
  return { shape, data: bytes.subarray(headerLength) };
}

/** Reads an IDX file, decompressing it when it starts with the gzip magic bytes. */
export function readIdxFile(file: string): IdxArray {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (err) {
    throw new Error(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = zlib.gunzipSync(raw);
    } catch (err) {
      throw new DatasetFormatError(file, `gzip data is corrupt or truncated (${(err as Error).message})`, REDOWNLOAD);
    }
  }
  return parseIdx(raw, file);
}
