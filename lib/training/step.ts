/**
 * One training iteration of the Keras-style GANs of the tutorials. The discriminator learns
 * from real and generated images, then the generator learns through the composite model with
 * every target set to "real". One function serves every kind; what differs (the inputs and
 * targets of each network, whether real and fake go to D in one batch) is the kind's strategy
 * in `models/kinds.ts`:
 *
 * - plain (S0, S1): D on real + fake stacked (tutorial 000's vstack);
 * - conditional (S3, S5): D on [image, label] pairs, real and fake batches separately with
 *   the losses averaged (tutorial 004); G with random labels;
 * - auxiliary (S6): D has a real/fake head and a class head; both are trained, and G is
 *   trained to make D say "real" and the class it was asked for.
 */
import * as tf from '@tensorflow/tfjs';
import { GanModels, generateLatentPoints, randomLabels, runGenerator } from '../models/gan';
import { kindOf, realnessFromMetrics } from '../models/kinds';

export interface StepLosses {
  dLoss: number;
  gLoss: number;
  /** Mean D output on this step's real and generated images, when the step computes them (tutorial 003's Real_P / Fake_P). */
  realP?: number;
  fakeP?: number;
}

export interface StepOptions {
  /** Target for real images in D's update; below 1 is one-sided label smoothing. */
  realLabel?: number;
  /** Latent points per generator update (default: twice the real count). */
  generatorBatch?: number;
  /** Class labels of `real` (conditional and auxiliary GANs). */
  labels?: tf.Tensor1D;
}

/** A training step: the Keras-style `trainStep` or tutorial 003's `tapeStep`. */
export type TrainStepFn = (models: GanModels, real: tf.Tensor4D, options: StepOptions) => Promise<StepLosses>;

/** The loss value of trainOnBatch, which is a number or [total, ...parts]. */
function firstLoss(v: number | number[]): number {
  return Array.isArray(v) ? v[0] : v;
}

/** One step. `real` (and `labels`) are not disposed. */
export async function trainStep(models: GanModels, real: tf.Tensor4D, options: StepOptions = {}): Promise<StepLosses> {
  const kind = kindOf(models.kind);
  const d = models.discriminator;
  const n = real.shape[0];
  const gBatch = options.generatorBatch ?? 2 * n;
  const realTarget = options.realLabel ?? 1;
  if (kind.usesLabels && !options.labels) throw new Error(`A ${kind.kind} GAN needs the class labels of its real images.`);
  // The fake half: the classes G is asked for (drawn first), then its latent points.
  const realLabels = kind.usesLabels ? tf.tidy(() => options.labels!.reshape([n, 1]).toFloat() as tf.Tensor2D) : undefined;
  const fakeLabels = kind.usesLabels ? randomLabels(n, models.numClasses) : undefined;
  const fake = tf.tidy(() => runGenerator(models.generator, generateLatentPoints(models.latentDim, n), fakeLabels));
  const ones = tf.fill([n, 1], realTarget) as tf.Tensor2D;
  const zeros = tf.zeros([n, 1]) as tf.Tensor2D;
  let dLoss: number;
  let realness: { realP?: number; fakeP?: number };
  if (kind.discriminatorBatches === 'stacked') {
    const x = tf.concat([real, fake]) as tf.Tensor4D;
    const y = tf.concat([ones, zeros]) as tf.Tensor2D;
    const result = await d.trainOnBatch(kind.discriminatorInputs(x), kind.discriminatorTargets(y));
    dLoss = firstLoss(result);
    realness = realnessFromMetrics(d, result);
    tf.dispose([x, y]);
  } else {
    const onReal = await d.trainOnBatch(kind.discriminatorInputs(real, realLabels), kind.discriminatorTargets(ones, realLabels));
    const onFake = await d.trainOnBatch(kind.discriminatorInputs(fake, fakeLabels), kind.discriminatorTargets(zeros, fakeLabels));
    dLoss = 0.5 * (firstLoss(onReal) + firstLoss(onFake));
    // Each batch holds one kind: D(real) comes from the real batch's update, D(fake) from the fake one's.
    realness = { realP: realnessFromMetrics(d, onReal).realP, fakeP: realnessFromMetrics(d, onFake).fakeP };
  }
  tf.dispose([fake, ones, zeros, ...(realLabels ? [realLabels] : []), ...(fakeLabels ? [fakeLabels] : [])]);
  const gLoss = await updateGenerator(models, gBatch);
  return { dLoss, gLoss, ...realness };
}

/**
 * The generator's update through the composite model, with every target "real" (and, for
 * an AC-GAN, the class asked for). The discriminator is frozen: its trainable weights are
 * not in the composite's update list, and its BatchNorm moving statistics, which tfjs would
 * update in any training-mode pass, are put back afterwards (Keras runs a frozen BatchNorm
 * in inference mode, so they do not move there either).
 */
export async function updateGenerator(models: GanModels, n: number): Promise<number> {
  const kind = kindOf(models.kind);
  const frozen = models.discriminator.nonTrainableWeights;
  const saved = frozen.map((w) => w.read().clone());
  const z = generateLatentPoints(models.latentDim, n);
  const ones = tf.ones([n, 1]) as tf.Tensor2D;
  const wanted = kind.usesLabels ? randomLabels(n, models.numClasses) : undefined;
  const gLoss = firstLoss(await models.gan.trainOnBatch(kind.generatorInputs(z, wanted), kind.generatorTargets(ones, wanted)));
  frozen.forEach((w, i) => w.write(saved[i]));
  tf.dispose([z, ones, ...saved, ...(wanted ? [wanted] : [])]);
  return gLoss;
}
