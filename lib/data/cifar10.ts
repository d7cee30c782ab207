/**
 * CIFAR-10, binary version (https://www.cs.toronto.edu/~kriz/cifar.html): 60,000 colour
 * images of 32x32 in 10 classes. Each record is 1 label byte then 3072 pixel bytes
 * (1024 red, 1024 green, 1024 blue, row-major).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as tar from 'tar';
import { DatasetFormatError } from './idx';
import { ImageDataset, LabelledImages } from './mnist';
import { RemoteFile, defaultCacheDir, ensureFile, Fetcher, httpFetcher } from './download';
import * as os from 'os';

export const CIFAR10_CLASS_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export const CIFAR10_ARCHIVE: RemoteFile = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  name: 'cifar-10-binary.tar.gz',
  digest: 'c32a1d4ab5d03f1284b67883e8d87530',
  algorithm: 'md5',
};

const RECORD = 1 + 32 * 32 * 3;
const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILES = ['test_batch.bin'];

/** Decodes CIFAR-10 binary records into NHWC pixels (0..255) and labels. */
export function parseCifarBatch(bytes: Uint8Array, file = '<buffer>'): { pixels: Uint8Array; labels: Uint8Array } {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new DatasetFormatError(file, `length ${bytes.length} is not a multiple of the ${RECORD}-byte CIFAR-10 record (${bytes.length % RECORD} bytes left over)`, 'The file is truncated or not a CIFAR-10 binary batch: delete it and download the dataset again.');
  }
  const n = bytes.length / RECORD;
  const pixels = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const rec = i * RECORD;
    const label = bytes[rec];
    if (label > 9) throw new DatasetFormatError(file, `record ${i} has label ${label}, outside 0..9`, 'The file is not a CIFAR-10 binary batch.');
    labels[i] = label;
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) pixels[(i * 1024 + p) * 3 + c] = bytes[rec + 1 + c * 1024 + p];
    }
  }
  return { pixels, labels };
}

function readSplit(dir: string, files: string[], limit?: number): LabelledImages {
  const parts = files.map((f) => {
    const file = path.join(dir, f);
    if (!fs.existsSync(file)) throw new Error(`Missing CIFAR-10 file ${file}. Run loadCifar10() with network access to download it, or extract cifar-10-binary.tar.gz there.`);
    return parseCifarBatch(fs.readFileSync(file), file);
  });
  let n = parts.reduce((s, p) => s + p.labels.length, 0);
  n = Math.min(n, limit ?? Infinity);
  const pixels = new Float32Array(n * 3072);
  const labels = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    const take = Math.min(p.labels.length, n - at);
    if (take <= 0) break;
    pixels.set(p.pixels.subarray(0, take * 3072), at * 3072);
    labels.set(p.labels.subarray(0, take), at);
    at += take;
  }
  return { images: tf.tensor4d(pixels, [n, 32, 32, 3]), labels: tf.tensor1d(labels, 'int32') };
}

export interface Cifar10Options {
  /** Folder holding data_batch_1..5.bin and test_batch.bin (default: the cache, downloading if needed). */
  dir?: string;
  cacheDir?: string;
  limit?: number;
  fetcher?: Fetcher;
  /** The archive to download (default: the canonical one); tests point it at their own. */
  remote?: RemoteFile;
  /**
   * 'real' (the default) or 'synthetic': made-up images in CIFAR-10's format, for machines
   * without network (CI sets GAN_CIFAR=synthetic). Chosen explicitly, never because a cache
   * happens to be missing, so a run says which data it used.
   */
  source?: CifarSource;
}

export type CifarSource = 'real' | 'synthetic';

/** The CIFAR-10 source asked for by GAN_CIFAR (`synthetic` or `real`, default real). */
export function cifarSource(): CifarSource {
  const v = (process.env.GAN_CIFAR ?? 'real').toLowerCase();
  if (v !== 'real' && v !== 'synthetic') throw new Error(`GAN_CIFAR=${process.env.GAN_CIFAR}: use real or synthetic.`);
  return v;
}

/** CIFAR-10 from `dir`, else from the cache, else downloaded (md5-checked) and extracted. */
export async function loadCifar10(options: Cifar10Options = {}): Promise<ImageDataset & { source: CifarSource }> {
  const source = options.source ?? cifarSource();
  let dir = options.dir;
  if (source === 'synthetic') {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cifar-synthetic-'));
    writeSyntheticCifar10(dir, Math.max(20, Math.ceil((options.limit ?? 100) / 5)));
    try {
      return { train: readSplit(dir, TRAIN_FILES, options.limit), test: readSplit(dir, TEST_FILES, options.limit), source };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!dir) {
    const cacheDir = options.cacheDir ?? defaultCacheDir();
    dir = path.join(cacheDir, 'cifar-10-batches-bin');
    if (!fs.existsSync(path.join(dir, 'test_batch.bin'))) {
      const archive = await ensureFile(options.remote ?? CIFAR10_ARCHIVE, cacheDir, options.fetcher ?? httpFetcher);
      // Extract next to the final folder, then rename: an interrupted extraction leaves no half folder.
      const tmp = fs.mkdtempSync(path.join(cacheDir, 'cifar-extract-'));
      try {
        await tar.x({ file: archive, cwd: tmp });
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(path.join(tmp, 'cifar-10-batches-bin'), dir);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    }
  } else if (!fs.existsSync(dir)) {
    throw new Error(`CIFAR-10 folder ${dir} does not exist. Download ${CIFAR10_ARCHIVE.url} and extract it, or call loadCifar10() without { dir } to download into the cache.`);
  }
  return { train: readSplit(dir, TRAIN_FILES, options.limit), test: readSplit(dir, TEST_FILES, options.limit), source };
}

/**
 * Writes small CIFAR-10 binary batches of made-up images (colour gradients, labels cycling
 * 0..9) into `dir`: the loaders' own format, for tests and for CI runs of the CIFAR notebook,
 * which has no network. Never a stand-in for results: whatever uses it must say so.
 */
export function writeSyntheticCifar10(dir: string, perFile = 20): void {
  fs.mkdirSync(dir, { recursive: true });
  const batch = (offset: number) => {
    const bytes = new Uint8Array(perFile * RECORD);
    for (let i = 0; i < perFile; i++) {
      const label = (offset + i) % 10;
      bytes[i * RECORD] = label;
      for (let p = 0; p < 1024; p++) {
        const y = Math.floor(p / 32);
        const x = p % 32;
        bytes[i * RECORD + 1 + p] = (x * 8 + label * 25) % 256;
        bytes[i * RECORD + 1 + 1024 + p] = (y * 8) % 256;
        bytes[i * RECORD + 1 + 2048 + p] = (label * 25) % 256;
      }
    }
    return bytes;
  };
  TRAIN_FILES.forEach((f, k) => fs.writeFileSync(path.join(dir, f), batch(k * perFile)));
  fs.writeFileSync(path.join(dir, TEST_FILES[0]), batch(0));
}
