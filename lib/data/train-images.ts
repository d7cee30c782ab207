/**
 * The training images of each system, loaded and scaled to the generator's range: MNIST and
 * Fashion-MNIST from IDX files, CIFAR-10, and tutorial 003's choices (an MNIST partition padded
 * to the model's size, or a CelebA folder).
 */
import * as tf from '@tensorflow/tfjs';
import { loadFashionMnist, loadMnist } from './mnist';
import { loadCifar10 } from './cifar10';
import { loadCelebA, CelebAImageType, Partition } from './images';
import { fromBytes, scaleToSymmetric, ModelRange } from '../pixels';

export interface TrainImages {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/** The IDX data sets (MNIST's file layout). */
export type IdxDataset = 'mnist' | 'fashion-mnist';

/** The training split of an IDX data set, scaled to `range`; `dir` replaces the default folder. */
export async function idxTrainImages(dataset: IdxDataset, range: ModelRange, limit?: number, dir?: string): Promise<TrainImages> {
  const ds = await (dataset === 'mnist' ? loadMnist : loadFashionMnist)({ limit, dir });
  const images = fromBytes(ds.train.images, range) as tf.Tensor4D;
  tf.dispose([ds.train.images, ds.test.images, ds.test.labels]);
  return { images, labels: ds.train.labels };
}

/** CIFAR-10's training images in [-1, 1] (tutorial 002). */
export async function cifarTrainImages(limit?: number): Promise<TrainImages> {
  const ds = await loadCifar10({ limit });
  const images = scaleToSymmetric(ds.train.images) as tf.Tensor4D;
  tf.dispose([ds.train.images, ds.test.images, ds.test.labels]);
  return { images, labels: ds.train.labels };
}

/** Tutorial 003's MNIST partition (train, test or all) in [-1, 1]. */
export async function mnistPartition(dir: string | undefined, partition: Partition, limit?: number): Promise<TrainImages> {
  if (partition === 'val') throw new Error('MNIST has no "val" partition: use train, test or all.');
  const ds = await loadMnist({ dir, limit });
  const pick = partition === 'all' ? [ds.train, ds.test] : [partition === 'train' ? ds.train : ds.test];
  const images = tf.tidy(() => scaleToSymmetric(tf.concat(pick.map((p) => p.images))) as tf.Tensor4D);
  const labels = tf.concat(pick.map((p) => p.labels)) as tf.Tensor1D;
  tf.dispose([ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  return { images, labels };
}

/** CelebA images of `size` pixels in [-1, 1] (tutorial 003), with dummy labels. */
export async function celebATrainImages(root: string, options: { imageType: CelebAImageType; partition: Partition; bbox?: boolean; size: number; limit?: number }): Promise<TrainImages> {
  const raw = await loadCelebA(root, options);
  const images = tf.tidy(() => scaleToSymmetric(raw) as tf.Tensor4D);
  raw.dispose();
  return { images, labels: tf.zeros([images.shape[0]], 'int32') as tf.Tensor1D };
}
