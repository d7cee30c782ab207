/**
 * Exploring the latent space of a trained generator (tutorial 003's conclusion): walking
 * between two points, and vector arithmetic on averaged latent vectors.
 */
import * as tf from '@tensorflow/tfjs';
import { runGenerator } from './gan';

/**
 * `steps` points from a to b (both [latentDim]), linear or spherical (slerp: the path stays
 * at a typical distance from the origin, where a Gaussian's samples live).
 */
export function interpolateLatent(a: tf.Tensor1D, b: tf.Tensor1D, steps: number, mode: 'linear' | 'slerp' = 'slerp'): tf.Tensor2D {
  if (steps < 2) throw new Error(`interpolateLatent: steps must be at least 2, got ${steps}.`);
  return tf.tidy(() => {
    const ts = Array.from({ length: steps }, (_, i) => i / (steps - 1));
    if (mode === 'linear') return tf.stack(ts.map((t) => a.mul(1 - t).add(b.mul(t)))) as tf.Tensor2D;
    const cos = a.dot(b).div(a.norm().mul(b.norm())).clipByValue(-1, 1).dataSync()[0];
    const omega = Math.acos(cos);
    if (Math.abs(Math.sin(omega)) < 1e-6) return tf.stack(ts.map((t) => a.mul(1 - t).add(b.mul(t)))) as tf.Tensor2D;
    return tf.stack(ts.map((t) => a.mul(Math.sin((1 - t) * omega) / Math.sin(omega)).add(b.mul(Math.sin(t * omega) / Math.sin(omega))))) as tf.Tensor2D;
  });
}

/** The images along the path from a to b (a strip for a grid, or GIF frames). */
export function interpolationImages(generator: tf.LayersModel, a: tf.Tensor1D, b: tf.Tensor1D, steps: number, label?: number): tf.Tensor4D {
  const z = interpolateLatent(a, b, steps);
  const images = runGenerator(generator, z, label === undefined ? undefined : new Array(steps).fill(label));
  z.dispose();
  return images;
}

export interface ArithmeticResult {
  /** mean(A) - mean(B) + mean(C), [latentDim]. */
  vector: tf.Tensor1D;
  /** Images of A's, B's and C's points, then of the result, in one batch. */
  images: tf.Tensor4D;
}

/**
 * Vector arithmetic on averaged latent vectors: mean(A) - mean(B) + mean(C). With faces:
 * (smiling woman) - (neutral woman) + (neutral man) ~ smiling man. Each group is [k, latentDim];
 * `label` is the class a conditional generator draws them as.
 */
export function latentArithmetic(generator: tf.LayersModel, a: tf.Tensor2D, b: tf.Tensor2D, c: tf.Tensor2D, label?: number): ArithmeticResult {
  return tf.tidy(() => {
    const vector = a.mean(0).sub(b.mean(0)).add(c.mean(0)) as tf.Tensor1D;
    const all = tf.concat([a, b, c, vector.expandDims(0)]) as tf.Tensor2D;
    // A conditional generator draws every point as the same class.
    return { vector, images: runGenerator(generator, all, label === undefined ? undefined : new Array(all.shape[0]).fill(label)) };
  });
}
