/**
 * Conv2DBackpropFilter for wasm: the gradient of a convolution with respect to its filter,
 *
 *   dW[i, j, ci, co] = sum over n, y, x of  xPadded[n, y*s + i, x*s + j, ci] * dy[n, y, x, co],
 *
 * computed as one ordinary (fast, XNNPACK) convolution by swapping the roles of axes: the
 * input becomes a batch of Ci images with N channels ([Ci, H, W, N]), the output gradient
 * becomes a filter of size Ho x Wo from N to Co channels ([Ho, Wo, N, Co]) applied with
 * dilation equal to the forward stride. The result [Ci, fh, fw, Co] is transposed to
 * [fh, fw, Ci, Co]. (docs/wasm-kernels.md: about 20 GFLOP/s, versus no kernel at all before.)
 */
import * as tf from '@tensorflow/tfjs';
import { WasmOps, KernelArgs } from './wasm-ops';
import { ConvGradAttrs, beginConvGradient } from './conv-geometry';
import { singleOutputFilterGrad } from './single-output-conv';

interface Attrs extends ConvGradAttrs {
  filterShape: [number, number, number, number];
}

export function conv2DBackpropFilterWasm(args: KernelArgs): tf.TensorInfo {
  const x = args.inputs.x;
  const { attrs, info, dy, ops } = beginConvGradient<Attrs>('Conv2DBackpropFilter', args, (a) => ({ x: x.shape as [number, number, number, number], filter: a.filterShape }), 'the forward convolution');
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  const [n, h, w, ci] = x.shape;
  const co = attrs.filterShape[3];
  // Rows of the padded input that the forward pass read: (oh-1)*sh + fh, starting at -top.
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const bottom = (oh - 1) * sh + fh - top - h;
  const right = (ow - 1) * sw + fw - left - w;
  if (h + bottom <= 0 || w + right <= 0) {
    // The forward pass read only padding (possible with tfjs's numeric-pad rounding): no gradient.
    return ops.finish(ops.zeros(attrs.filterShape));
  }
  if (co === 1) return ops.finish(singleOutputFilterGrad(ops, x, dy, info));
  let xs = x;
  if (bottom < 0 || right < 0) {
    // The forward pass never read the last rows/columns: drop them.
    xs = ops.slice(x, [0, 0, 0, 0], [n, h + Math.min(0, bottom), w + Math.min(0, right), ci]);
  }
  const xT = moveBatchToLast(ops, xs); // [Ci, H, W, N]
  const dyT = ops.transpose(dy, [1, 2, 0, 3]); // [Ho, Wo, N, Co]
  const pad: [number, number][] = [[0, 0], [top, Math.max(0, bottom)], [left, Math.max(0, right)], [0, 0]];
  const grad = ops.conv2d(xT, dyT, pad, [sh, sw]); // [Ci, fh, fw, Co]
  const result = ops.transpose(grad, [1, 2, 0, 3]);
  return ops.finish(result);
}

/**
 * [N, H, W, C] -> [C, H, W, N]. One transpose with this permutation walks memory in
 * power-of-two strides that thrash the cache (180 ms for [256,28,28,128]); splitting N into
 * n1 x n2 blocks (n2 <= 32) and moving the axes in three short transposes takes 41 ms and
 * gives the same bytes.
 */
export function moveBatchToLast(ops: WasmOps, x: tf.TensorInfo): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const p = h * w;
  let n2 = 1;
  for (let d = Math.min(32, n); d >= 2; d--) {
    if (n % d === 0) {
      n2 = d;
      break;
    }
  }
  if (n2 < 8) return ops.transpose(x, [3, 1, 2, 0]);
  let t = ops.transpose(ops.reshape(x, [n / n2, n2, p * c]), [0, 2, 1]); // [n1, P*C, n2]
  t = ops.transpose(t, [1, 0, 2]); // [P*C, n1, n2] = [P, C, N]
  t = ops.transpose(ops.reshape(t, [p, c, n]), [1, 0, 2]); // [C, P, N]
  return ops.reshape(t, [c, h, w, n]);
}
