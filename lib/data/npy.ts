/**
 * NumPy's `.npy` format (numpy.lib.format): the one file format that NumPy, Keras and PyTorch
 * users can all write without extra packages (`np.save`). Read here so that samples from any
 * framework can be scored with the project's metrics (`npm run evaluate -- --samples FILE`).
 *
 * Layout: the magic `\x93NUMPY`, a major and minor version byte, the header length (2 bytes
 * little-endian in version 1, 4 bytes in versions 2 and 3), then a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (10000, 28, 28), }` padded with spaces,
 * then the array's bytes in C order.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';

export type NpyDtype = 'uint8' | 'float32' | 'float64';

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  data: Uint8Array | Float32Array | Float64Array;
}

const MAGIC = '\x93NUMPY';
/** The dtypes read here, by their `descr` ('|' = byte order does not apply, '<' = little-endian). */
const DESCRS: Record<string, NpyDtype> = { '|u1': 'uint8', '<f4': 'float32', '<f8': 'float64' };

/** The header's dict: descr, fortran_order, shape. Throws with what is wrong otherwise. */
export function parseNpyHeader(header: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`not a valid .npy header: ${header.trim()}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`bad shape (${shapeText}) in the .npy header`);
  return { descr, fortranOrder: fortran === 'True', shape };
}

/** Parses the bytes of a `.npy` file; `name` is only used in error messages. */
export function parseNpy(bytes: Uint8Array, name = 'the file'): NpyArray {
  const latin1 = (from: number, to: number) => Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
  if (bytes.length < 10 || latin1(0, 6) !== MAGIC) throw new Error(`${name} is not a NumPy .npy file (it does not start with \\x93NUMPY); write it with numpy.save().`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) [headerStart, headerLength] = [10, view.getUint16(8, true)];
  else if (major === 2 || major === 3) [headerStart, headerLength] = [12, view.getUint32(8, true)];
  else throw new Error(`${name}: .npy format version ${major} is not supported (1, 2 and 3 are).`);
  const dataStart = headerStart + headerLength;
  const header = parseNpyHeader(latin1(headerStart, Math.min(dataStart, bytes.length)));
  const dtype = DESCRS[header.descr];
  if (!dtype) throw new Error(`${name} holds '${header.descr}' values; save uint8 (0-255) or float32 images instead, e.g. np.save(path, images.astype(np.float32)).`);
  if (header.fortranOrder) throw new Error(`${name} is stored in Fortran order; save np.ascontiguousarray(images) instead.`);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const itemBytes = dtype === 'uint8' ? 1 : dtype === 'float32' ? 4 : 8;
  if (bytes.length - dataStart !== count * itemBytes) {
    throw new Error(`${name} is truncated or padded: shape (${header.shape.join(', ')}) of ${dtype} needs ${count * itemBytes} bytes after the header, found ${bytes.length - dataStart}.`);
  }
  // A copy into a fresh buffer (a Buffer's slice() is a view into a shared pool), so the typed
  // array starts aligned whatever the header's length.
  const raw = new Uint8Array(bytes.length - dataStart);
  raw.set(bytes.subarray(dataStart));
  const data = dtype === 'uint8' ? raw : dtype === 'float32' ? new Float32Array(raw.buffer) : new Float64Array(raw.buffer);
  return { dtype, shape: header.shape, data };
}

export function readNpy(file: string): NpyArray {
  if (!fs.existsSync(file)) throw new Error(`${file} does not exist.`);
  return parseNpy(fs.readFileSync(file), file);
}

/** Writes a `.npy` (version 1.0) file: used by tests and to hand samples to Python. */
export function encodeNpy(array: NpyArray): Buffer {
  const descr = Object.entries(DESCRS).find(([, d]) => d === array.dtype)![0];
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Magic (6) + version (2) + length (2) + header + '\n', padded to a multiple of 64.
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write(MAGIC, 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), Buffer.from(array.data.buffer, array.data.byteOffset, array.data.byteLength)]);
}

export interface NpyImages {
  /** [n, h, w, 1], scaled to [0, 1]. */
  images: tf.Tensor4D;
  /** How the file's values were read: 'uint8 0-255', 'float 0-1' or 'float -1-1'. */
  scale: string;
}

/**
 * Grey images from a `.npy` array: shape N×H×W, N×H×W×1 (Keras) or N×1×H×W (PyTorch);
 * uint8 0-255, or float in [0, 1] (a sigmoid generator) or [-1, 1] (tanh), told apart by the
 * smallest value. Anything else is an error that says what was found.
 */
export function npyToImages(array: NpyArray, name = 'the file'): NpyImages {
  const s = array.shape;
  let hw: [number, number];
  if (s.length === 3) hw = [s[1], s[2]];
  else if (s.length === 4 && s[3] === 1) hw = [s[1], s[2]];
  else if (s.length === 4 && s[1] === 1) hw = [s[2], s[3]];
  else throw new Error(`${name} has shape (${s.join(', ')}); expected grey images as N×H×W, N×H×W×1 or N×1×H×W.`);
  const n = s[0];
  if (n === 0) throw new Error(`${name} holds no images.`);
  let scale: string;
  let values: Float32Array;
  if (array.dtype === 'uint8') {
    scale = 'uint8 0-255';
    values = Float32Array.from(array.data as Uint8Array, (v) => v / 255);
  } else {
    const data = array.data as Float32Array | Float64Array;
    let min = Infinity;
    let max = -Infinity;
    for (const v of data) {
      if (!Number.isFinite(v)) throw new Error(`${name} contains ${v}; generated images must be finite.`);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const symmetric = min < -1e-3;
    const tolerance = 1e-3;
    if (max > 1 + tolerance || min < (symmetric ? -1 : 0) - tolerance) {
      throw new Error(`${name}'s values span [${min.toPrecision(4)}, ${max.toPrecision(4)}]; expected images in [0, 1] or [-1, 1] (or uint8 0-255).`);
    }
    scale = symmetric ? 'float -1-1' : 'float 0-1';
    values = Float32Array.from(data, (v) => Math.min(1, Math.max(0, symmetric ? (v + 1) / 2 : v)));
  }
  return { images: tf.tensor4d(values, [n, hw[0], hw[1], 1]), scale };
}
