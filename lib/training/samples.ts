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

/** True when the generator takes a class label as its second input. */
export function isConditional(generator: tf.LayersModel): boolean {
  return generator.inputs.length === 2;
}

/**
 * The generator's forward pass on latent points `z` in one batch, with one class label per
 * point when it is conditional (numbers, or a [n, 1] tensor). Every caller goes through here.
 */
export function runGenerator(generator: tf.LayersModel, z: tf.Tensor2D, labels?: number[] | tf.Tensor): tf.Tensor4D {
  return tf.tidy(() => {
    const n = z.shape[0];
    if (!isConditional(generator)) return generator.predict(z, { batchSize: n }) as tf.Tensor4D;
    const column = labels instanceof tf.Tensor ? labels.reshape([-1, 1]) : labels ? tf.tensor2d(labels, [labels.length, 1]) : undefined;
    if (!column || column.shape[0] !== n) throw new Error(`This generator is conditional: give one class label per latent point (${n}).`);
    return generator.predict([z, column], { batchSize: n }) as tf.Tensor4D;
  });
}

/** `n` images from the generator and labels 0. */
export function generateFakeSamples(generator: tf.LayersModel, latentDim: number, n: number): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => ({ x: runGenerator(generator, generateLatentPoints(latentDim, n)), y: tf.zeros([n, 1]) as tf.Tensor2D }));
}
