/**
 * lib/engine/wasm.ts in the browser kernel: TensorFlow.js's own wasm backend, loaded from the
 * site (no Node loader), with this project's training kernels registered as in Node. One
 * thread: several need a cross-origin-isolated page, which a static host cannot promise.
 */
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from '../../../lib/engine/kernels';

/** Where the kernel says the .wasm files are served (default: the site's copy of the package's dist/). */
export const WASM_PATH_GLOBAL = '__ganLabWasmPath';

export async function prepareWasm(): Promise<number> {
  registerTrainingKernels();
  const base = ((globalThis as Record<string, unknown>)[WASM_PATH_GLOBAL] as string | undefined) ?? '/node_modules/@tensorflow/tfjs-backend-wasm/dist/';
  wasmBackend.setWasmPaths(base);
  return 1;
}
