/**
 * The tutorial systems by their canonical names (SPEC.md), so the trainer, the bench and the
 * notebooks build them the same way. Systems join as they land.
 */
import * as tf from '@tensorflow/tfjs';
import { GanModels } from '../training/step';
import { PixelRange } from '../visual/grid';
import { loadFashionMnist, loadMnist, ImageDataset } from '../data/mnist';
import { scaleToSymmetric, scaleToUnit } from '../data/scale';
import { dcganAdam, defineGan, defineConditionalGan, GanKind } from './composite';
import * as conditional from './conditional';
import * as big from './dcgan-big';
import { loadCifar10 } from '../data/cifar10';
import { padMnistTo64 } from '../data/scale';
import { tapeStep } from '../training/tape-step';
import { tutorial003Schedule } from '../training/schedule';
import { StepLosses, StepOptions } from '../training/step';
import { FASHION_CLASS_NAMES } from '../data/mnist';
import * as dcganMnist from './dcgan-mnist';
import * as dcganFashion from './dcgan-fashion';

export interface GanSystem {
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
  range: Exclude<PixelRange, '0-255'>;
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
  /** A fresh generator and a compiled discriminator. */
  buildNetworks(): { generator: tf.LayersModel; discriminator: tf.LayersModel };
  /** The optimizer of each network. */
  optimizer(): tf.Optimizer;
  /** The real training images, scaled to `range`, and their labels. */
  loadImages(limit?: number): Promise<{ images: tf.Tensor4D; labels: tf.Tensor1D }>;
  /** Applied to each batch before the step (S4 pads MNIST to 64x64 per batch, not all at once). */
  mapBatch?: (images: tf.Tensor4D) => tf.Tensor4D;
  /** The training step, when not the Keras-style one (S4: tutorial 003's GradientTape step). */
  step?: (models: GanModels, real: tf.Tensor4D, options: StepOptions) => Promise<StepLosses>;
  /** Learning rate per epoch (S4: piecewise-constant decay). */
  schedule?: (epoch: number) => number;
  /** Samples in the per-epoch grid (default 25; tutorial 003: 16). */
  gridCount?: number;
  /** Default checkpoint interval in epochs (default 1; tutorial 003 saves every 15). */
  checkpointEvery?: number;
}

