/**
 * The tutorials' sample helpers: real samples labelled 1 and fake samples labelled 0 (the
 * latent points and the generator's forward pass live with the models, in `models/gan.ts`).
 * Every function returns new tensors that the caller disposes.
 */
import * as tf from '@tensorflow/tfjs';
import { generateLatentPoints, runGenerator } from '../models/gan';

/** `n` random images of `dataset` (with replacement, as the tutorial's randint) and labels 1. */
export function generateRealSamples(dataset: tf.Tensor4D, n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const idx = tf.randomUniform([n], 0, dataset.shape[0], 'int32');
    return { x: tf.gather(dataset, idx) as tf.Tensor4D, y: tf.ones([n, 1]) as tf.Tensor2D };
  });
}

/** `n` images from the generator and labels 0. */
export function generateFakeSamples(generator: tf.LayersModel, latentDim: number, n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => ({ x: runGenerator(generator, generateLatentPoints(latentDim, n)), y: tf.zeros([n, 1]) as tf.Tensor2D }));
}
