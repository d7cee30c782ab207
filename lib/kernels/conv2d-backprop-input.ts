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
          // A transpose of the tap's [Ci, Co] block into rows of the output, in tiles so that
          // both sides stay in cache (element by element it was 90 ms for S4's 4x4x512x1024).
          const src0 = (i * fw + j) * ci * co;
          const dst0 = (t * jw + u) * co * outC + phase * ci;
          for (let c0 = 0; c0 < ci; c0 += TILE) {
            const c1 = Math.min(ci, c0 + TILE);
            for (let o0 = 0; o0 < co; o0 += TILE) {
              const o1 = Math.min(co, o0 + TILE);
              for (let o = o0; o < o1; o++) {
                const dstRow = dst0 + o * outC;
                for (let c = c0; c < c1; c++) values[dstRow + c] = w[src0 + c * co + o];
              }
            }
          }
        }
      }
    }
  }
  return { values, jh, jw };
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
