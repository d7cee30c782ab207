/**
 * Conv2DBackpropInput for wasm (the gradient of a convolution with respect to its input, and
 * the forward pass of conv2dTranspose), written as ONE stride-1 convolution plus a reshuffle.
 *
 * For stride s, each output row ih belongs to a phase r = (ih + padTop) mod s, and only the
 * filter taps i = r, r+s, r+2s, ... reach it:  dx[m*s + r - padTop] = sum_j dy[m - j] W[r + j*s].
 * That is an ordinary correlation of dy with a small reversed sub-filter per phase. All
 * s_h * s_w phases are computed together as the output channels of one convolution
 * (sub-filters zero-padded to a common size J = ceil(fh / s)), then interleaved with
 * reshape + transpose. No multiplications by inserted zeros, unlike the stock kernel
 * (docs/wasm-kernels.md: 10x faster on the S0 generator).
 */
import * as tf from '@tensorflow/tfjs';
import { WasmOps, KernelArgs } from './wasm-ops';
import { ConvGradAttrs, beginConvGradient } from './conv-geometry';

interface Attrs extends ConvGradAttrs {
  inputShape: [number, number, number, number];
}

const TILE = 32;

/**
 * Copies one filter tap's [Ci, Co] block, starting at `src0` in `w`, transposed into Co rows
 * of `into` that start at `dst0` and are `rowStride` apart. In tiles so that both sides stay in
 * cache (element by element it was 90 ms for S4's 4x4x512x1024 filter).
 */
function transposeTap(w: Float32Array, src0: number, ci: number, co: number, into: Float32Array, dst0: number, rowStride: number): void {
  for (let c0 = 0; c0 < ci; c0 += TILE) {
    const c1 = Math.min(ci, c0 + TILE);
    for (let o0 = 0; o0 < co; o0 += TILE) {
      const o1 = Math.min(co, o0 + TILE);
      for (let o = o0; o < o1; o++) {
        const dstRow = dst0 + o * rowStride;
        for (let c = c0; c < c1; c++) into[dstRow + c] = w[src0 + c * co + o];
      }
    }
  }
}

/**
 * Rearranges a filter [fh, fw, Ci, Co] into the phase filter [Jh, Jw, Co, sh*sw*Ci]:
 * phase (ry, rx), tap (t, u) holds W[ry + (Jh-1-t)*sh, rx + (Jw-1-u)*sw] (zero past the edge).
 */
export function phaseFilter(w: Float32Array, fh: number, fw: number, ci: number, co: number, sh: number, sw: number, into?: Float32Array): { values: Float32Array; jh: number; jw: number } {
  const jh = Math.ceil(fh / sh);
  const jw = Math.ceil(fw / sw);
  const outC = sh * sw * ci;
  const values = into ?? new Float32Array(jh * jw * co * outC);
  // Taps past the filter's edge stay zero; when the stride divides the filter there are none.
  if (into && (fh % sh !== 0 || fw % sw !== 0)) values.fill(0);
  for (let t = 0; t < jh; t++) {
    for (let u = 0; u < jw; u++) {
      for (let ry = 0; ry < sh; ry++) {
        const i = ry + (jh - 1 - t) * sh;
        if (i >= fh) continue;
        for (let rx = 0; rx < sw; rx++) {
          const j = rx + (jw - 1 - u) * sw;
          if (j >= fw) continue;
          const phase = ry * sw + rx;
          transposeTap(w, (i * fw + j) * ci * co, ci, co, values, (t * jw + u) * co * outC + phase * ci, outC);
        }
      }
    }
  }
  return { values, jh, jw };
}

/**
 * When a strided gradient is computed phase by phase (below) rather than as one convolution:
 * from this many input channels on. One convolution computes every phase over the same
 * block grid, and with an odd padding or a stride that does not divide the filter most
 * phases pay for blocks and taps they do not need (S2's 2x2 -> 4x4 layer: 2.25x the useful
 * work); phase by phase there is no waste, but each convolution has only Ci output channels,
 * which XNNPACK pads to a multiple of 8, so few channels stay on the one-convolution path.
 * Tests lower it to exercise the per-phase path on small shapes.
 */
export const backpropInputTuning = { perPhaseMinChannels: 16 };

/** The outputs of one phase along one axis: first index y0, count, taps and dy's window. */
interface PhaseAxis {
  y0: number;
  count: number;
  taps: number;
  /** dy rows lo..hi feed this phase (may reach outside 0..dySize-1: zero padding). */
  lo: number;
  hi: number;
}

