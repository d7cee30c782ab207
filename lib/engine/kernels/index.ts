/**
 * The training kernels this project adds to TensorFlow.js's wasm backend. Registered once,
 * by `initBackend` (through `prepareWasm`), before any model is built.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter';
import { conv2DBackpropInputWasm } from './conv2d-backprop-input';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum';
import { singleOutputConv } from './single-output-conv';
import { sumAsMatMul, meanAsMatMul, matMulWithoutTransposes } from './reductions';
import { leakyReluViaPrelu, registerLeakyReluGradient } from './leaky-relu';
import { registerBatchNormGradient } from './batch-norm-grad';
import { identityWithoutCopy } from './identity';
import { installFusedAdam } from './adam';

export { phaseFilter } from './conv2d-backprop-input';

/** Kernels that replace a stock one entirely. */
const KERNELS: Array<[string, tf.KernelFunc]> = [
  ['Conv2DBackpropFilter', conv2DBackpropFilterWasm as unknown as tf.KernelFunc],
  ['Conv2DBackpropInput', conv2DBackpropInputWasm as unknown as tf.KernelFunc],
  ['UnsortedSegmentSum', unsortedSegmentSumWasm as unknown as tf.KernelFunc],
];

/** Kernels that take over some cases of a stock one and hand it the rest. */
const WRAPPED: Array<[string, (stock: tf.KernelFunc) => tf.KernelFunc]> = [
  ['Conv2D', singleOutputConv],
  ['FusedConv2D', singleOutputConv],
  ['Sum', sumAsMatMul],
  ['Mean', meanAsMatMul],
  ['BatchMatMul', matMulWithoutTransposes],
  ['LeakyRelu', leakyReluViaPrelu],
  ['Identity', identityWithoutCopy],
];

const wrappedFuncs = new Set<tf.KernelFunc>();

/** Registers our kernels for 'wasm', replacing the stock ones of the same name. Idempotent. */
export function registerTrainingKernels(): void {
  installFusedAdam();
  registerLeakyReluGradient();
  registerBatchNormGradient();
  for (const [kernelName, kernelFunc] of KERNELS) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing && existing.kernelFunc === kernelFunc) continue;
    if (existing) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
  for (const [kernelName, wrap] of WRAPPED) {
    const stock = tf.getKernel(kernelName, 'wasm');
    if (!stock) throw new Error(`The wasm backend has no ${kernelName} kernel to extend: is @tensorflow/tfjs-backend-wasm loaded?`);
    if (wrappedFuncs.has(stock.kernelFunc)) continue;
    const kernelFunc = wrap(stock.kernelFunc);
    wrappedFuncs.add(kernelFunc);
    tf.unregisterKernel(kernelName, 'wasm');
    // The stock set-up (binding its wasm function) must still run when the backend starts.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: stock.setupFunc });
  }
}
