/**
 * The three kinds of GAN in the tutorials, and everything that differs between them, in one
 * place: what the discriminator and the composite take as inputs, their targets and losses, and
 * how D's real/fake probability is read. The training step, the loop's D-output sample, the
 * composite, the registry and the bench ask the strategy instead of branching on the kind.
 *
 * - plain (S0, S1, S2, S4): D(image) -> real/fake; G(z).
 * - conditional (S3, S5): D([image, label]) -> real/fake; G([z, label]); the label D sees with
 *   a real image is its true class, with a generated one the class G was asked for.
 * - auxiliary (S6, AC-GAN): D(image) -> [real/fake, class]; G([z, label]); D is trained to say
 *   both, G to make D say "real" and the class it was asked for.
 */
import * as tf from '@tensorflow/tfjs';
import { defineAcGan, defineConditionalGan, defineGan } from './composite';
import { GanKind, GanModels, NUM_CLASSES } from './gan';
import { latentSizeOf, metricsForOutput } from '../engine/tfjs-internals';

type Inputs = tf.Tensor | tf.Tensor[];

export interface KindStrategy {
  kind: GanKind;
  /** Whether G (and D's training data) take class labels. */
  usesLabels: boolean;
  /**
   * How D's update sees a step's images: 'stacked' = real and fake in one batch (tutorial 000's
   * vstack); 'separate' = one trainOnBatch on the real batch, one on the fake, losses averaged
   * (tutorial 004).
   */
  discriminatorBatches: 'stacked' | 'separate';
  /** D's compile arguments (the tutorial's loss per output). */
  compileDiscriminator(discriminator: tf.LayersModel, optimizer: tf.Optimizer): void;
  /** G then the frozen D, compiled with `optimizer` (the tutorial's define_gan). */
  defineComposite(generator: tf.LayersModel, discriminator: tf.LayersModel, optimizer: tf.Optimizer): tf.LayersModel;
  /** D's inputs for `images` shown with `labels` ([n, 1] floats; ignored when D takes no label). */
  discriminatorInputs(images: tf.Tensor4D, labels?: tf.Tensor2D): Inputs;
  /** D's targets: `realness` ([n, 1]: 1 real, 0 fake) and, for an AC-GAN, the class. */
  discriminatorTargets(realness: tf.Tensor2D, labels?: tf.Tensor2D): Inputs;
  /** The composite's inputs for latent points `z` and the classes asked for. */
  generatorInputs(z: tf.Tensor2D, wanted?: tf.Tensor2D): Inputs;
  /** The composite's targets: "real" (and, for an AC-GAN, the class asked for). */
  generatorTargets(ones: tf.Tensor2D, wanted?: tf.Tensor2D): Inputs;
  /** D's real/fake probability for `images` ([n, 1]), without training. */
  realness(discriminator: tf.LayersModel, images: tf.Tensor4D, labels?: tf.Tensor2D): tf.Tensor;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} needs class labels.`);
  return value;
}

/** Mean of `yPred` over the rows where `rows` is 1, as a per-row value whose batch mean (what Keras reports) is that mean. */
function meanOverRows(yPred: tf.Tensor, rows: tf.Tensor): tf.Tensor {
  return tf.div(tf.mul(yPred, rows), tf.maximum(tf.mean(rows), 1e-7));
}

/**
 * Mean of D's real/fake output over the rows whose target says "real" (above 0.5, so a
 * smoothed 0.9 counts): tutorial 003's `Real_P`, read from D's own training-mode forward pass
 * inside `trainOnBatch` as a compiled metric, so it costs no extra pass.
 */
export function meanDOnReal(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => meanOverRows(yPred, tf.cast(tf.greater(yTrue, 0.5), 'float32')));
}

/** Mean of D's real/fake output over the rows whose target says "fake" (tutorial 003's `Fake_P`). */
export function meanDOnFake(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => meanOverRows(yPred, tf.cast(tf.lessEqual(yTrue, 0.5), 'float32')));
}

/** The metrics of D's real/fake output: the tutorial's accuracy, then D(real) and D(fake) means. */
export const REALNESS_METRICS = ['accuracy', meanDOnReal, meanDOnFake];

/**
 * D's mean outputs over the real and over the fake rows of one `trainOnBatch` result, where D
 * was compiled with `REALNESS_METRICS` (on its first output); undefined when D was compiled
 * without them (a lesson's own compile). A batch of one kind reports 0 for the other.
 */
export function realnessFromMetrics(discriminator: tf.LayersModel, result: number | number[]): { realP?: number; fakeP?: number } {
  const values = Array.isArray(result) ? result : [result];
  const at = (name: string) => {
    const i = discriminator.metricsNames.findIndex((m) => m === name || m.endsWith(`_${name}`));
    return i >= 0 ? values[i] : undefined;
  };
  return { realP: at(meanDOnReal.name), fakeP: at(meanDOnFake.name) };
}

// The real/fake head only.
const realnessMetricsOnFirstOutput = (d: tf.LayersModel) => metricsForOutput(d.outputNames[0], [meanDOnReal, meanDOnFake]);

const binaryLoss = (d: tf.LayersModel, optimizer: tf.Optimizer) => d.compile({ optimizer, loss: 'binaryCrossentropy', metrics: REALNESS_METRICS });

const plain: KindStrategy = {
  kind: 'plain',
  usesLabels: false,
  discriminatorBatches: 'stacked',
  compileDiscriminator: binaryLoss,
  defineComposite: (g, d, optimizer) => defineGan(g, d, optimizer),
  discriminatorInputs: (images) => images,
  discriminatorTargets: (realness) => realness,
  generatorInputs: (z) => z,
  generatorTargets: (ones) => ones,
  realness: (d, images) => d.predict(images) as tf.Tensor,
};

// A conditional GAN is a plain one whose D and G also take the label.
const conditional: KindStrategy = {
  ...plain,
  kind: 'conditional',
  usesLabels: true,
  discriminatorBatches: 'separate',
  defineComposite: (g, d, optimizer) => defineConditionalGan(g, d, optimizer),
  discriminatorInputs: (images, labels) => [images, need(labels, 'A conditional discriminator')],
  generatorInputs: (z, wanted) => [z, need(wanted, 'A conditional generator')],
  realness: (d, images, labels) => d.predict([images, need(labels, 'A conditional discriminator')]) as tf.Tensor,
};

// An AC-GAN's G takes the label as a conditional one's does; its D does not, and answers with a second head.
const auxiliary: KindStrategy = {
  ...conditional,
  kind: 'auxiliary',
  compileDiscriminator: (d, optimizer) => d.compile({ optimizer, loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'], metrics: realnessMetricsOnFirstOutput(d) }),
  defineComposite: (g, d, optimizer) => defineAcGan(g, d, optimizer),
  discriminatorInputs: (images) => images,
  discriminatorTargets: (realness, labels) => [realness, need(labels, 'An AC-GAN discriminator\'s class head')],
  generatorTargets: (ones, wanted) => [ones, need(wanted, 'An AC-GAN generator\'s class target')],
  realness: (d, images) => (d.predict(images) as tf.Tensor[])[0],
};

export const KINDS: Record<GanKind, KindStrategy> = { plain, conditional, auxiliary };

/** The strategy of a kind (undefined means plain, as in `GanModels.kind`). */
export function kindOf(kind: GanKind | undefined): KindStrategy {
  return KINDS[kind ?? 'plain'];
}

/** What `assembleGan` needs to know about a system. */
export interface GanSpec {
  kind: GanKind;
  latentDim: number;
  /** A fresh optimizer (one for D, one for the composite). */
  optimizer(): tf.Optimizer;
  /** Classes of a conditional or auxiliary GAN (default NUM_CLASSES). */
  numClasses?: number;
}

/**
 * Wires networks into trainable GAN models: compiles the discriminator with the spec's
 * optimizer and builds the composite with another.
 */
export function assembleGan(spec: GanSpec, generator: tf.LayersModel, discriminator: tf.LayersModel): GanModels {
  const strategy = kindOf(spec.kind);
  strategy.compileDiscriminator(discriminator, spec.optimizer());
  const gan = strategy.defineComposite(generator, discriminator, spec.optimizer());
  return { generator, discriminator, gan, latentDim: spec.latentDim, kind: spec.kind, numClasses: strategy.usesLabels ? (spec.numClasses ?? NUM_CLASSES) : undefined };
}

/**
 * Networks that already exist (a lesson's own, compiled by its cells) as GanModels of `kind`:
 * the latent size read from the generator's first input, the classes when the kind uses labels.
 */
export function ganModelsOf(networks: Pick<GanModels, 'generator' | 'discriminator' | 'gan'>, kind: GanKind = 'plain', numClasses = NUM_CLASSES): GanModels {
  const latentDim = latentSizeOf(networks.generator);
  return { ...networks, latentDim, kind, numClasses: kindOf(kind).usesLabels ? numClasses : undefined };
}