/**
 * Along one axis: the outputs y with (y + padBefore) mod s = rho are y0, y0 + s, ...; output
 * y0 + k*s reads dy[b0 + k - t] * W[rho + t*s] for t = 0..taps-1, so a correlation of dy's rows
 * b0 - taps + 1 ... b0 + count - 1 with the reversed taps.
 */
export function phaseAxis(rho: number, inSize: number, filterSize: number, s: number, padBefore: number): PhaseAxis {
  const y0 = (((rho - padBefore) % s) + s) % s;
  const count = y0 < inSize ? Math.ceil((inSize - y0) / s) : 0;
  const taps = rho < filterSize ? Math.ceil((filterSize - rho) / s) : 0;
  const b0 = Math.floor((y0 + padBefore) / s);
  return { y0, count, taps, lo: b0 - taps + 1, hi: b0 + count - 1 };
}

/**
 * One phase's reversed sub-filter as a convolution filter from dy's Co channels to Ci:
 * [th, tw, Co, Ci] with tap (u, v) = W[ry + (th-1-u)*sh, rx + (tw-1-v)*sw] transposed.
 */
function phaseSubFilter(w: Float32Array, into: Float32Array, fw: number, ci: number, co: number, ry: number, rx: number, th: number, tw: number, sh: number, sw: number): void {
  for (let u = 0; u < th; u++) {
    for (let v = 0; v < tw; v++) {
      transposeTap(w, ((ry + (th - 1 - u) * sh) * fw + (rx + (tw - 1 - v) * sw)) * ci * co, ci, co, into, (u * tw + v) * co * ci, ci);
    }
  }
}

/**
 * The strided input gradient as sh*sw exact convolutions, one per output phase, each over
 * only the dy window it reads, written into their places of dx.
 */
function perPhaseBackpropInput(ops: WasmOps, dy: tf.TensorInfo, filter: tf.TensorInfo, shape: [number, number, number, number], info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const [n, ih, iw, ci] = shape;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const results: Array<{ ay: PhaseAxis; ax: PhaseAxis; out: tf.TensorInfo | null }> = [];
  for (let ry = 0; ry < sh; ry++) {
    const ay = phaseAxis(ry, ih, fh, sh, info.padInfo.top);
    for (let rx = 0; rx < sw; rx++) {
      const ax = phaseAxis(rx, iw, fw, sw, info.padInfo.left);
      if (ay.count === 0 || ax.count === 0) continue;
      // No tap, or a window entirely outside dy: these outputs get no gradient.
      const empty = ay.taps === 0 || ax.taps === 0 || ay.hi < 0 || ay.lo > oh - 1 || ax.hi < 0 || ax.lo > ow - 1;
      if (empty) {
        results.push({ ay, ax, out: null });
        continue;
      }
      const sub = ops.alloc([ay.taps, ax.taps, co, ci]);
      phaseSubFilter(ops.view(filter), ops.view(sub), fw, ci, co, ry, rx, ay.taps, ax.taps, sh, sw);
      const y0 = Math.max(0, ay.lo);
      const x0 = Math.max(0, ax.lo);
      const y1 = Math.min(oh - 1, ay.hi);
      const x1 = Math.min(ow - 1, ax.hi);
      const window = y0 === 0 && x0 === 0 && y1 === oh - 1 && x1 === ow - 1 ? dy : ops.slice(dy, [0, y0, x0, 0], [n, y1 - y0 + 1, x1 - x0 + 1, co]);
      const pad: [number, number][] = [[0, 0], [y0 - ay.lo, ay.hi - y1], [x0 - ax.lo, ax.hi - x1], [0, 0]];
      results.push({ ay, ax, out: ops.conv2d(window, sub, pad) }); // [N, count_y, count_x, Ci]
    }
  }
  const dx = ops.backend.makeOutput(shape, 'float32');
  const dst = ops.view(dx);
  for (const { ay, ax, out } of results) {
    // Phases with no tap or no dy in reach get zeros; the others their convolution's rows.
    const src = out ? ops.view(out) : null;
    let s0 = 0;
    for (let b = 0; b < n; b++) {
      for (let k = 0; k < ay.count; k++) {
        const rowBase = (b * ih + ay.y0 + k * sh) * iw;
        for (let l = 0; l < ax.count; l++, s0 += ci) {
          const d0 = (rowBase + ax.y0 + l * sw) * ci;
          if (src) dst.set(src.subarray(s0, s0 + ci), d0);
          else dst.fill(0, d0, d0 + ci);
        }
      }
    }
  }
  return dx;
}

