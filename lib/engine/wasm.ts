/**
 * Everything the WebAssembly backend needs before it can train fast in Node: this project's
 * training kernels, and several threads. Kept in one module so nothing else touches wasm
 * internals (it depends on @tensorflow/tfjs-backend-wasm 4.22.0's files; re-check on upgrade).
 *
 * Why tfjs's own start-up gives one thread in Node, and what is done instead:
 * 1. tfjs decides Node has no multithread support and loads the single-threaded module. We
 *    load the threaded Emscripten module the package ships (wasm-out/) ourselves and hand it
 *    to the exported BackendWasm class, registered as 'wasm'.
 * 2. Its pthread workers would start from a `blob:` URL, which Node refuses: `locateFile`
 *    points them at wasm-worker.js, and `mainScriptUrlOrBlob` at the module's file.
 * 3. The native side caps threads at logical cores / 2: it reads the core count through the
 *    import `emscripten_num_logical_cores`, which we answer with 2 x the wanted threads.
 * 4. The workers would keep the process alive, and Emscripten's process handlers would turn
 *    any unhandled rejection (a failing notebook cell) into a dead kernel: workers are
 *    unref'd and those handlers removed.
 * 5. After the shared memory grows, the main thread can still see the old, shorter buffer
 *    through `Module.HEAPU8`, which tfjs reads for every tensor it reads or writes from
 *    JavaScript: a view of a tensor near the end failed ("Invalid typed array length"), and a
 *    read could come back short. HEAPU8 becomes a getter that renews the view when the
 *    memory's buffer changed, and the backend's typedArrayFromHeap and readSync first make
 *    sure the buffer covers the tensor (`memory.grow(0)` makes V8 refresh a stale buffer).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as wasmBackend from '@tensorflow/tfjs-backend-wasm';
import { registerTrainingKernels } from './kernels';

const PACKAGE = '@tensorflow/tfjs-backend-wasm';

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  wasmMemory: WebAssembly.Memory;
  HEAPU8: Uint8Array;
  PThread: { runningWorkers: Array<{ unref(): void }>; unusedWorkers: Array<{ unref(): void }> };
  tfjs?: unknown;
}

/** The most threads XNNPACK's pool in this build accepts. */
export const MAX_WASM_THREADS = 8;

async function loadThreadedModule(threads: number): Promise<EmscriptenModule> {
  const dir = path.dirname(require.resolve(`${PACKAGE}/package.json`));
  const script = path.join(dir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const binary = path.join(dir, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm');
  const events = ['uncaughtException', 'unhandledRejection'] as const;
  const listeners = (e: string) => process.listeners(e as 'uncaughtException') as unknown[];
  const before = events.map(listeners);
  let fail: (err: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the Emscripten factory is a path chosen at run time
  const factory = require(script) as (config: object) => Promise<EmscriptenModule>;
  const module = await Promise.race([failed, factory({
    mainScriptUrlOrBlob: script,
    locateFile: (file: string, prefix: string) =>
      file.endsWith('.worker.js') ? path.join(__dirname, 'wasm-worker.js') : file.endsWith('.wasm') ? binary : prefix + file,
    instantiateWasm(imports: { env: Record<string, unknown> }, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      WebAssembly.instantiate(fs.readFileSync(binary), imports as WebAssembly.Imports)
        .then((r) => receive(r.instance, r.module), (err) => fail(err));
      return {};
    },
    onAbort: (what: unknown) => fail(new Error(`wasm module aborted: ${String(what)}`)),
  })]);
  events.forEach((e, i) => {
    for (const listener of listeners(e)) {
      if (!before[i].includes(listener)) process.removeListener(e, listener as () => void);
    }
  });
  keepHeapViewCurrent(module);
  // The same bridge tfjs builds in its own init().
  const c = (name: string, ret: string | null, args: string[]) => module.cwrap(name, ret, args);
  module.tfjs = {
    init: c('init', null, []),
    initWithThreadsCount: c('init_with_threads_count', null, ['number']),
    getThreadsCount: c('get_threads_count', 'number', []),
    dispose: c('dispose', null, []),
    registerTensor: c('register_tensor', null, ['number', 'number', 'number']),
    disposeData: c('dispose_data', null, ['number']),
  };
  return module;
}

/** Makes `module.HEAPU8` always span the whole (possibly grown) shared memory. */
function keepHeapViewCurrent(module: EmscriptenModule): void {
  let view = module.HEAPU8;
  Object.defineProperty(module, 'HEAPU8', {
    configurable: true,
    get() {
      const buffer = module.wasmMemory.buffer;
      if (view.buffer !== buffer) view = new Uint8Array(buffer);
      return view;
    },
    set(v: Uint8Array) {
      view = v;
    },
  });
}

interface HeapReader {
  dataIdMap: { get(dataId: object): { memoryOffset: number | null; shape: number[]; dtype: string } | undefined };
  typedArrayFromHeap(info: { dataId: object; shape: number[]; dtype: string }): unknown;
  readSync(dataId: object, start?: number, end?: number): unknown;
}

/** Before tfjs reads a tensor from JavaScript, make sure the heap view covers it. */
function guardHeapReads(backend: HeapReader, module: EmscriptenModule): void {
  const cover = (dataId: object) => {
    const data = backend.dataIdMap.get(dataId);
    if (!data || data.memoryOffset === null) return;
    const bytesPer = data.dtype === 'bool' ? 1 : 4;
    const end = data.memoryOffset + bytesPer * data.shape.reduce((a, b) => a * b, 1);
    if (module.HEAPU8.byteLength < end) module.wasmMemory.grow(0);
  };
  const typedArrayFromHeap = backend.typedArrayFromHeap.bind(backend);
  const readSync = backend.readSync.bind(backend);
  backend.typedArrayFromHeap = (info) => {
    cover(info.dataId);
    return typedArrayFromHeap(info);
  };
  backend.readSync = (dataId, start, end) => {
    cover(dataId);
    return readSync(dataId, start, end);
  };
}

/**
 * Loads the wasm backend with `threads` threads (default: TF_NUM_INTRAOP_THREADS, the cap the class
 * hub sets for each student, else every core), registers the training
 * kernels, and returns the thread count in use. Call before creating tensors: replacing the
 * backend drops what it held.
 */
export async function prepareWasm(threads?: number): Promise<number> {
  registerTrainingKernels();
  const wanted = Math.max(1, Math.min(MAX_WASM_THREADS, Math.floor(threads ?? (Number(process.env.TF_NUM_INTRAOP_THREADS) || os.cpus().length))));
  if (wanted === 1) return 1; // tfjs's own single-threaded start-up is fine
  const module = await loadThreadedModule(wanted);
  wasmBackend.setThreadsCount(wanted); // read by BackendWasm's constructor
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  tf.registerBackend('wasm', () => new wasmBackend.BackendWasm(module as never), 2);
  if (!(await tf.setBackend('wasm'))) throw new Error('the threaded wasm backend failed to initialise');
  guardHeapReads(tf.backend() as unknown as HeapReader, module);
  for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
  return wasmBackend.getThreadsCount();
}
