/**
 * Convolutions with ONE output channel (the output layer of the S0 and S1 generators) waste
 * most of XNNPACK's work: it pads channels to a multiple of 8. Here they become one matrix
 * product over the input channels plus a cheap shift-and-add over the filter taps:
 *
 *   forward:  P[n,u,v,(i,j)] = sum_c x[n,u,v,c] W[i,j,c];   out[n,y,x] = sum_(i,j) P[n, y*s+i-top, x*s+j-left, (i,j)]
 *   filter gradient:  Dt[(i,j),(n,u,v)] = dy[n,y,x] where u = y*s+i-top, v = x*s+j-left;   dW = Dt X
 *
 * Cases outside this one (several output channels, dilation, prelu) go to the stock kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmOps, WasmBackendLike, KernelArgs } from './wasm-ops';

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dataFormat?: string;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
}

type Activation = (v: number) => number;

function activationFunction(name: string | undefined, alpha = 0.2): Activation | undefined {
  switch (name ?? 'linear') {
    case 'linear': return (v) => v;
    case 'relu': return (v) => (v > 0 ? v : 0);
    case 'relu6': return (v) => Math.min(6, Math.max(0, v));
    case 'leakyrelu': return (v) => (v > 0 ? v : alpha * v);
    case 'sigmoid': return (v) => 1 / (1 + Math.exp(-v));
    case 'elu': return (v) => (v > 0 ? v : Math.expm1(v));
    default: return undefined;
  }
}

/**
 * The in-bounds taps of every output position of a convolution, as compressed rows: output
 * position p = y * outWidth + x owns entries start[p] .. start[p + 1] - 1, each a filter tap
 * (i * fw + j) and the input position it reads ((y*s + i - top) * w + (x*s + j - left)).
 * The same for every image of the batch, so the hot loops below skip no bounds checks.
 */
export function windowTaps(info: tf.backend_util.Conv2DInfo, h: number, w: number): { start: Int32Array; tap: Int32Array; pos: Int32Array } {
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const { top, left } = info.padInfo;
  const start = new Int32Array(oh * ow + 1);
  const tap: number[] = [];
  const pos: number[] = [];
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      for (let i = 0; i < fh; i++) {
        const u = y * sh + i - top;
        if (u < 0 || u >= h) continue;
        for (let j = 0; j < fw; j++) {
          const v = x * sw + j - left;
          if (v < 0 || v >= w) continue;
          tap.push(i * fw + j);
          pos.push(u * w + v);
        }
      }
      start[y * ow + x + 1] = tap.length;
    }
  }
  return { start, tap: Int32Array.from(tap), pos: Int32Array.from(pos) };
}

/**
 * Visits every output of a one-channel convolution over a batch of n images in order: its flat
 * index o, the offset of its image's first input position, and the range t0..t1-1 of its taps
 * in `windowTaps`' arrays (`start` is theirs).
 */
function forEachOutput(start: Int32Array, n: number, imageSize: number, visit: (o: number, image: number, t0: number, t1: number) => void): void {
  const positions = start.length - 1;
  for (let b0 = 0, o = 0; b0 < n; b0++) {
    for (let p0 = 0; p0 < positions; p0++, o++) visit(o, b0 * imageSize, start[p0], start[p0 + 1]);
  }
}

function isDilated(d: ConvAttrs['dilations']): boolean {
  return d !== undefined && (Array.isArray(d) ? d.some((v) => v !== 1) : d !== 1);
}

/** Wraps the stock Conv2D or FusedConv2D kernel with the single-output-channel path. */
export function singleOutputConv(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const attrs = args.attrs as ConvAttrs;
    const { x, filter, bias, preluActivationWeights } = args.inputs;
    const act = activationFunction(attrs.activation, attrs.leakyreluAlpha);
    if (filter.shape[3] !== 1 || isDilated(attrs.dilations) || (attrs.dataFormat && attrs.dataFormat !== 'NHWC') || !act || preluActivationWeights || x.dtype !== 'float32') {
      return stock(args as never);
    }
    const ops = new WasmOps(args.backend as WasmBackendLike);
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
    const [n, h, w, ci] = x.shape;
    const { filterHeight: fh, filterWidth: fw, outHeight: oh, outWidth: ow } = info;
    const k = fh * fw;
    const xr = ops.reshape(x, [1, n * h * w, ci]);
    // The stock BatchMatMul is several times slower with a transposed operand: transpose the small filter instead.
    const wt = ops.transpose(ops.reshape(filter, [k, ci]), [1, 0]);
    const p = ops.run('BatchMatMul', { a: xr, b: ops.reshape(wt, [1, ci, k]) }, { transposeA: false, transposeB: false }); // [1, NHW, K]
    const out = ops.backend.makeOutput([n, oh, ow, 1], 'float32');
    const pv = ops.view(p);
    const ov = ops.view(out);
    const b = bias ? ops.view(bias)[0] : 0;
    const { start, tap, pos } = windowTaps(info, h, w);
    forEachOutput(start, n, h * w, (o, image, t0, t1) => {
      let sum = 0;
      for (let t = t0; t < t1; t++) sum += pv[(image + pos[t]) * k + tap[t]];
      ov[o] = act(sum + b);
    });
    return ops.finish(out);
  }) as unknown as tf.KernelFunc;
}

/** The filter gradient of a one-output-channel convolution as D^T X (see the file comment). */
export function singleOutputFilterGrad(ops: WasmOps, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const [n, h, w, ci] = x.shape;
  const { filterHeight: fh, filterWidth: fw } = info;
  const k = fh * fw;
  const rows = n * h * w;
  const d = ops.zeros([1, k, rows]);
  const dv = ops.view(d);
  const dyv = ops.view(dy);
  const { start, tap, pos } = windowTaps(info, h, w);
  forEachOutput(start, n, h * w, (o, image, t0, t1) => {
    const g = dyv[o];
    for (let t = t0; t < t1; t++) dv[tap[t] * rows + image + pos[t]] = g;
  });
  const xr = ops.reshape(x, [1, rows, ci]);
  const grad = ops.run('BatchMatMul', { a: d, b: xr }, { transposeA: false, transposeB: false }); // [1, K, Ci]
  return ops.reshape(grad, [fh, fw, ci, 1]);
}