async function trainImages(load: (o: { limit?: number }) => Promise<ImageDataset>, limit: number | undefined, range: '0-1' | '-1-1'): Promise<{ images: tf.Tensor4D; labels: tf.Tensor1D }> {
  const ds = await load({ limit });
  const images = (range === '0-1' ? scaleToUnit(ds.train.images) : scaleToSymmetric(ds.train.images)) as tf.Tensor4D;
  tf.dispose([ds.train.images, ds.test.images, ds.test.labels]);
  return { images, labels: ds.train.labels };
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** What every tutorial system here shares: 28x28 grey images, 100 latent dimensions, dark on light. */
const GREY_28 = { latentDim: 100, imageShape: [28, 28, 1] as [number, number, number], reverse: true };

/** The conditional systems also share tanh images, half-batch steps and Adam(0.0002, 0.5). */
const CONDITIONAL = { ...GREY_28, range: '-1-1' as const, split: 'half' as const, optimizer: () => dcganAdam() };

async function cifarImages(limit?: number): Promise<{ images: tf.Tensor4D; labels: tf.Tensor1D }> {
  const ds = await loadCifar10({ limit });
  const images = scaleToSymmetric(ds.train.images) as tf.Tensor4D;
  tf.dispose([ds.train.images, ds.test.images, ds.test.labels]);
  return { images, labels: ds.train.labels };
}

export const SYSTEMS: Record<string, GanSystem> = {
  'dcgan-mnist': {
    ...GREY_28,
    name: 'dcgan-mnist',
    description: 'S0: the MNIST DCGAN of tutorial 000 (sigmoid output, [0, 1])',
    batchSize: 256,
    epochs: 100,
    range: '0-1',
    split: 'half',
    kind: 'plain',
    buildNetworks: () => ({ discriminator: dcganMnist.defineDiscriminator(), generator: dcganMnist.defineGenerator(100) }),
    optimizer: () => dcganAdam(),
    loadImages: (limit) => trainImages(loadMnist, limit, '0-1'),
  },
  'dcgan-fashion': {
    ...GREY_28,
    name: 'dcgan-fashion',
    description: 'S1: the Fashion-MNIST DCGAN of tutorial 001 (tanh output, [-1, 1])',
    batchSize: 32,
    epochs: 10,
    range: '-1-1',
    split: 'full',
    kind: 'plain',
    buildNetworks: () => ({ discriminator: dcganFashion.defineDiscriminator(), generator: dcganFashion.defineGenerator(100) }),
    optimizer: () => tf.train.adam(0.001),
    loadImages: (limit) => trainImages(loadFashionMnist, limit, '-1-1'),
  },
  'dcgan-cifar10': {
    name: 'dcgan-cifar10',
    description: 'S2: the CIFAR-10 DCGAN of tutorial 002 (32x32x3, tanh, [-1, 1])',
    batchSize: 128,
    epochs: 150,
    latentDim: 128,
    imageShape: [32, 32, 3],
    range: '-1-1',
    split: 'half',
    reverse: false,
    kind: 'plain',
    buildNetworks: () => {
      const discriminator = big.cifarDiscriminator();
      discriminator.compile({ optimizer: dcganAdam(), loss: 'binaryCrossentropy' });
      return { discriminator, generator: big.cifarGenerator(128) };
    },
    optimizer: () => dcganAdam(),
    loadImages: cifarImages,
  },
  'dcgan-64': {
    name: 'dcgan-64',
    description: 'S4: the 64x64 DCGAN of tutorial 003 on MNIST padded to 64x64 (GradientTape step, lr decay)',
    batchSize: 128,
    epochs: 35,
    latentDim: 100,
    imageShape: [64, 64, 1],
    range: '-1-1',
    split: 'full',
    reverse: true,
    kind: 'plain',
    buildNetworks: () => {
      const discriminator = big.dcgan64Discriminator(1, 64);
      discriminator.compile({ optimizer: dcganAdam(), loss: 'binaryCrossentropy' });
      return { discriminator, generator: big.dcgan64Generator(1, 100) };
    },
    optimizer: () => dcganAdam(),
    loadImages: (limit) => trainImages(loadMnist, limit, '-1-1'),
    mapBatch: padMnistTo64,
    step: tapeStep,
    schedule: tutorial003Schedule(0.0002),
    gridCount: 16,
    checkpointEvery: 15,
  },
  'cgan-fashion': {
    ...CONDITIONAL,
    name: 'cgan-fashion',
    description: 'S3: the conditional DCGAN of tutorial 002 (label as an extra channel), Fashion-MNIST',
    batchSize: 128,
    epochs: 100,
    kind: 'conditional',
    classNames: FASHION_CLASS_NAMES,
    buildNetworks: () => ({ discriminator: conditional.cganFashionDiscriminator(), generator: conditional.cganFashionGenerator(100) }),
    loadImages: (limit) => trainImages(loadFashionMnist, limit, '-1-1'),
  },
  'cgan-mnist': {
    ...CONDITIONAL,
    name: 'cgan-mnist',
    description: 'S5: the dense CGAN of tutorial 004 (label embeddings multiplied in), MNIST',
    batchSize: 128,
    epochs: 30,
    kind: 'conditional',
    classNames: DIGITS,
    buildNetworks: () => ({ discriminator: conditional.cganMnistDiscriminator(), generator: conditional.cganMnistGenerator(100) }),
    loadImages: (limit) => trainImages(loadMnist, limit, '-1-1'),
  },
  'acgan-mnist': {
    ...CONDITIONAL,
    name: 'acgan-mnist',
    description: 'S6: the AC-GAN of tutorial 004 (real/fake and class heads), MNIST',
    batchSize: 64,
    epochs: 100,
    kind: 'auxiliary',
    classNames: DIGITS,
    buildNetworks: () => ({ discriminator: conditional.acganDiscriminator(), generator: conditional.acganGenerator(100) }),
    loadImages: (limit) => trainImages(loadMnist, limit, '-1-1'),
  },
};

/** Looks a system up by name; the error lists the names that exist. */
export function getSystem(name: string): GanSystem {
  const system = SYSTEMS[name];
  if (!system) throw new Error(`Unknown model "${name}". Known models: ${Object.keys(SYSTEMS).join(', ')}.`);
  return system;
}

/**
 * Wires networks into trainable GAN models: compiles the discriminator with the system's
 * optimizer and builds the composite with another.
 */
export function assembleGan(system: GanSystem, generator: tf.LayersModel, discriminator: tf.LayersModel): GanModels {
  if (system.kind === 'auxiliary') discriminator.compile({ optimizer: system.optimizer(), loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'] });
  else discriminator.compile({ optimizer: system.optimizer(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const gan = system.kind === 'plain' ? defineGan(generator, discriminator, system.optimizer()) : defineConditionalGan(generator, discriminator, system.kind, system.optimizer());
  return { generator, discriminator, gan, latentDim: system.latentDim, kind: system.kind, numClasses: system.kind === 'plain' ? undefined : 10 };
}

/** A freshly initialised system, ready to train. */
export function buildSystem(system: GanSystem): GanModels {
  const { generator, discriminator } = system.buildNetworks();
  return assembleGan(system, generator, discriminator);
}
