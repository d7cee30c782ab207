/**
 * The tutorial systems by their canonical names (docs/systems.md), so the trainer, the bench and the
 * notebooks build them the same way. "Tutorial 000" ... "tutorial 004" in the library's comments
 * are the five seed tutorials described in docs/tutorials.md.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelRange } from '../pixels';
import { ClassifierDomain } from '../metrics/classifier';
import { cifarTrainImages, idxTrainImages, IdxDataset } from '../data/train-images';
import { dcganAdam } from '../models/composite';
import { GanKind, GanModels } from '../models/gan';
import { GanSpec, assembleGan } from '../models/kinds';
import * as conditional from '../models/class-conditional';
import * as big from '../models/dcgan-32-and-64';
import { padMnistTo64 } from '../data/scale';
import { tapeStep } from '../training/tape-step';
import { tenfoldStepDecay } from '../training/schedule';
import { TrainStepFn } from '../training/step';
import { FASHION_CLASS_NAMES } from '../data/mnist';
import * as dcganMnist from '../models/dcgan-mnist';
import * as dcganFashion from '../models/dcgan-fashion';

export interface GanSystem extends GanSpec {
  /** Canonical name, e.g. `dcgan-mnist`. */
  name: string;
  /** What it is, for help texts. */
  description: string;
  /** The tutorial's batch size. */
  batchSize: number;
  /** The tutorial's number of epochs. */
  epochs: number;
  latentDim: number;
  /** [height, width, channels] of one image. */
  imageShape: [number, number, number];
  /** Pixel range the generator produces (and the training images are scaled to). */
  range: ModelRange;
  /**
   * How a step splits the batch: 'half' = D sees batch/2 real + batch/2 fake and G a full
   * batch (tutorial 000); 'full' = D sees a batch of each and G a batch (tutorial 001).
   */
  split: 'half' | 'full';
  /** Draw dark on light (MNIST-like data). */
  reverse: boolean;
  /** plain, conditional (label input on both networks) or auxiliary (AC-GAN). */
  kind: GanKind;
  /** Names of the classes, for class-ordered grids (conditional systems). */
  classNames?: string[];
  /** The training images: MNIST and Fashion-MNIST read from IDX files (--dataset-path), CIFAR-10. */
  dataset: 'mnist' | 'fashion-mnist' | 'cifar10';
  /** The classifier its samples are scored with (FID, KID, ...); none for CIFAR-10. */
  metricDomain?: ClassifierDomain;
  /** Takes tutorial 003's image options (size, CelebA folders, partitions, bounding boxes). */
  acceptsImageOptions?: boolean;
  /** A fresh generator and a compiled discriminator for this system's latent size and image shape. */
  buildNetworks(): Networks;
  /** The same networks for another latent size or image shape (see `configureSystem`). */
  networks(latentDim: number, imageShape: [number, number, number]): Networks;
  /** The optimizer of each network. */
  optimizer(): tf.Optimizer;
  /** The real training images, scaled to `range`, and their labels. */
  loadImages(limit?: number): Promise<{ images: tf.Tensor4D; labels: tf.Tensor1D }>;
  /** Applied to each batch before the step (S4 pads MNIST to 64x64 per batch, not all at once). */
  mapBatch?: (images: tf.Tensor4D) => tf.Tensor4D;
  /** The training step, when not the Keras-style one (S4: the GradientTape step reconstructed from tutorial 003, which calls its train_step without showing it). */
  step?: TrainStepFn;
  /** Learning rate per epoch (S4: piecewise-constant decay). */
  schedule?: (epoch: number) => number;
  /** Samples in the per-epoch grid (default 25; tutorial 003: 16). */
  gridCount?: number;
  /** Default checkpoint interval in epochs (default 1; tutorial 003 saves every 15). */
  checkpointEvery?: number;
}

export interface Networks {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
}

