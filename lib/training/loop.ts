/**
 * The training loop of the tutorials, written once. What differs between runs (sample grids,
 * checkpoints, logs, progress, metrics) comes in as callbacks, as in Keras's `fit`.
 */
import * as tf from '@tensorflow/tfjs';
import { batchDataset } from '../data/pipeline';
import { GanModels, generateLatentPoints, randomLabels, runGenerator } from '../models/gan';
import { kindOf } from '../models/kinds';
import { StepLosses, TrainStepFn, trainStep } from './step';

/** What the loop records for each epoch (tutorial 003's CSV columns, and time). */
export interface EpochLogs {
  epoch: number;
  /**
   * Mean discriminator output on real images (a probability) over the epoch's batches, as the
   * step reports it (tutorial 003's Real_P: the tape step computes it, the Keras-style step reads
   * it from D's compiled metrics); for a D compiled without them, on 64 images after the epoch.
   */
  realP: number;
  /** Mean discriminator output on generated images (tutorial 003's Fake_P), likewise. */
  fakeP: number;
  gLoss: number;
  dLoss: number;
  seconds: number;
  steps: number;
  /** Extra values that callbacks add (e.g. metrics, learning rate). */
  [key: string]: number;
}

/** How far training is into an epoch: what a mid-epoch checkpoint saves and a resume continues from. */
export interface EpochProgress {
  /** Steps done in the epoch. */
  steps: number;
  dSum: number;
  gSum: number;
  realPSum: number;
  fakePSum: number;
  stepsWithP: number;
  /** Seconds the epoch has taken so far. */
  seconds: number;
}

export interface TrainContext {
  models: GanModels;
  /** The epoch being trained (1-based). */
  epoch?: number;
  /** Progress into `epoch`, updated after every step. */
  epochProgress?: EpochProgress;
  epochs: number;
  stepsPerEpoch: number;
  history: EpochLogs[];
  /** Set by a callback (or a signal handler) to stop after the current step. */
  stopRequested: boolean;
  /** True when a stop request ended training before its last epoch. */
  interrupted: boolean;
  /** True when the stop came in the middle of an epoch (its partial training is in the models). */
  partialEpoch?: boolean;
}

export interface GanCallback {
  onTrainBegin?(ctx: TrainContext): void | Promise<void>;
  onEpochBegin?(epoch: number, ctx: TrainContext): void | Promise<void>;
  onStepEnd?(step: number, losses: StepLosses, ctx: TrainContext): void | Promise<void>;
  /** Called after each complete epoch, with its logs already in ctx.history. */
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainContext): void | Promise<void>;
  onTrainEnd?(ctx: TrainContext): void | Promise<void>;
}

export interface TrainOptions {
  /** Train until this epoch (1-based count, like Keras's epochs). */
  epochs: number;
  /** Real images per step (tutorial 000: batch/2; 001: batch). */
  realPerStep: number;
  /** Latent points per generator update (the tutorial's batch size). */
  generatorBatch: number;
  /** Epochs already done (resume). */
  initialEpoch?: number;
  /**
   * Steps in an epoch. Default: one pass over the images at `realPerStep` per step. The
   * tutorials count an epoch as images / batch size steps (tutorial 000 sees half a batch of
   * real images per step, so its epoch covers half the dataset); `runTraining` passes that.
   */
  stepsPerEpoch?: number;
  /** Cap on steps per epoch (quick runs). */
  maxStepsPerEpoch?: number;
  /** Shuffle buffer (default: whole dataset). */
  shuffleBuffer?: number;
  /** Seed of the data order; epoch e uses seed + e, so a resumed run sees the same order. */
  seed?: number;
  /** Target for real images in the discriminator update (one-sided label smoothing: e.g. 0.9). */
  realLabel?: number;
  /** History of earlier epochs (resume). */
  history?: EpochLogs[];
  /**
   * Progress already made into epoch `initialEpoch + 1` (a mid-epoch resume): its first
   * `steps` batches are skipped (the epoch's seeded order is the same) and its sums continue.
   */
  resumeWithin?: EpochProgress;
  /** Class labels of `images` (conditional and auxiliary GANs). */
  labels?: tf.Tensor1D;
  /** The step to run (default: the Keras-style `trainStep`; `tapeStep` is tutorial 003's). */
  step?: TrainStepFn;
  /** Applied to each batch of images before the step (e.g. padding MNIST to 64x64). */
  mapBatch?: (images: tf.Tensor4D) => tf.Tensor4D;
  callbacks?: GanCallback[];
}

/** Mean D output (its real/fake head) on n real and n generated images, without training. */
export function discriminatorOutputs(models: GanModels, real: tf.Tensor4D, labels?: tf.Tensor1D): { realP: number; fakeP: number } {
  return tf.tidy(() => {
    const n = real.shape[0];
    const kind = kindOf(models.kind);
    const z = generateLatentPoints(models.latentDim, n);
    const realLabels = kind.usesLabels ? (labels!.reshape([n, 1]).toFloat() as tf.Tensor2D) : undefined;
    const fakeLabels = kind.usesLabels ? randomLabels(n, models.numClasses) : undefined;
    const fake = runGenerator(models.generator, z, fakeLabels);
    const mean = (x: tf.Tensor4D, l?: tf.Tensor2D) => kind.realness(models.discriminator, x, l).mean().dataSync()[0];
    return { realP: mean(real, realLabels), fakeP: mean(fake, fakeLabels) };
  });
}

