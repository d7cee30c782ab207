/**
 * Choosing the TensorFlow.js backend that trains fastest on this machine.
 *
 * Order of preference in Node: the native TensorFlow binding (`tfjs-node`, installed as the
 * optional dependency alias `tfjs-node-native`) when it loads; else WebAssembly with this
 * project's training kernels; else the pure-JavaScript `cpu` backend (correct but very slow).
 * In a browser (the JupyterLite kernel): the GPU through WebGPU where the browser has it (and the
 * kernel registered tfjs's WebGPU backend); else through WebGL when it renders float32; else
 * WebAssembly; else cpu. `GAN_BACKEND=native|webgpu|webgl|wasm|cpu` overrides the choice.
 */
import * as tf from '@tensorflow/tfjs';
import { installLeanBackprop } from './tape';
import { registerNativeDenseBincount } from './kernels/native-dense-bincount';
import * as os from 'os';

export type BackendName = 'native' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** Our name for the backend. */
  name: BackendName;
  /** The name TensorFlow.js uses (`tensorflow`, `wasm`, `cpu`). */
  tfName: string;
  /** Worker threads doing the math (1 for cpu; 0 for webgpu and webgl: the GPU does it). */
  threads: number;
  /** One sentence: why this backend was chosen. */
  reason: string;
  /** The same in a few words, for a lesson's one-line set-up report. */
  brief: string;
}

const TF_NAME: Record<BackendName, string> = { native: 'tensorflow', webgpu: 'webgpu', webgl: 'webgl', wasm: 'wasm', cpu: 'cpu' };

/** The environment variable that overrides the automatic choice. */
export const BACKEND_ENV = 'GAN_BACKEND';

let current: BackendInfo | undefined;

/** Parses a backend name as a user would type it; throws with the accepted names otherwise. */
export function parseBackendName(value: string): BackendName {
  const v = value.trim().toLowerCase();
  if (v === 'native' || v === 'tensorflow' || v === 'node' || v === 'tfjs-node') return 'native';
  if (v === 'webgl' || v === 'gpu') return 'webgl';
  if (v === 'webgpu' || v === 'wasm' || v === 'cpu') return v;
  throw new Error(`Unknown backend "${value}": use one of native, webgpu, webgl, wasm, cpu (for example ${BACKEND_ENV}=wasm).`);
}

/**
 * Loads the native binding if it is installed and returns why it cannot be used, or undefined
 * when it loaded. A message, not an exception, because its absence is normal (it cannot
 * install without internet access).
 */
export function nativeBindingProblem(): string | undefined {
  if (tf.findBackend('tensorflow')) return undefined;
  // TensorFlow's C library prints oneDNN / CPU-feature notices on load unless told not to.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  try {
    // The alias keeps danfojs-node's own requirement of @tensorflow/tfjs-node from making it mandatory.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: loaded only when present, and only for the native backend
    require('tfjs-node-native');
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    return `tfjs-node-native is not installed or did not load (${msg})`;
  }
  return tf.findBackend('tensorflow') ? undefined : 'tfjs-node-native loaded but registered no "tensorflow" backend';
}

/** True in a browser page or worker (the JupyterLite kernel), where WebGPU or WebGL may reach the GPU. */
function inBrowser(): boolean {
  return tf.env().getBool('IS_BROWSER');
}

async function activate(name: BackendName, threads?: number): Promise<number> {
  installLeanBackprop();
  if (name === 'webgpu') {
    if (!inBrowser()) throw new Error('webgpu runs only in a browser (the lessons in JupyterLite); here choose native or wasm.');
    if (!tf.findBackendFactory('webgpu')) throw new Error('this kernel was built without tfjs\'s WebGPU backend');
    if (!(globalThis.navigator as { gpu?: unknown } | undefined)?.gpu) throw new Error('this browser has no WebGPU');
    if (!(await tf.setBackend('webgpu'))) throw new Error('WebGPU found no GPU adapter in this browser');
    await tf.ready();
    // The training loop reads its losses synchronously once a step, as on every backend; tfjs's
    // WebGPU backend warns about that once, on stderr, which a student would take for an error.
    (tf.backend() as unknown as { hasReadSyncWarned?: boolean }).hasReadSyncWarned = true;
    return 0;
  }
  if (name === 'webgl') {
    if (!inBrowser()) throw new Error('webgl runs only in a browser (the lessons in JupyterLite); here choose native or wasm.');
    if (!(await tf.setBackend('webgl'))) throw new Error('WebGL did not start in this browser');
    await tf.ready();
    // Without float32 render targets (some phones and old GPUs) training loses too much precision.
    if (!tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) throw new Error('this GPU cannot render float32 through WebGL, too imprecise to train');
    return 0;
  }
  if (name === 'wasm') {
    // Imported lazily so that choosing native or cpu never loads the wasm module.
    const { prepareWasm } = await import('./wasm');
    threads = await prepareWasm(threads);
  }
  if (name === 'native') registerNativeDenseBincount();
  const ok = await tf.setBackend(TF_NAME[name]);
  if (!ok) throw new Error(`TensorFlow.js could not initialise the ${name} backend.`);
  await tf.ready();
  if (name === 'native') return Number(process.env.TF_NUM_INTRAOP_THREADS) || os.cpus().length;
  return name === 'wasm' ? (threads ?? 1) : 1;
}

