/**
 * A system with the trainer's options applied (tutorial 003's flags: noise size, learning rate,
 * image size and data set), validated: a bad combination throws an error that names the flag
 * and what it accepts.
 */
import { CelebAImageType, Partition } from '../data/images';
import { resizeWithPad } from '../data/scale';
import * as big from '../models/dcgan-32-and-64';
import { celebATrainImages, idxTrainImages, IdxDataset, mnistPartition } from '../data/train-images';
import { GanSystem, SYSTEMS } from './registry';
import { piecewiseConstant } from '../training/schedule';
import { learningRateOf, setLearningRate } from '../engine/tfjs-internals';

/** What tutorial 003's flags change about a system (all optional). */
export interface SystemOverrides {
  /** Noise dimension (tutorial 003's `noise_dim`). */
  latentDim?: number;
  /** Base learning rate of both optimizers (`lr`); a schedule keeps its shape, scaled to it. */
  learningRate?: number;
  /**
   * A step decay of the learning rate: after each of these epochs it is multiplied by
   * `lrDecayFactor` (tutorial 003's schedule has the same form, tenfold after 10, 20, 25).
   */
  lrDecayEpochs?: number[];
  /** The factor of each step of `lrDecayEpochs` (default 0.1, tutorial 003's). */
  lrDecayFactor?: number;
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

/**
 * How an error names each override: a program passes its own spellings (the trainer's are its
 * flags, in `cli/train.ts`); by default the option's own name, as a notebook writes it.
 */
export type OverrideNames = Record<keyof SystemOverrides, string>;

export const OPTION_NAMES: OverrideNames = {
  latentDim: 'latentDim',
  learningRate: 'learningRate',
  lrDecayEpochs: 'lrDecayEpochs',
  lrDecayFactor: 'lrDecayFactor',
  imageSize: 'imageSize',
  imageType: 'imageType',
  datasetPath: 'datasetPath',
  partition: 'partition',
  bbox: 'bbox',
};

/** The learning rate of a system's optimizer as the registry builds it. */
function baseLearningRate(base: GanSystem): number {
  const optimizer = base.optimizer();
  const lr = learningRateOf(optimizer);
  optimizer.dispose();
  return lr;
}

const check = (ok: boolean, message: string) => {
  if (!ok) throw new Error(message);
};

/** The checks that need no data: each throws an error naming the option as `flagNames` spells it. */
function validateOverrides(base: GanSystem, overrides: SystemOverrides, flagNames: OverrideNames): void {
  const onlyImageSystems = overrides.imageSize !== undefined || overrides.imageType !== undefined || overrides.partition !== undefined || overrides.bbox !== undefined;
  const imageSystems = Object.values(SYSTEMS).filter((s) => s.acceptsImageOptions).map((s) => s.name).join(', ');
  check(!onlyImageSystems || base.acceptsImageOptions === true, `${flagNames.imageSize}, ${flagNames.imageType}, ${flagNames.partition} and ${flagNames.bbox} apply to ${imageSystems} (tutorial 003), not ${base.name}.`);
  check(overrides.latentDim === undefined || (Number.isInteger(overrides.latentDim) && overrides.latentDim >= 1), `${flagNames.latentDim} must be a positive integer; got ${overrides.latentDim}.`);
  check(overrides.learningRate === undefined || (overrides.learningRate > 0 && overrides.learningRate < 1), `${flagNames.learningRate} must be between 0 and 1 (tutorial: 0.0002); got ${overrides.learningRate}.`);
  if (overrides.datasetPath !== undefined && !base.acceptsImageOptions) {
    check(base.dataset !== 'cifar10', `${flagNames.datasetPath} is not supported for ${base.name}: CIFAR-10 is downloaded and cached by the loader.`);
  }
}

/** The learning rate and its decay: a new base rate (the system's own schedule scaled to it), or steps of decay. */
function applyLearningRate(system: GanSystem, base: GanSystem, overrides: SystemOverrides, flagNames: OverrideNames): void {
  if (overrides.learningRate !== undefined) {
    const lr = overrides.learningRate;
    system.optimizer = () => {
      const opt = base.optimizer();
      setLearningRate(opt, lr);
      return opt;
    };
    const schedule = base.schedule;
    if (schedule) system.schedule = (epoch) => (schedule(epoch) * lr) / schedule(1);
  }
  if (overrides.lrDecayEpochs === undefined && overrides.lrDecayFactor === undefined) return;
  const epochs = overrides.lrDecayEpochs ?? [];
  const factor = overrides.lrDecayFactor ?? 0.1;
  check(epochs.length > 0 && epochs.every((e, i) => Number.isInteger(e) && e >= 1 && (i === 0 || e > epochs[i - 1])), `${flagNames.lrDecayEpochs} must list increasing epoch numbers, e.g. 5,8; got ${(overrides.lrDecayEpochs ?? []).join(',')}.`);
  check(factor > 0 && factor < 1, `${flagNames.lrDecayFactor} must be between 0 and 1 (e.g. 0.3); got ${factor}.`);
  check(base.schedule === undefined, `${base.name} has its own learning-rate schedule (tutorial 003's); ${flagNames.lrDecayEpochs} does not apply to it.`);
  // The base rate is read when training starts, not here: building an optimizer makes tensors,
  // and before the backend is chosen they land on tfjs's default cpu backend (which printed its
  // "install our node backend" notice on a native run).
  let decay: ((epoch: number) => number) | undefined;
  system.schedule = (epoch) => {
    if (!decay) {
      const lr = overrides.learningRate ?? baseLearningRate(base);
      decay = piecewiseConstant(epochs, [lr, ...epochs.map((_, k) => lr * factor ** (k + 1))]);
    }
    return decay(epoch);
  };
}

/** Tutorial 003's image options (size, MNIST or a CelebA folder, partition, bounding boxes). */
function applyImageOptions(system: GanSystem, overrides: SystemOverrides, flagNames: OverrideNames): void {
  const size = overrides.imageSize ?? 64;
  big.dcgan64Depth(size); // throws for sizes the architecture cannot make
  const type = overrides.imageType ?? 'MNIST';
  check((IMAGE_TYPES as readonly string[]).includes(type), `${flagNames.imageType} must be one of ${IMAGE_TYPES.join(', ')}; got "${type}".`);
  const partition = overrides.partition ?? (type === 'MNIST' ? 'train' : 'all');
  if (type === 'MNIST') {
    check(overrides.bbox !== true, `${flagNames.bbox} crops CelebA's in-the-wild images (img_celeba); it does not apply to MNIST.`);
    system.imageShape = [size, size, 1];
    system.loadImages = (limit) => mnistPartition(overrides.datasetPath, partition, limit);
    system.mapBatch = (images) => resizeWithPad(images, size, size);
    return;
  }
  check(overrides.datasetPath !== undefined, `${flagNames.imageType} ${type} needs ${flagNames.datasetPath}: the CelebA folder holding ${type}/ (and list_eval_partition.txt, list_bbox_celeba.txt). CelebA: https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html`);
  const root = overrides.datasetPath as string;
  system.imageShape = [size, size, 3];
  system.reverse = false;
  system.mapBatch = undefined;
  system.loadImages = (limit) => celebATrainImages(root, { imageType: type as CelebAImageType, partition, bbox: overrides.bbox, size, limit });
}

/**
 * A copy of `base` with the overrides applied, validated: a bad combination throws an error
 * that names the option (as `flagNames` spells it: the trainer's --flags, or the notebooks'
 * option names) and what it accepts.
 */
export function configureSystem(base: GanSystem, overrides: SystemOverrides, flagNames: OverrideNames = OPTION_NAMES): GanSystem {
  validateOverrides(base, overrides, flagNames);
  const system: GanSystem = { ...base };
  if (overrides.latentDim !== undefined) system.latentDim = overrides.latentDim;
  applyLearningRate(system, base, overrides, flagNames);
  if (base.acceptsImageOptions) {
    applyImageOptions(system, overrides, flagNames);
  } else if (overrides.datasetPath !== undefined) {
    const dir = overrides.datasetPath;
    const dataset = base.dataset as IdxDataset;
    system.loadImages = (limit) => idxTrainImages(dataset, base.range, limit, dir);
  }
  return system;
}
