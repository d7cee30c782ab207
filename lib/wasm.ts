/**
 * Everything the WebAssembly backend needs before it can train: the backend module itself and
 * this project's training kernels. Kept in one module so the rest of the library never
 * touches wasm internals.
 */
import '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from './kernels';

/** Loads the wasm backend and registers the training kernels; returns the thread count. */
export async function prepareWasm(threads?: number): Promise<number> {
  registerTrainingKernels();
  return threads && threads > 0 ? Math.min(threads, 1) : 1;
}