export interface InitBackendOptions {
  /** Worker threads for wasm; default: every core of the machine. */
  threads?: number;
  /** Print the choice and its reason (default true). */
  verbose?: boolean;
}

/**
 * Picks and activates a backend. `preference` (or the GAN_BACKEND variable, which wins) forces
 * one; otherwise the fastest one that loads is used. Returns what is active and why.
 */
export async function initBackend(preference?: BackendName | string, options: InitBackendOptions = {}): Promise<BackendInfo> {
  const fromEnv = process.env[BACKEND_ENV];
  let info: BackendInfo;
  if (fromEnv || preference) {
    const name = parseBackendName((fromEnv || preference) as string);
    const source = fromEnv ? `${BACKEND_ENV}=${fromEnv}` : `requested "${preference}"`;
    if (name === 'native') {
      const problem = nativeBindingProblem();
      if (problem) throw new Error(`${source}, but ${problem}. Build it with "npm run setup:native" (TensorFlow's C library from PyPI's tensorflow-cpu wheel), or choose wasm.`);
    }
    const threads = await activate(name, options.threads);
    info = { name, tfName: TF_NAME[name], threads, reason: source, brief: fromEnv ? source : 'requested' };
  } else if (inBrowser()) {
    info = await browserBackend(options.threads);
  } else {
    const problem = nativeBindingProblem();
    if (!problem) {
      const threads = await activate('native');
      info = { name: 'native', tfName: 'tensorflow', threads, reason: 'the native TensorFlow binding (tfjs-node) loaded', brief: 'native TensorFlow' };
    } else {
      try {
        const threads = await activate('wasm', options.threads);
        info = { name: 'wasm', tfName: 'wasm', threads, reason: `${problem}; WebAssembly with this project's training kernels is the fastest backend here`, brief: 'tfjs-node not available' };
      } catch (err) {
        await activate('cpu');
        info = { name: 'cpu', tfName: 'cpu', threads: 1, reason: `${problem}; wasm failed too (${(err as Error).message}); cpu is correct but slow`, brief: 'wasm failed to load: slow' };
      }
    }
  }
  current = info;
  if (options.verbose ?? true) console.log(describeBackend(info));
  return info;
}

/** The browser's choice: the GPU through WebGPU, else through WebGL, else wasm, else cpu, each with why. */
async function browserBackend(threads?: number): Promise<BackendInfo> {
  let noWebGpu: string;
  try {
    await activate('webgpu');
    return { name: 'webgpu', tfName: 'webgpu', threads: 0, reason: 'WebGPU reached this machine\'s GPU', brief: 'the browser\'s GPU' };
  } catch (err) {
    noWebGpu = (err as Error).message;
  }
  let noGpu: string;
  try {
    await activate('webgl');
    return { name: 'webgl', tfName: 'webgl', threads: 0, reason: `no WebGPU (${noWebGpu}); WebGL reached this machine's GPU (float32) instead`, brief: 'the browser\'s GPU' };
  } catch (err) {
    noGpu = `no WebGPU (${noWebGpu}), no GPU through WebGL (${(err as Error).message})`;
  }
  try {
    const wasmThreads = await activate('wasm', threads);
    return { name: 'wasm', tfName: 'wasm', threads: wasmThreads, reason: `${noGpu}; WebAssembly with this project's training kernels instead`, brief: 'no GPU through WebGPU or WebGL' };
  } catch (err) {
    await activate('cpu');
    return { name: 'cpu', tfName: 'cpu', threads: 1, reason: `${noGpu}, and wasm failed (${(err as Error).message}); cpu is correct but slow`, brief: 'wasm failed to load: slow' };
  }
}

/** How a backend's workers read: "2 threads", "1 thread", or "the GPU". */
export function describeWorkers(info: Pick<BackendInfo, 'name' | 'threads'>): string {
  if (info.name === 'webgl' || info.name === 'webgpu') return 'the GPU';
  return `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
}

/** A one-line description for notebooks and the trainer. */
export function describeBackend(info: BackendInfo | undefined = current): string {
  if (!info) return `Backend: ${tf.getBackend()} (not chosen by initBackend)`;
  return `Backend: ${info.name} (${describeWorkers(info)}) because ${info.reason}.`;
}

