/**
 * Adam's update in one pass per variable on wasm.
 *
 * tfjs's `AdamOptimizer.applyGradients` updates each variable with about eleven element-wise
 * kernels (two moments, their bias corrections, the square root, the step), each a pass over
 * the variable's memory and a trip through the engine. For the small dense models that is
 * most of the step that is not matrix products (cgan-mnist on wasm: some 500 calls). Here the
 * same arithmetic runs as one kernel, `GanLabAdamUpdate`, over the variable, its two moments and
 * its gradient, in the same order as tfjs's ops and rounded to float32 after every operation
 * (`Math.fround`), so the new values are bit-identical to the stock optimizer's (the test
 * trains with both and compares every weight).
 *
 * `installFusedAdam()` routes `AdamOptimizer.applyGradients` through it while the active
 * backend is wasm; on any other backend the stock method runs. Everything else about the
 * optimizer (its moment variables and names, iterations, get/setWeights) is tfjs's own.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmBackendLike, KernelArgs } from './wasm-ops';

export const ADAM_KERNEL = 'GanLabAdamUpdate';

export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  /** 1 - beta1^t and 1 - beta2^t, as tfjs computes them (float32). */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  learningRate: number;
}

const f = Math.fround;

/**
 * One Adam update of `value` with gradient `g` and moments `m`, `v`, written into the three
 * output arrays. Each line is one tfjs op of `AdamOptimizer.applyGradients`, rounded as that
 * op's float32 output is.
 */
export function adamUpdate(value: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, a: AdamUpdateAttrs, newValue: Float32Array, newM: Float32Array, newV: Float32Array): void {
  const b1 = f(a.beta1);
  const b2 = f(a.beta2);
  const c1 = f(1 - a.beta1);
  const c2 = f(1 - a.beta2);
  const d1 = f(a.oneMinusAccBeta1);
  const d2 = f(a.oneMinusAccBeta2);
  const eps = f(a.epsilon);
  const negLr = f(-a.learningRate);
  for (let i = 0; i < value.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * b1) + f(gi * c1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * c2));
    const mHat = f(mi / d1);
    const vHat = f(vi / d2);
    const step = f(mHat / f(f(Math.sqrt(vHat)) + eps));
    newValue[i] = f(f(step * negLr) + value[i]);
    newM[i] = mi;
    newV[i] = vi;
  }
}

/** The wasm kernel: inputs value, m, v, g (float32, one shape); outputs [value, m, v]. */
export function adamUpdateWasm(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackendLike;
  const { value, m, v, g } = args.inputs;
  for (const [name, t] of Object.entries({ m, v, g })) {
    if (t.dtype !== 'float32' || t.shape.length !== value.shape.length || t.shape.some((d, i) => d !== value.shape[i])) {
      throw new Error(`${ADAM_KERNEL}: ${name} has shape [${t.shape}] (${t.dtype}) but the variable has [${value.shape}] (${value.dtype}); both must be float32 of one shape.`);
    }
  }
  const outs = [value, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
  // Views taken after every allocation (an allocation can move wasm memory).
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  adamUpdate(view(value), view(m), view(v), view(g), args.attrs as unknown as AdamUpdateAttrs, view(outs[0]), view(outs[1]), view(outs[2]));
  return outs;
}

/** The parts of tfjs's AdamOptimizer that the fused update reads and writes. */
interface AdamInternals {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable } | undefined>;
  incrementIterations(): void;
}

interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

type ApplyGradients = (this: tf.AdamOptimizer, grads: tf.NamedTensorMap | NamedTensor[]) => void;

let stockApplyGradients: ApplyGradients | null = null;

/** tfjs's applyGradients with one fused kernel per variable (same moments, same names). */
function fusedApplyGradients(this: tf.AdamOptimizer, variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
  if (tf.getBackend() !== 'wasm') {
    stockApplyGradients!.call(this, variableGradients);
    return;
  }
  const opt = this as unknown as AdamInternals;
  const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
  const registered = tf.engine().registeredVariables;
  tf.tidy(() => {
    // 1 - beta^t as tfjs's `sub(1, accBeta)` computes it, in float32.
    const attrs: AdamUpdateAttrs = {
      beta1: opt.beta1,
      beta2: opt.beta2,
      oneMinusAccBeta1: Math.fround(1 - opt.accBeta1.dataSync()[0]),
      oneMinusAccBeta2: Math.fround(1 - opt.accBeta2.dataSync()[0]),
      epsilon: opt.epsilon,
      learningRate: opt.learningRate,
    };
    names.forEach((name, i) => {
      const value = registered[name];
      if (opt.accumulatedFirstMoment[i] == null) opt.accumulatedFirstMoment[i] = { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      if (opt.accumulatedSecondMoment[i] == null) opt.accumulatedSecondMoment[i] = { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
      if (gradient == null) return;
      const m = opt.accumulatedFirstMoment[i]!.variable;
      const v = opt.accumulatedSecondMoment[i]!.variable;
      const [newValue, newM, newV] = tf.engine().runKernel(ADAM_KERNEL, { value, m, v, g: gradient }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
      m.assign(newM);
      v.assign(newV);
      value.assign(newValue);
    });
    opt.accBeta1.assign(tf.mul(opt.accBeta1, opt.beta1));
    opt.accBeta2.assign(tf.mul(opt.accBeta2, opt.beta2));
  });
  opt.incrementIterations();
}

/** Registers the kernel for wasm and routes Adam through it on wasm. Idempotent. */
export function installFusedAdam(): void {
  if (!tf.getKernel(ADAM_KERNEL, 'wasm')) tf.registerKernel({ kernelName: ADAM_KERNEL, backendName: 'wasm', kernelFunc: adamUpdateWasm as unknown as tf.KernelFunc });
  if (stockApplyGradients) return;
  const proto = tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients };
  stockApplyGradients = proto.applyGradients;
  proto.applyGradients = fusedApplyGradients;
}

/** Puts tfjs's own applyGradients back (tests compare the two). */
export function uninstallFusedAdam(): void {
  if (!stockApplyGradients) return;
  (tf.AdamOptimizer.prototype as unknown as { applyGradients: ApplyGradients }).applyGradients = stockApplyGradients;
  stockApplyGradients = null;
}
