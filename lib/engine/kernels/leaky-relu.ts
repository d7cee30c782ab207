/**
 * LeakyReLU, the activation of every tutorial discriminator and of S0's generator. The stock
 * wasm kernel is a slow loop (112 ms on [256,28,28,128]); XNNPACK's PReLU computes the same
 * function. PReLU takes a row of per-channel slopes and walks the tensor row by row, so a
 * one-element alpha makes every value a row of its own: 210 ms on that tensor (2 threads, 2-vCPU
 * Xeon). Viewing the tensor as rows of 8 values with 8 equal slopes gives the same function
 * in 75 ms, about what ReLU costs (with more channels, 256, XNNPACK's wasm build aborted with
 * "null function or function signature mismatch"; 8 to 128 all measured the same). Its
 * gradient in tfjs is Greater + Mul + Select (120 ms there); dy * step(x, alpha) gives the
 * same values (1 where x > 0, alpha elsewhere) in about 15 ms. Both were measured here and are checked against the cpu backend in tests.
 */
import * as tf from '@tensorflow/tfjs';
import { WasmOps, WasmBackendLike, KernelArgs } from './wasm-ops';

/** How many values a PReLU row holds when LeakyReLU runs through it: 8, or fewer when 8 does not divide the size. */
export function preluRowLength(size: number): number {
  return [8, 4, 2].find((n) => size % n === 0) ?? 1;
}

/** Wraps the stock LeakyRelu kernel: float32 inputs go through Prelu, in rows of (up to) 8 values. */
export function leakyReluViaPrelu(stock: tf.KernelFunc): tf.KernelFunc {
  return ((args: KernelArgs) => {
    const { x } = args.inputs;
    if (x.dtype !== 'float32') return stock(args as never);
    const ops = new WasmOps(args.backend as WasmBackendLike);
    const size = x.shape.reduce((a, b) => a * b, 1);
    const row = preluRowLength(size);
    const alpha = ops.fromValues([row], new Float32Array(row).fill((args.attrs as { alpha: number }).alpha));
    const rows = ops.run('Prelu', { x: ops.reshape(x, [size / row, row]), alpha });
    return ops.finish(ops.reshape(rows, x.shape));
  }) as unknown as tf.KernelFunc;
}

let gradientRegistered = false;

/**
 * Registers the cheaper LeakyRelu gradient. Gradients are registered per kernel name, not per
 * backend, so cpu uses it too; it equals the stock formula except for NaN inputs (NaN instead
 * of alpha * dy).
 */
export function registerLeakyReluGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: 'LeakyRelu',
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const alpha = (attrs as { alpha: number }).alpha;
      return { x: () => tf.mul(dy as tf.Tensor, tf.step(x, alpha)) };
    },
  });
}
