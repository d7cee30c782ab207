/**
 * Calling the wasm backend's own kernels from inside our kernels, without going through the
 * engine (so nothing is recorded on a gradient tape and no Tensor objects are created).
 * Every intermediate is tracked and freed by `dispose()`.
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type NamedAttrMap = Record<string, unknown>;

/** The subset of the wasm backend's class that our kernels use. */
export interface WasmBackendLike {
  readSync(dataId: unknown): unknown;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.TypedArray): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): tf.TypedArray;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

export class WasmOps {
  private readonly temps: TensorInfo[] = [];

  constructor(readonly backend: WasmBackendLike) {}

  /** Runs a registered wasm kernel and remembers its output as an intermediate. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, 'wasm');
    if (!kernel) throw new Error(`wasm kernel ${kernelName} is not registered`);
    const out = kernel.kernelFunc({ inputs, attrs: attrs as never, backend: this.backend as never }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  slice(x: TensorInfo, begin: number[], size: number[]): TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** Zero padding; `paddings` as [before, after] per axis, all non-negative. */
  pad(x: TensorInfo, paddings: [number, number][]): TensorInfo {
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  conv2d(x: TensorInfo, filter: TensorInfo, pad: [number, number][] | 'valid', dilations: [number, number] = [1, 1]): TensorInfo {
    return this.run('Conv2D', { x, filter }, { strides: [1, 1], pad, dilations, dataFormat: 'NHWC', dimRoundingMode: undefined });
  }

  /** A new float32 intermediate whose values the caller writes (not zeroed). */
  alloc(shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.temps.push(out);
    return out;
  }

  /** A new float32 tensor holding `values`. */
  fromValues(shape: number[], values: Float32Array): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    (this.backend.typedArrayFromHeap(out) as Float32Array).set(values);
    this.temps.push(out);
    return out;
  }

  /** A float32 tensor of zeros. */
  zeros(shape: number[]): TensorInfo {
    // Filled in place: a JavaScript array of zeros copied in cost a 39 MB allocation (and its
    // garbage collection) for the one-channel filter gradient of S0.
    const out = this.alloc(shape);
    this.view(out).fill(0);
    return out;
  }

  /** The values of a float32 tensor as a view of wasm memory (valid until the next allocation). */
  view(x: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(x) as Float32Array;
  }

  /** Marks `result` as the kernel's output (not freed) and frees every other intermediate. */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temps) {
      // Reshape shares data and adds a reference, so every intermediate but the result is released once.
      if (t !== result) this.backend.disposeData(t.dataId);
    }
    this.temps.length = 0;
    return result;
  }
}

/** What the engine hands a kernel function. */
export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs: unknown;
}
