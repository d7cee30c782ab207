/**
 * What a GAN is at the model level, whatever the system: its two networks and the composite
 * that trains the generator (`GanModels`), how its networks take class labels (`GanKind`), and
 * the generator's forward pass, which every caller (training, metrics, displays, the
 * playground) goes through.
 */
import * as tf from '@tensorflow/tfjs';

/** How a GAN's networks are conditioned on class labels. */
export type GanKind = 'plain' | 'conditional' | 'auxiliary';

export interface GanModels {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** Generator followed by the frozen discriminator, compiled. */
  gan: tf.LayersModel;
  latentDim: number;
  /** Default 'plain'. */
  kind?: GanKind;
  /** Classes of a conditional or auxiliary GAN (10 in the tutorials). */
  numClasses?: number;
}

/** Classes of every conditional system in the tutorials (digits, garments). */
export const NUM_CLASSES = 10;

/** `n` points of a standard Gaussian in `latentDim` dimensions (the generator's input). */
export function generateLatentPoints(latentDim: number, n: number, seed?: number): tf.Tensor2D {
  return tf.randomNormal([n, latentDim], 0, 1, 'float32', seed) as tf.Tensor2D;
}

/** `n` random class labels as a [n, 1] float column (Embedding layers cast them). */
export function randomLabels(n: number, numClasses: number = NUM_CLASSES): tf.Tensor2D {
  return tf.tidy(() => tf.randomUniform([n, 1], 0, numClasses, 'int32').toFloat() as tf.Tensor2D);
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
