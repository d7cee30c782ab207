/**
 * The training kernels this project adds to TensorFlow.js's wasm backend. Registered once,
 * by `initBackend` (through `prepareWasm`), before any model is built.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter';
import { conv2DBackpropInputWasm } from './conv2d-backprop-input';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum';

export { phaseFilter } from './conv2d-backprop-input';

const KERNELS: Array<[string, tf.KernelFunc]> = [
  ['Conv2DBackpropFilter', conv2DBackpropFilterWasm as unknown as tf.KernelFunc],
  ['Conv2DBackpropInput', conv2DBackpropInputWasm as unknown as tf.KernelFunc],
  ['UnsortedSegmentSum', unsortedSegmentSumWasm as unknown as tf.KernelFunc],
];

/** Names of the kernels registered (or replaced) for the wasm backend. */
export const TRAINING_KERNEL_NAMES = KERNELS.map(([name]) => name);

/** Registers our kernels for 'wasm', replacing the stock ones of the same name. Idempotent. */
export function registerTrainingKernels(): void {
  for (const [kernelName, kernelFunc] of KERNELS) {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing && existing.kernelFunc === kernelFunc) continue;
    if (existing) tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  }
}
