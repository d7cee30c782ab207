/**
 * One training iteration of the Keras-style GAN (tutorials 000 and 001): the discriminator
 * learns from half a batch of real and half a batch of fake images, then the generator learns
 * through the composite model with every label set to 1 ("real").
 */
import * as tf from '@tensorflow/tfjs';
import { generateFakeSamples, generateLatentPoints } from './samples';

export interface GanModels {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** Generator followed by the frozen discriminator, compiled. */
  gan: tf.LayersModel;
  latentDim: number;
}

export interface StepLosses {
  dLoss: number;
  gLoss: number;
  /** Mean discriminator output on the real half (a probability). */
  realP?: number;
  /** Mean discriminator output on the fake half. */
  fakeP?: number;
}

/** The loss value of trainOnBatch, which is a number or [loss, ...metrics]. */
function firstLoss(v: number | number[]): number {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * One step. `real` holds the real images of this step (batchSize / 2 of them in tutorial
 * 000, batchSize in 001); it is not disposed. The generator then learns from
 * `generatorBatch` latent points (default: twice the real count). `realLabel` below 1
 * applies one-sided label smoothing.
 */
export async function trainStep(models: GanModels, real: tf.Tensor4D, options: { realLabel?: number; generatorBatch?: number } = {}): Promise<StepLosses> {
  const half = real.shape[0];
  const gBatch = options.generatorBatch ?? 2 * half;
  const { x, y } = tf.tidy(() => {
    const fake = generateFakeSamples(models.generator, models.latentDim, half);
    const xs = tf.concat([real, fake.x]);
    const ys = tf.concat([tf.fill([half, 1], options.realLabel ?? 1), fake.y]);
    return { x: xs, y: ys };
  });
  const dLoss = firstLoss(await models.discriminator.trainOnBatch(x, y));
  tf.dispose([x, y]);
  const z = generateLatentPoints(models.latentDim, gBatch);
  const ones = tf.ones([gBatch, 1]);
  const gLoss = firstLoss(await models.gan.trainOnBatch(z, ones));
  tf.dispose([z, ones]);
  return { dLoss, gLoss };
}
