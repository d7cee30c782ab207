/**
 * Batching in the style of tf.data, built on tf.data itself: a dataset of example indices is
 * shuffled with a buffer (seeded, so repeatable), batched (dropping the remainder, as the
 * tutorials' `drop_remainder=True`), turned into image batches by one gather per batch, and
 * prefetched. Only the batches in flight exist as tensors, so memory stays flat over epochs.
 */
import * as tf from '@tensorflow/tfjs';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle buffer size (tutorial 001: 1000; default: the whole dataset). 0 = no shuffle. */
  shuffleBuffer?: number;
  /** Seed of the shuffle, so a run is repeatable. */
  seed?: number | string;
  /** Drop the last, smaller batch (default true). */
  dropRemainder?: boolean;
  /** Batches prepared ahead (default 1; 0 = none, so stopping mid-epoch leaves nothing allocated). */
  prefetch?: number;
  /** Applied to each image batch inside a tidy (e.g. scaling to [-1, 1]). */
  map?: (images: tf.Tensor4D) => tf.Tensor4D;
  /** Also yield the labels of each batch. */
  labels?: tf.Tensor1D;
}

export interface Batch extends tf.TensorContainerObject {
  images: tf.Tensor4D;
  labels?: tf.Tensor1D;
}

/** A re-iterable dataset of batches of `images` (one pass = one epoch). Callers dispose each batch. */
export function batchDataset(images: tf.Tensor4D, options: BatchOptions): tf.data.Dataset<Batch> {
  const n = images.shape[0];
  if (options.batchSize < 1 || !Number.isInteger(options.batchSize)) throw new Error(`batchSize must be a positive integer, got ${options.batchSize}.`);
  if (options.labels && options.labels.shape[0] !== n) throw new Error(`labels has ${options.labels.shape[0]} entries but images has ${n}.`);
  let ds: tf.data.Dataset<number> = tf.data.array(Array.from({ length: n }, (_, i) => i));
  const buffer = options.shuffleBuffer ?? n;
  if (buffer > 0) ds = ds.shuffle(buffer, options.seed === undefined ? undefined : String(options.seed));
  const batched = ds.batch(options.batchSize, !(options.dropRemainder ?? true)) as unknown as tf.data.Dataset<tf.Tensor1D>;
  const mapped = batched.map((idx: tf.Tensor1D) => {
    const picked = tf.gather(images, idx.toInt()) as tf.Tensor4D;
    const out: Batch = { images: options.map ? options.map(picked) : picked };
    if (options.labels) out.labels = tf.gather(options.labels, idx.toInt()) as tf.Tensor1D;
    return out as unknown as tf.TensorContainer;
  }) as unknown as tf.data.Dataset<Batch>;
  const ahead = options.prefetch ?? 1;
  return ahead > 0 ? mapped.prefetch(ahead) : mapped;
}

/** Number of batches per epoch. */
export function batchesPerEpoch(n: number, batchSize: number, dropRemainder = true): number {
  return dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}
