/**
 * One training iteration of the Keras-style GANs of the tutorials. The discriminator learns
 * from real and generated images, then the generator learns through the composite model with
 * every target set to "real". One function serves all systems:
 *
 * - plain (S0, S1): D on real + fake concatenated (tutorial 000's vstack);
 * - conditional (S3, S5): D on [image, label] pairs, real and fake batches separately with
 *   the losses averaged (tutorial 004); G with random labels;
 * - auxiliary (S6): D has a real/fake head and a class head; both are trained, and G is
 *   trained to make D say "real" and the class it was asked for.
 */
import * as tf from '@tensorflow/tfjs';
import { GanKind } from '../models/composite';
import { generateLatentPoints, runGenerator } from './samples';

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

export interface StepLosses {
  dLoss: number;
  gLoss: number;
}

export interface StepOptions {
  /** Target for real images in D's update; below 1 is one-sided label smoothing. */
  realLabel?: number;
  /** Latent points per generator update (default: twice the real count). */
  generatorBatch?: number;
  /** Class labels of `real` (conditional and auxiliary GANs). */
  labels?: tf.Tensor1D;
}

/** The loss value of trainOnBatch, which is a number or [total, ...parts]. */
function firstLoss(v: number | number[]): number {
  return Array.isArray(v) ? v[0] : v;
}

/** `n` random class labels as a [n, 1] float column (Embedding layers cast them). */
export function randomLabels(n: number, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.randomUniform([n, 1], 0, numClasses, 'int32').toFloat() as tf.Tensor2D);
}

/** One step. `real` (and `labels`) are not disposed. */
export async function trainStep(models: GanModels, real: tf.Tensor4D, options: StepOptions = {}): Promise<StepLosses> {
  const kind = models.kind ?? 'plain';
  const n = real.shape[0];
  const gBatch = options.generatorBatch ?? 2 * n;
  const realTarget = options.realLabel ?? 1;
  let dLoss: number;
  if (kind === 'plain') {
    const { x, y } = tf.tidy(() => {
      const fake = runGenerator(models.generator, generateLatentPoints(models.latentDim, n));
      return { x: tf.concat([real, fake]), y: tf.concat([tf.fill([n, 1], realTarget), tf.zeros([n, 1])]) };
    });
    dLoss = firstLoss(await models.discriminator.trainOnBatch(x, y));
    tf.dispose([x, y]);
  } else {
    if (!options.labels) throw new Error(`A ${kind} GAN needs the class labels of its real images.`);
    const classes = models.numClasses ?? 10;
    const realLabels = tf.tidy(() => options.labels!.reshape([n, 1]).toFloat());
    const fakeLabels = randomLabels(n, classes);
    const fake = tf.tidy(() => runGenerator(models.generator, generateLatentPoints(models.latentDim, n), fakeLabels));
    const ones = tf.fill([n, 1], realTarget);
    const zeros = tf.zeros([n, 1]);
    const lossReal = kind === 'conditional'
      ? await models.discriminator.trainOnBatch([real, realLabels], ones)
      : await models.discriminator.trainOnBatch(real, [ones, realLabels]);
    const lossFake = kind === 'conditional'
      ? await models.discriminator.trainOnBatch([fake, fakeLabels], zeros)
      : await models.discriminator.trainOnBatch(fake, [zeros, fakeLabels]);
    dLoss = 0.5 * (firstLoss(lossReal) + firstLoss(lossFake));
    tf.dispose([realLabels, fakeLabels, fake, ones, zeros]);
  }
  const gLoss = await updateGenerator(models, gBatch);
  return { dLoss, gLoss };
}

/**
 * The generator's update through the composite model, with every target "real" (and, for
 * an AC-GAN, the class asked for). The discriminator is frozen: its trainable weights are
 * not in the composite's update list, and its BatchNorm moving statistics, which tfjs would
 * update in any training-mode pass, are put back afterwards (Keras runs a frozen BatchNorm
 * in inference mode, so they do not move there either).
 */
export async function updateGenerator(models: GanModels, n: number): Promise<number> {
  const kind = models.kind ?? 'plain';
  const frozen = models.discriminator.nonTrainableWeights;
  const saved = frozen.map((w) => w.read().clone());
  const z = generateLatentPoints(models.latentDim, n);
  const ones = tf.ones([n, 1]);
  let gLoss: number;
  if (kind === 'plain') {
    gLoss = firstLoss(await models.gan.trainOnBatch(z, ones));
  } else {
    const wanted = randomLabels(n, models.numClasses ?? 10);
    gLoss = firstLoss(await models.gan.trainOnBatch([z, wanted], kind === 'conditional' ? ones : [ones, wanted]));
    wanted.dispose();
  }
  frozen.forEach((w, i) => w.write(saved[i]));
  tf.dispose([z, ones, ...saved]);
  return gLoss;
}
