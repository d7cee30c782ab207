/**
 * The tutorials' sample helpers: real samples labelled 1, points in latent space, and fake
 * samples labelled 0. Every function returns new tensors that the caller disposes.
 */
import * as tf from '@tensorflow/tfjs';

/** `n` random images of `dataset` (with replacement, as the tutorial's randint) and labels 1. */
export function generateRealSamples(dataset: tf.Tensor4D, n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const idx = tf.randomUniform([n], 0, dataset.shape[0], 'int32');
    return { x: tf.gather(dataset, idx) as tf.Tensor4D, y: tf.ones([n, 1]) as tf.Tensor2D };
  });
}

/** `n` points of a standard Gaussian in `latentDim` dimensions (the generator's input). */
export function generateLatentPoints(latentDim: number, n: number, seed?: number): tf.Tensor2D {
  return tf.randomNormal([n, latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
}

/** `n` images from the generator and labels 0. */
export function generateFakeSamples(generator: tf.LayersModel, latentDim: number, n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const z = generateLatentPoints(latentDim, n);
    return { x: generator.predict(z, { batchSize: n }) as tf.Tensor4D, y: tf.zeros([n, 1]) as tf.Tensor2D };
  });
}