/** Padding [before, after] of dy along one axis, and the first phase block index m0. */
function axisPlan(inSize: number, outSize: number, padBefore: number, s: number, taps: number) {
  const mLo = Math.floor(padBefore / s);
  const mHi = Math.floor((inSize - 1 + padBefore) / s);
  return { mLo, count: mHi - mLo + 1, before: taps - 1 - mLo, after: mHi + 1 - outSize, offset: padBefore - mLo * s };
}

export function conv2DBackpropInputWasm(args: KernelArgs): tf.TensorInfo {
  const filter = args.inputs.filter;
  const { attrs, info, dy, ops } = beginConvGradient<Attrs>('Conv2DBackpropInput', args, (a) => ({ x: a.inputShape, filter: filter.shape as [number, number, number, number] }), `input shape [${(args.attrs as Attrs).inputShape}] with this filter and padding`);
  const [n, ih, iw, ci] = attrs.inputShape;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow, outChannels: co } = info;
  if ((sh > 1 || sw > 1) && ci >= backpropInputTuning.perPhaseMinChannels) {
    return ops.finish(perPhaseBackpropInput(ops, dy, filter, attrs.inputShape, info));
  }
  const [jh, jw] = [Math.ceil(fh / sh), Math.ceil(fw / sw)];
  // Written straight into wasm memory (allocated first: a view lasts until the next allocation).
  const wPhase = ops.alloc([jh, jw, co, sh * sw * ci]);
  phaseFilter(ops.view(filter), fh, fw, ci, co, sh, sw, ops.view(wPhase));
  const py = axisPlan(ih, oh, info.padInfo.top, sh, jh);
  const px = axisPlan(iw, ow, info.padInfo.left, sw, jw);
  // Negative padding means rows of dy that no output reads: slice them away first.
  let dys = dy;
  if (py.before < 0 || py.after < 0 || px.before < 0 || px.after < 0) {
    const y0 = Math.max(0, -py.before);
    const x0 = Math.max(0, -px.before);
    const rows = oh - y0 + Math.min(0, py.after);
    const cols = ow - x0 + Math.min(0, px.after);
    // No output reads any of dy (possible with tfjs's numeric-pad rounding): the gradient is zero.
    if (rows <= 0 || cols <= 0) return ops.finish(ops.zeros(attrs.inputShape));
    dys = ops.slice(dy, [0, y0, x0, 0], [n, rows, cols, co]);
  }
  const pad: [number, number][] = [[0, 0], [Math.max(0, py.before), Math.max(0, py.after)], [Math.max(0, px.before), Math.max(0, px.after)], [0, 0]];
  const phases = ops.conv2d(dys, wPhase, pad); // [N, My, Mx, sh*sw*Ci]
  if (sh === 1 && sw === 1 && py.offset === 0 && px.offset === 0 && py.count === ih && px.count === iw) return ops.finish(phases);
  return ops.finish(interleavePhases(ops, phases, attrs.inputShape, sh, sw, py.offset, px.offset));
}

/**
 * dx[n, y, x, c] = phases[n, (y+oy)/sh, (x+ox)/sw, ((y+oy)%sh, (x+ox)%sw, c)]: interleaves the
 * phase channels into space and crops to the input size in one pass (a wasm transpose plus a
 * slice took three times as long).
 */
function interleavePhases(ops: WasmOps, phases: tf.TensorInfo, shape: [number, number, number, number], sh: number, sw: number, oy: number, ox: number): tf.TensorInfo {
  const [n, ih, iw, ci] = shape;
  const [, my, mx, pc] = phases.shape;
  const out = ops.backend.makeOutput(shape, 'float32');
  const src = ops.view(phases);
  const dst = ops.view(out);
  let d = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < ih; y++) {
      const qy = y + oy;
      const rowBase = ((b * my + Math.floor(qy / sh)) * mx) * pc + (qy % sh) * sw * ci;
      for (let x = 0; x < iw; x++) {
        const qx = x + ox;
        const s0 = rowBase + Math.floor(qx / sw) * pc + (qx % sw) * ci;
        for (let c = 0; c < ci; c++) dst[d++] = src[s0 + c];
      }
    }
  }
  return out;
}
