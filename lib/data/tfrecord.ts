/**
 * Tutorial 003's step of converting a dataset to TFRecord files, so a large image set is
 * decoded once: each image is one `tf.train.Example` with its raw bytes and shape (and label).
 * Uses the npm package `tfrecord` (reader and writer of the TensorFlow record format).
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomicWith } from '../io';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the tfrecord package ships no types
const tfrecord = require('tfrecord');

/** Writes images ([n, h, w, c], 0..255) and optional labels to a TFRecord file, atomically. */
export async function writeImageRecords(file: string, images: tf.Tensor4D, labels?: tf.Tensor1D): Promise<number> {
  const [n, h, w, c] = images.shape;
  const bytes = Uint8Array.from(await images.clipByValue(0, 255).data());
  const classes = labels ? await labels.data() : undefined;
  await writeFileAtomicWith(file, async (tmp) => {
    const writer = await tfrecord.createWriter(tmp);
    for (let i = 0; i < n; i++) {
      const builder = tfrecord.createBuilder();
      // A copy, not a view: the protobuf encoder reads the view's whole underlying buffer.
      builder.setBinary('image_raw', bytes.slice(i * h * w * c, (i + 1) * h * w * c));
      builder.setIntegers('shape', [h, w, c]);
      if (classes) builder.setInteger('label', classes[i]);
      await writer.writeExample(builder.releaseExample());
    }
    await writer.close();
  });
  return n;
}

/** Reads a file written by `writeImageRecords` back into tensors. */
export async function readImageRecords(file: string): Promise<{ images: tf.Tensor4D; labels?: tf.Tensor1D }> {
  if (!fs.existsSync(file)) throw new Error(`TFRecord file ${file} does not exist. Create it with writeImageRecords (the 64x64 notebook does).`);
  const reader = await tfrecord.createReader(file);
  const chunks: Uint8Array[] = [];
  const labels: number[] = [];
  let shape: number[] | undefined;
  let example;
  try {
    while ((example = await reader.readExample())) {
      const f = example.features.feature;
      const s = (f.shape?.int64List?.value ?? []).map(Number);
      if (!f.image_raw || s.length !== 3) throw new Error('record has no image_raw/shape features');
      if (shape && s.join() !== shape.join()) throw new Error(`record of shape [${s}] among records of shape [${shape}]`);
      shape = s;
      // Copied: the decoded bytes are a view of the reader's buffer, which the next record reuses.
      chunks.push(Uint8Array.from(f.image_raw.bytesList.value[0] as Uint8Array));
      if (f.label) labels.push(Number(f.label.int64List.value[0]));
    }
  } catch (err) {
    throw new Error(`${file}: not a readable image TFRecord file (${(err as Error).message}). Delete it and convert the dataset again.`);
  }
  if (!shape) throw new Error(`${file} holds no records. Delete it and convert the dataset again.`);
  const per = shape[0] * shape[1] * shape[2];
  const pixels = new Float32Array(chunks.length * per);
  chunks.forEach((chunk, i) => pixels.set(chunk, i * per));
  return {
    images: tf.tensor4d(pixels, [chunks.length, shape[0], shape[1], shape[2]]),
    labels: labels.length === chunks.length ? tf.tensor1d(labels, 'int32') : undefined,
  };
}