/** A system whose `buildNetworks` uses its own latent size and image shape. */
function defineSystem(spec: Omit<GanSystem, 'buildNetworks'>): GanSystem {
  return { ...spec, buildNetworks() { return this.networks(this.latentDim, this.imageShape); } };
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** What every tutorial system here shares: 28x28 grey images, 100 latent dimensions, dark on light. */
const GREY_28 = { latentDim: 100, imageShape: [28, 28, 1] as [number, number, number], reverse: true };

/** The conditional systems also share tanh images, half-batch steps and Adam(0.0002, 0.5). */
const CONDITIONAL = { ...GREY_28, range: '-1-1' as const, split: 'half' as const, optimizer: () => dcganAdam() };

/**
 * Trained on an IDX data set (MNIST or Fashion-MNIST) scaled to `range`, and scored by that data
 * set's classifier.
 */
const onIdx = (dataset: IdxDataset, range: ModelRange) => ({
  dataset,
  metricDomain: dataset,
  range,
  loadImages: (limit?: number) => idxTrainImages(dataset, range, limit),
});

export const SYSTEMS: Record<string, GanSystem> = {
  'dcgan-mnist': defineSystem({
    ...GREY_28,
    ...onIdx('mnist', '0-1'),
    name: 'dcgan-mnist',
    description: 'S0: the MNIST DCGAN of tutorial 000 (sigmoid output, [0, 1])',
    batchSize: 256,
    epochs: 100,
    split: 'half',
    kind: 'plain',
    networks: (latentDim) => ({ discriminator: dcganMnist.defineDiscriminator(), generator: dcganMnist.defineGenerator(latentDim) }),
    optimizer: () => dcganAdam(),
  }),
  'dcgan-fashion': defineSystem({
    ...GREY_28,
    ...onIdx('fashion-mnist', '-1-1'),
    name: 'dcgan-fashion',
    description: 'S1: the Fashion-MNIST DCGAN of tutorial 001 (tanh output, [-1, 1])',
    batchSize: 32,
    epochs: 10,
    split: 'full',
    kind: 'plain',
    networks: (latentDim) => ({ discriminator: dcganFashion.defineDiscriminator(), generator: dcganFashion.defineGenerator(latentDim) }),
    optimizer: () => tf.train.adam(0.001),
  }),
  'dcgan-cifar10': defineSystem({
    name: 'dcgan-cifar10',
    dataset: 'cifar10',
    description: 'S2: the CIFAR-10 DCGAN of tutorial 002 (32x32x3, tanh, [-1, 1])',
    batchSize: 128,
    epochs: 150,
    latentDim: 128,
    imageShape: [32, 32, 3],
    range: '-1-1',
    split: 'half',
    reverse: false,
    kind: 'plain',
    networks: (latentDim) => ({ discriminator: big.cifarDiscriminator(), generator: big.cifarGenerator(latentDim) }),
    optimizer: () => dcganAdam(),
    loadImages: cifarTrainImages,
  }),
  'dcgan-64': defineSystem({
    ...onIdx('mnist', '-1-1'),
    name: 'dcgan-64',
    acceptsImageOptions: true,
    description: 'S4: the 64x64 DCGAN of tutorial 003 on MNIST padded to 64x64 (GradientTape step, lr decay)',
    batchSize: 128,
    epochs: 35,
    latentDim: 100,
    imageShape: [64, 64, 1],
    split: 'full',
    reverse: true,
    kind: 'plain',
    networks: (latentDim, [size, , channels]) => ({ discriminator: big.dcgan64Discriminator(channels, size), generator: big.dcgan64Generator(channels, latentDim, size) }),
    optimizer: () => dcganAdam(),
    mapBatch: padMnistTo64,
    step: tapeStep,
    schedule: tenfoldStepDecay(0.0002),
    gridCount: 16,
    checkpointEvery: 15,
  }),
  'cgan-fashion': defineSystem({
    ...CONDITIONAL,
    ...onIdx('fashion-mnist', '-1-1'),
    name: 'cgan-fashion',
    description: 'S3: the conditional DCGAN of tutorial 002 (label as an extra channel), Fashion-MNIST',
    batchSize: 128,
    epochs: 100,
    kind: 'conditional',
    classNames: FASHION_CLASS_NAMES,
    networks: (latentDim) => ({ discriminator: conditional.cganFashionDiscriminator(), generator: conditional.cganFashionGenerator(latentDim) }),
  }),
  'cgan-mnist': defineSystem({
    ...CONDITIONAL,
    ...onIdx('mnist', '-1-1'),
    name: 'cgan-mnist',
    description: 'S5: the dense CGAN of tutorial 004 (label embeddings multiplied in), MNIST',
    batchSize: 128,
    epochs: 30,
    kind: 'conditional',
    classNames: DIGITS,
    networks: (latentDim) => ({ discriminator: conditional.cganMnistDiscriminator(), generator: conditional.cganMnistGenerator(latentDim) }),
  }),
  'acgan-mnist': defineSystem({
    ...CONDITIONAL,
    ...onIdx('mnist', '-1-1'),
    name: 'acgan-mnist',
    description: 'S6: the AC-GAN of tutorial 004 (real/fake and class heads), MNIST',
    batchSize: 64,
    epochs: 100,
    kind: 'auxiliary',
    classNames: DIGITS,
    networks: (latentDim) => ({ discriminator: conditional.acganDiscriminator(), generator: conditional.acganGenerator(latentDim) }),
  }),
};

/** Looks a system up by name; the error lists the names that exist. */
export function getSystem(name: string): GanSystem {
  const system = SYSTEMS[name];
  if (!system) throw new Error(`Unknown model "${name}". Known models: ${Object.keys(SYSTEMS).join(', ')}.`);
  return system;
}

/** A freshly initialised system, ready to train. */
export function buildSystem(system: GanSystem): GanModels {
  const { generator, discriminator } = system.buildNetworks();
  return assembleGan(system, generator, discriminator);
}


/** The classifier domain a system's samples are scored in; an error for systems without one. */
export function metricDomainOf(system: GanSystem): ClassifierDomain {
  if (!system.metricDomain) {
    const scored = Object.values(SYSTEMS).filter((s) => s.metricDomain).map((s) => s.name);
    throw new Error(`No domain classifier for ${system.name}: sample-quality metrics cover ${scored.join(', ')} (28x28 digits and garments).`);
  }
  return system.metricDomain;
}
