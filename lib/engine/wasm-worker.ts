/**
 * The script each wasm pthread worker runs (see wasm.ts). tfjs hands Emscripten a `blob:`
 * URL for it, which Node's worker_threads refuse; this file stands in for that URL and runs
 * the worker code that the package ships.
 */
const WORKER = '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a file of the wasm package without types or exports map entry
const source: string = require(WORKER).wasmWorkerContents;
// The shipped string holds literal newlines inside string literals; tfjs re-escapes them the same way.
new Function('require', '__filename', source.replace(/\n/g, '\\n'))(require, __filename);
