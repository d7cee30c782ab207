/**
 * The tutorial systems by their canonical names (docs/systems.md), so the trainer, the bench and the
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
import { padMnistTo64, resizeWithPad } from '../data/scale';
import { loadCelebA, CelebAImageType, Partition } from '../data/images';
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
  /** The training step, when not the Keras-style one (S4: tutorial 003's GradientTape step). */
  step?: (models: GanModels, real: tf.Tensor4D, options: StepOptions) => Promise<StepLosses>;
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
  'dcgan-mnist': defineSystem({
    ...GREY_28,
    name: 'dcgan-mnist',
    description: 'S0: the MNIST DCGAN of tutorial 000 (sigmoid output, [0, 1])',
    batchSize: 256,
    epochs: 100,
    range: '0-1',
    split: 'half',
    kind: 'plain',
    networks: (latentDim) => ({ discriminator: dcganMnist.defineDiscriminator(), generator: dcganMnist.defineGenerator(latentDim) }),
    optimizer: () => dcganAdam(),
    loadImages: (limit) => trainImages(loadMnist, limit, '0-1'),
  }),
  'dcgan-fashion': defineSystem({
    ...GREY_28,
    name: 'dcgan-fashion',
    description: 'S1: the Fashion-MNIST DCGAN of tutorial 001 (tanh output, [-1, 1])',
    batchSize: 32,
    epochs: 10,
    range: '-1-1',
    split: 'full',
    kind: 'plain',
    networks: (latentDim) => ({ discriminator: dcganFashion.defineDiscriminator(), generator: dcganFashion.defineGenerator(latentDim) }),
    optimizer: () => tf.train.adam(0.001),
    loadImages: (limit) => trainImages(loadFashionMnist, limit, '-1-1'),
  }),
  'dcgan-cifar10': defineSystem({
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
    networks: (latentDim) => ({ discriminator: big.cifarDiscriminator(), generator: big.cifarGenerator(latentDim) }),
    optimizer: () => dcganAdam(),
    loadImages: cifarImages,
  }),
  'dcgan-64': defineSystem({
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
    networks: (latentDim, [size, , channels]) => ({ discriminator: big.dcgan64Discriminator(channels, size), generator: big.dcgan64Generator(channels, latentDim, size) }),
    optimizer: () => dcganAdam(),
    loadImages: (limit) => trainImages(loadMnist, limit, '-1-1'),
    mapBatch: padMnistTo64,
    step: tapeStep,
    schedule: tutorial003Schedule(0.0002),
    gridCount: 16,
    checkpointEvery: 15,
  }),
  'cgan-fashion': defineSystem({
    ...CONDITIONAL,
    name: 'cgan-fashion',
    description: 'S3: the conditional DCGAN of tutorial 002 (label as an extra channel), Fashion-MNIST',
    batchSize: 128,
    epochs: 100,
    kind: 'conditional',
    classNames: FASHION_CLASS_NAMES,
    networks: (latentDim) => ({ discriminator: conditional.cganFashionDiscriminator(), generator: conditional.cganFashionGenerator(latentDim) }),
    loadImages: (limit) => trainImages(loadFashionMnist, limit, '-1-1'),
  }),
  'cgan-mnist': defineSystem({
    ...CONDITIONAL,
    name: 'cgan-mnist',
    description: 'S5: the dense CGAN of tutorial 004 (label embeddings multiplied in), MNIST',
    batchSize: 128,
    epochs: 30,
    kind: 'conditional',
    classNames: DIGITS,
    networks: (latentDim) => ({ discriminator: conditional.cganMnistDiscriminator(), generator: conditional.cganMnistGenerator(latentDim) }),
    loadImages: (limit) => trainImages(loadMnist, limit, '-1-1'),
  }),
  'acgan-mnist': defineSystem({
    ...CONDITIONAL,
    name: 'acgan-mnist',
    description: 'S6: the AC-GAN of tutorial 004 (real/fake and class heads), MNIST',
    batchSize: 64,
    epochs: 100,
    kind: 'auxiliary',
    classNames: DIGITS,
    networks: (latentDim) => ({ discriminator: conditional.acganDiscriminator(), generator: conditional.acganGenerator(latentDim) }),
    loadImages: (limit) => trainImages(loadMnist, limit, '-1-1'),
  }),
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

/** What tutorial 003's flags change about a system (all optional). */
export interface SystemOverrides {
  /** Noise dimension (tutorial 003's `noise_dim`). */
  latentDim?: number;
  /** Base learning rate of both optimizers (`lr`); a schedule keeps its shape, scaled to it. */
  learningRate?: number;
  /** dcgan-64 only: image size the networks work at (`DisInSize`, default 64). */
  imageSize?: number;
  /** dcgan-64 only: the dataset (`ImageType`): MNIST padded to the image size, or a CelebA folder. */
  imageType?: 'MNIST' | CelebAImageType;
  /** Folder of the dataset (`DatasetPath`): MNIST's IDX files or CelebA's root folder. */
  datasetPath?: string;
  /** Which split to train on (`Partition`): CelebA's train/val/test/all; MNIST's train/test/all. */
  partition?: Partition;
  /** Crop img_celeba by its bounding boxes (`bbox`, default true). */
  bbox?: boolean;
}

