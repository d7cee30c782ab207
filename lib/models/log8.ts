/**
 * Eight bits a value on a logarithmic scale, for optimizer state that ships in the repository.
 *
 * Adam's moments span many orders of magnitude inside one tensor (second moments of 1e-12 beside
 * 1e-3 are common), so a linear 8-bit code (tfjs's own uint8 quantization: one min and scale per
 * tensor) would round most of them to zero, and a zero second moment beside a non-zero first one
 * turns the next update into m / epsilon. This code keeps the relative error bounded instead, as
 * 8-bit optimizers do (Dettmers et al., "8-bit Optimizers via Block-wise Quantization", 2021):
 * values are cut into blocks of 256; each block stores the base-2 logarithm of its largest
 * magnitude as a float32, and each value a level on a log scale below it.
 *
 * - signed tensors (first moments): a sign bit and 127 levels over the 20 octaves below the
 *   block's largest magnitude, relative error at most 5.7 %; smaller values become 0 (the
 *   safe direction for a first moment: a smaller step).
 * - non-negative tensors (second moments): 255 levels over 32 octaves, relative error at most
 *   4.5 %; smaller values are raised to the lowest level (the safe direction for a second
 *   moment, which divides: a smaller step), exact zeros stay zero.
 *
 * About a quarter of float32's bytes (one byte a value and 4 bytes a block), half of bfloat16's.
 */

export interface Log8Code {
  /** values a block */
  block: number;
  /** true: sign bit and 127 levels; false: non-negative, 255 levels */
  signed: boolean;
  /** the span of levels below a block's largest magnitude, in octaves (powers of two) */
  octaves: number;
}

export const LOG8_BLOCK = 256;
const SIGNED_OCTAVES = 20;
const UNSIGNED_OCTAVES = 32;

function levelsOf(code: Log8Code): number {
  return code.signed ? 127 : 255;
}

/** Bytes that encodeLog8 writes for `count` values. */
export function log8Bytes(count: number, block = LOG8_BLOCK): number {
  return Math.ceil(count / block) * 4 + count;
}

/**
 * Encodes float32 values: the blocks' top exponents (float32 each), then one code byte a value.
 * Throws on NaN or Infinity, which no healthy optimizer state holds.
 */
export function encodeLog8(values: Float32Array, block = LOG8_BLOCK): { code: Log8Code; bytes: Uint8Array } {
  let signed = false;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`Cannot store a value of ${values[i]} (at ${i} of ${values.length}): the optimizer state is not finite, so the run it comes from diverged. Ship a checkpoint from before the divergence.`);
    if (values[i] < 0) signed = true;
  }
  const code: Log8Code = { block, signed, octaves: signed ? SIGNED_OCTAVES : UNSIGNED_OCTAVES };
  const levels = levelsOf(code);
  const step = code.octaves / (levels - 1);
  const blocks = Math.ceil(values.length / block);
  const bytes = new Uint8Array(log8Bytes(values.length, block));
  const tops = new DataView(bytes.buffer, 0, blocks * 4);
  const codes = bytes.subarray(blocks * 4);
  for (let b = 0; b < blocks; b++) {
    const start = b * block;
    const end = Math.min(start + block, values.length);
    let largest = 0;
    for (let i = start; i < end; i++) largest = Math.max(largest, Math.abs(values[i]));
    const top = largest > 0 ? Math.log2(largest) : 0;
    tops.setFloat32(b * 4, top, true);
    const bottom = Math.fround(top) - code.octaves;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (v === 0) continue; // code 0: zero
      const position = (Math.log2(Math.abs(v)) - bottom) / step;
      if (position < -0.5 && signed) continue; // below the scale: zero
      const level = 1 + Math.min(levels - 1, Math.max(0, Math.round(position)));
      codes[i] = signed && v < 0 ? level | 0x80 : level;
    }
  }
  return { code, bytes };
}

/** The inverse of encodeLog8, to within the code's relative error. */
export function decodeLog8(bytes: Uint8Array, count: number, code: Log8Code): Float32Array {
  const levels = levelsOf(code);
  const step = code.octaves / (levels - 1);
  const blocks = Math.ceil(count / code.block);
  if (bytes.length !== log8Bytes(count, code.block)) throw new Error(`A log8 entry of ${count} values takes ${log8Bytes(count, code.block)} bytes, not ${bytes.length}: the file is damaged or cut short. Ship the checkpoint again (npm run pretrained -- --with-checkpoint).`);
  const tops = new DataView(bytes.buffer, bytes.byteOffset, blocks * 4);
  const codes = bytes.subarray(blocks * 4);
  const out = new Float32Array(count);
  for (let b = 0; b < blocks; b++) {
    const bottom = tops.getFloat32(b * 4, true) - code.octaves;
    const end = Math.min((b + 1) * code.block, count);
    for (let i = b * code.block; i < end; i++) {
      const c = codes[i];
      const level = code.signed ? c & 0x7f : c;
      if (level === 0) continue;
      const magnitude = 2 ** (bottom + (level - 1) * step);
      out[i] = code.signed && c & 0x80 ? -magnitude : magnitude;
    }
  }
  return out;
}
