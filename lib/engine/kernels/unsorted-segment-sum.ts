/**
 * UnsortedSegmentSum for wasm: out[k, ...] = sum of x[i, ...] over i with segmentIds[i] == k.
 * It is the gradient of Gather, so Embedding layers need it to train. The sums run in
 * JavaScript over wasm memory: the tensors involved (label embeddings) are small.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmBackendLike, KernelArgs } from './wasm-ops';

export function unsortedSegmentSumWasm(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, segmentIds } = args.inputs;
  const { numSegments } = args.attrs as { numSegments: number };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum (gan-lab wasm kernel): dtype ${x.dtype} is not supported; use float32 or int32.`);
  const idShape = segmentIds.shape;
  for (let i = 0; i < idShape.length; i++) {
    if (idShape[i] !== x.shape[i]) throw new Error(`UnsortedSegmentSum: segmentIds shape [${idShape}] must be a prefix of x shape [${x.shape}].`);
  }
  const rows = idShape.reduce((a, b) => a * b, 1);
  const rowShape = x.shape.slice(idShape.length);
  const rowSize = rowShape.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...rowShape], x.dtype);
  const outValues = backend.typedArrayFromHeap(out);
  outValues.fill(0);
  const xValues = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let r = 0; r < rows; r++) {
    const k = ids[r];
    // Like TensorFlow, ids outside [0, numSegments) are dropped.
    if (k < 0 || k >= numSegments) continue;
    const src = r * rowSize;
    const dst = k * rowSize;
    for (let j = 0; j < rowSize; j++) outValues[dst + j] += xValues[src + j];
  }
  return out;
}