export const IMAGE_TYPES = ['MNIST', 'img_celeba', 'img_align_celeba', 'img_align_celeba_png'] as const;

async function mnistPartition(dir: string | undefined, partition: Partition, limit?: number): Promise<{ images: tf.Tensor4D; labels: tf.Tensor1D }> {
  if (partition === 'val') throw new Error('MNIST has no "val" partition: use train, test or all.');
  const ds = await loadMnist({ dir, limit });
  const pick = partition === 'all' ? [ds.train, ds.test] : [partition === 'train' ? ds.train : ds.test];
  const images = tf.tidy(() => scaleToSymmetric(tf.concat(pick.map((p) => p.images))) as tf.Tensor4D);
  const labels = tf.concat(pick.map((p) => p.labels)) as tf.Tensor1D;
  tf.dispose([ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  return { images, labels };
}

/**
 * A copy of `base` with the overrides applied, validated: a bad combination throws an error
 * that names the flag and what it accepts.
 */
export function configureSystem(base: GanSystem, o: SystemOverrides): GanSystem {
  const check = (ok: boolean, message: string) => {
    if (!ok) throw new Error(message);
  };
  const only64 = o.imageSize !== undefined || o.imageType !== undefined || o.partition !== undefined || o.bbox !== undefined;
  check(!only64 || base.name === 'dcgan-64', `--input-size, --image-type, --partition and --bbox apply to dcgan-64 (tutorial 003), not ${base.name}.`);
  check(o.latentDim === undefined || (Number.isInteger(o.latentDim) && o.latentDim >= 1), `--noise-dim must be a positive integer; got ${o.latentDim}.`);
  check(o.learningRate === undefined || (o.learningRate > 0 && o.learningRate < 1), `--lr must be between 0 and 1 (tutorial: 0.0002); got ${o.learningRate}.`);
  if (o.datasetPath !== undefined && base.name !== 'dcgan-64') {
    check(['dcgan-mnist', 'dcgan-fashion', 'cgan-fashion', 'cgan-mnist', 'acgan-mnist'].includes(base.name), `--dataset-path is not supported for ${base.name}: CIFAR-10 is downloaded and cached by the loader.`);
  }
  const system: GanSystem = { ...base };
  if (o.latentDim !== undefined) system.latentDim = o.latentDim;
  if (o.learningRate !== undefined) {
    const lr = o.learningRate;
    system.optimizer = () => {
      const opt = base.optimizer();
      (opt as unknown as { learningRate: number }).learningRate = lr;
      return opt;
    };
    const schedule = base.schedule;
    if (schedule) system.schedule = (epoch) => (schedule(epoch) * lr) / schedule(1);
  }
  if (base.name !== 'dcgan-64') {
    if (o.datasetPath !== undefined) {
      const load = base.name.includes('fashion') ? loadFashionMnist : loadMnist;
      const dir = o.datasetPath;
      system.loadImages = (limit) => trainImages((opts) => load({ ...opts, dir }), limit, base.range as '0-1' | '-1-1');
    }
    return system;
  }
  const size = o.imageSize ?? 64;
  big.dcgan64Depth(size); // throws for sizes the architecture cannot make
  const type = o.imageType ?? 'MNIST';
  check((IMAGE_TYPES as readonly string[]).includes(type), `--image-type must be one of ${IMAGE_TYPES.join(', ')}; got "${type}".`);
  const partition = o.partition ?? (type === 'MNIST' ? 'train' : 'all');
  if (type === 'MNIST') {
    check(o.bbox !== true, '--bbox crops CelebA\'s in-the-wild images (img_celeba); it does not apply to MNIST.');
    system.imageShape = [size, size, 1];
    system.loadImages = (limit) => mnistPartition(o.datasetPath, partition, limit);
    system.mapBatch = (images) => resizeWithPad(images, size, size);
    return system;
  }
  check(o.datasetPath !== undefined, `--image-type ${type} needs --dataset-path: the CelebA folder holding ${type}/ (and list_eval_partition.txt, list_bbox_celeba.txt). CelebA: https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html`);
  const root = o.datasetPath as string;
  system.imageShape = [size, size, 3];
  system.reverse = false;
  system.mapBatch = undefined;
  system.loadImages = async (limit) => {
    const raw = await loadCelebA(root, { imageType: type as CelebAImageType, partition, bbox: o.bbox, size, limit });
    const images = tf.tidy(() => scaleToSymmetric(raw) as tf.Tensor4D);
    raw.dispose();
    return { images, labels: tf.zeros([images.shape[0]], 'int32') as tf.Tensor1D };
  };
  return system;
}