/** Trains the GAN on `images` (already scaled) and returns the full history. */
export async function trainGan(models: GanModels, images: tf.Tensor4D, options: TrainOptions): Promise<EpochLogs[]> {
  const n = images.shape[0];
  const fullSteps = Math.min(options.stepsPerEpoch ?? Infinity, Math.floor(n / options.realPerStep));
  if (fullSteps < 1) throw new Error(`Not enough images: ${n} real images, but an epoch needs at least one batch. Use a smaller batch size or more data.`);
  const stepsPerEpoch = Math.min(fullSteps, options.maxStepsPerEpoch ?? Infinity);
  const callbacks = options.callbacks ?? [];
  const ctx: TrainContext = { models, epochs: options.epochs, stepsPerEpoch, history: [...(options.history ?? [])], stopRequested: false, interrupted: false };
  if (kindOf(models.kind).usesLabels && !options.labels) throw new Error(`A ${models.kind} GAN trains on labelled images: pass { labels }.`);
  const mapBatch = options.mapBatch ?? ((x: tf.Tensor4D) => x);
  const step = options.step ?? trainStep;
  // 64 real images on which D's outputs are read after an epoch, for steps that do not report them.
  const dOutputSample = tf.tidy(() => mapBatch(images.slice(0, Math.min(64, n)) as tf.Tensor4D));
  const dOutputSampleLabels = options.labels ? (tf.tidy(() => options.labels!.slice(0, Math.min(64, n))) as tf.Tensor1D) : undefined;
  for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
  for (let epoch = (options.initialEpoch ?? 0) + 1; epoch <= options.epochs && !ctx.stopRequested; epoch++) {
    ctx.epoch = epoch;
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
    const within = epoch === (options.initialEpoch ?? 0) + 1 ? options.resumeWithin : undefined;
    const started = Date.now() - (within?.seconds ?? 0) * 1000;
    const data = batchDataset(images, { batchSize: options.realPerStep, shuffleBuffer: options.shuffleBuffer, seed: (options.seed ?? 0) + epoch, prefetch: 0, labels: options.labels, map: options.mapBatch });
    // No prefetch: in Node it would not overlap with training anyway, and an epoch cut short leaves nothing behind.
    const it = await data.iterator();
    let dSum = within?.dSum ?? 0;
    let gSum = within?.gSum ?? 0;
    let realPSum = within?.realPSum ?? 0;
    let fakePSum = within?.fakePSum ?? 0;
    let stepsWithP = within?.stepsWithP ?? 0;
    let steps = within?.steps ?? 0;
    // A mid-epoch resume: the epoch's order is seeded, so skipping the batches already trained on
    // continues with exactly the batch that comes next.
    for (let skipped = 0; skipped < steps; skipped++) {
      const next = await it.next();
      if (next.done) break;
      tf.dispose([next.value.images, ...(next.value.labels ? [next.value.labels] : [])]);
    }
    ctx.epochProgress = within ? { ...within } : undefined;
    while (steps < stepsPerEpoch) {
      const next = await it.next();
      if (next.done) break;
      const losses = await step(models, next.value.images, { realLabel: options.realLabel, generatorBatch: options.generatorBatch, labels: next.value.labels });
      tf.dispose([next.value.images, ...(next.value.labels ? [next.value.labels] : [])]);
      dSum += losses.dLoss;
      gSum += losses.gLoss;
      if (losses.realP !== undefined && losses.fakeP !== undefined) {
        realPSum += losses.realP;
        fakePSum += losses.fakeP;
        stepsWithP++;
      }
      steps++;
      ctx.epochProgress = { steps, dSum, gSum, realPSum, fakePSum, stepsWithP, seconds: (Date.now() - started) / 1000 };
      for (const cb of callbacks) await cb.onStepEnd?.(steps, losses, ctx);
      // Let the event loop run: a signal (Ctrl-C, SIGTERM) is only delivered there, and the
      // steps above resolve as microtasks that would otherwise never give it a turn.
      await new Promise((resolve) => setImmediate(resolve));
      if (ctx.stopRequested) break;
    }
    if (ctx.stopRequested && steps < stepsPerEpoch) {
      ctx.interrupted = true;
      ctx.partialEpoch = true;
      break;
    }
    // Tutorial 003's Real_P / Fake_P are means over the epoch's batches. Every step of the
    // library reports them; a discriminator compiled without the realness metrics (a lesson's
    // own compile) does not, and then D is asked on a fixed sample after the epoch.
    const dOutputs = stepsWithP === steps
      ? { realP: realPSum / steps, fakeP: fakePSum / steps }
      : discriminatorOutputs(models, dOutputSample, dOutputSampleLabels);
    const logs: EpochLogs = { epoch, ...dOutputs, gLoss: gSum / steps, dLoss: dSum / steps, seconds: (Date.now() - started) / 1000, steps };
    ctx.history.push(logs);
    ctx.epochProgress = undefined;
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs, ctx);
  }
  tf.dispose([dOutputSample, ...(dOutputSampleLabels ? [dOutputSampleLabels] : [])]);
  // A stop that arrived with the last step of an epoch ends training at that epoch boundary.
  const last = ctx.history.length ? ctx.history[ctx.history.length - 1].epoch : 0;
  if (ctx.stopRequested && last < options.epochs) ctx.interrupted = true;
  for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
  return ctx.history;
}
