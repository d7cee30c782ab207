import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import * as tar from 'tar';
import { ensureFile, RemoteFile } from '../lib/data/download';
import { parseCifarBatch, loadCifar10 } from '../lib/data/cifar10';
import { loadImageFolder, loadCelebA, readPartition, readBoundingBoxes } from '../lib/data/images';
import { resizeWithPad, scaleToSymmetric, scaleToUnit, padMnistTo64 } from '../lib/data/scale';
import { batchDataset, batchesPerEpoch } from '../lib/data/pipeline';
import { writeImageRecords, readImageRecords } from '../lib/data/tfrecord';

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-data-test-'));
const md5 = (b: Uint8Array) => crypto.createHash('md5').update(b).digest('hex');
const newDir = (name: string) => fs.mkdtempSync(path.join(tmpRoot, `${name}-`));

/** A CIFAR-10 binary batch of n records: label i % 10, red = i, green = pixel index % 256, blue = 7. */
function cifarBytes(n: number): Buffer {
  const b = Buffer.alloc(n * 3073);
  for (let i = 0; i < n; i++) {
    b[i * 3073] = i % 10;
    for (let p = 0; p < 1024; p++) {
      b[i * 3073 + 1 + p] = i;
      b[i * 3073 + 1 + 1024 + p] = p % 256;
      b[i * 3073 + 1 + 2048 + p] = 7;
    }
  }
  return b;
}

function writeCifarFolder(dir: string, perFile: number): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 1; i <= 5; i++) fs.writeFileSync(path.join(dir, `data_batch_${i}.bin`), cifarBytes(perFile));
  fs.writeFileSync(path.join(dir, 'test_batch.bin'), cifarBytes(perFile));
}

test('ensureFile downloads, checks the digest and renames into place', async () => {
  const dir = newDir('dl');
  const bytes = new Uint8Array([1, 2, 3, 4]);
  const remote: RemoteFile = { url: 'https://example.invalid/f.bin', name: 'f.bin', digest: md5(bytes), algorithm: 'md5' };
  const file = await ensureFile(remote, dir, async () => bytes);
  assert.deepEqual(new Uint8Array(fs.readFileSync(file)), bytes);
  assert.deepEqual(fs.readdirSync(dir), ['f.bin']);
  // A second call uses the cache: this fetcher would fail.
  await ensureFile(remote, dir, async () => { throw new Error('network used'); });
});

test('a checksum mismatch caches nothing and says so', async () => {
  const dir = newDir('dl-bad');
  const remote: RemoteFile = { url: 'https://example.invalid/g.bin', name: 'g.bin', digest: '0'.repeat(32), algorithm: 'md5' };
  await assert.rejects(ensureFile(remote, dir, async () => new Uint8Array([9])), /md5 is [0-9a-f]{32}, not the published 0{32}.*Nothing was cached/);
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('no network: the error names the URL and where to put the file', async () => {
  const dir = newDir('dl-offline');
  const remote: RemoteFile = { url: 'https://example.invalid/h.bin', name: 'h.bin', digest: 'x', algorithm: 'md5' };
  await assert.rejects(ensureFile(remote, dir, async () => { throw new Error('getaddrinfo ENOTFOUND'); }), (err: Error) => {
    assert.match(err.message, /Cannot download https:\/\/example\.invalid\/h\.bin \(getaddrinfo ENOTFOUND\)/);
    assert.ok(err.message.includes(path.join(dir, 'h.bin')));
    return true;
  });
});

test('a damaged cached file is reported, not used', async () => {
  const dir = newDir('dl-damaged');
  fs.writeFileSync(path.join(dir, 'k.bin'), 'half a fi');
  const remote: RemoteFile = { url: 'https://example.invalid/k.bin', name: 'k.bin', digest: md5(new Uint8Array([1])), algorithm: 'md5' };
  await assert.rejects(ensureFile(remote, dir), /k\.bin: md5 .* does not match .*delete it/);
});

test('CIFAR-10 records decode to NHWC pixels and labels', () => {
  const { pixels, labels } = parseCifarBatch(cifarBytes(3));
  assert.deepEqual(Array.from(labels), [0, 1, 2]);
  // Image 2, pixel 5: red 2, green 5, blue 7.
  assert.deepEqual(Array.from(pixels.subarray((2 * 1024 + 5) * 3, (2 * 1024 + 5) * 3 + 3)), [2, 5, 7]);
});

test('a CIFAR-10 file of the wrong length names the file and the leftover bytes', () => {
  assert.throws(() => parseCifarBatch(cifarBytes(2).subarray(0, 5000), 'data_batch_1.bin'), /data_batch_1\.bin: length 5000 is not a multiple of the 3073-byte CIFAR-10 record \(1927 bytes left over\)/);
});

test('loadCifar10 reads a folder of CIFAR-format files', async () => {
  const dir = path.join(newDir('cifar'), 'cifar-10-batches-bin');
  writeCifarFolder(dir, 4);
  const ds = await loadCifar10({ dir });
  assert.deepEqual(ds.train.images.shape, [20, 32, 32, 3]);
  assert.deepEqual(ds.test.images.shape, [4, 32, 32, 3]);
  assert.deepEqual(Array.from(ds.train.labels.dataSync()).slice(0, 6), [0, 1, 2, 3, 0, 1]);
});

test('loadCifar10 downloads the archive into the cache, extracts it atomically, then reuses it', async () => {
  const src = newDir('cifar-src');
  writeCifarFolder(path.join(src, 'cifar-10-batches-bin'), 2);
  const archive = path.join(src, 'cifar.tar.gz');
  await tar.c({ gzip: true, file: archive, cwd: src }, ['cifar-10-batches-bin']);
  const bytes = new Uint8Array(fs.readFileSync(archive));
  const remote: RemoteFile = { url: 'https://example.invalid/cifar-10-binary.tar.gz', name: 'cifar-10-binary.tar.gz', digest: md5(bytes), algorithm: 'md5' };
  const cacheDir = newDir('cifar-cache');
  let downloads = 0;
  const fetcher = async () => { downloads++; return bytes; };
  const ds = await loadCifar10({ cacheDir, remote, fetcher });
  assert.deepEqual(ds.train.images.shape, [10, 32, 32, 3]);
  assert.deepEqual(fs.readdirSync(cacheDir).sort(), ['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
  await loadCifar10({ cacheDir, remote, fetcher });
  assert.equal(downloads, 1);
});

test('a missing CIFAR-10 folder says how to get the data', async () => {
  await assert.rejects(loadCifar10({ dir: path.join(tmpRoot, 'nope') }), /nope does not exist\. Download https:\/\/www\.cs\.toronto\.edu/);
});

/** Writes a w x h image of one colour. */
async function writeImage(file: string, w: number, h: number, rgb: [number, number, number]): Promise<void> {
  const img = sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  await (file.endsWith('.png') ? img.png() : img.jpeg({ quality: 100 })).toFile(file);
}

test('an image folder loads JPEG and PNG, resized with padding to 64x64', async () => {
  const dir = newDir('images');
  await writeImage(path.join(dir, 'a.png'), 40, 20, [255, 0, 0]);
  await writeImage(path.join(dir, 'b.jpg'), 30, 30, [0, 0, 255]);
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not an image');
  const images = await loadImageFolder(dir, { size: 64 });
  assert.deepEqual(images.shape, [2, 64, 64, 3]);
  const v = images.arraySync();
  // a.png is wide: padded above and below (black), red in the middle.
  assert.deepEqual(v[0][0][32], [0, 0, 0]);
  assert.deepEqual(v[0][32][32], [255, 0, 0]);
  // b.jpg is square: blue everywhere (JPEG may shift a value by a little).
  assert.ok(v[1][0][0][2] > 240 && v[1][0][0][0] < 15);
});

test('an unreadable image names the file', async () => {
  const dir = newDir('bad-images');
  fs.writeFileSync(path.join(dir, 'broken.jpg'), 'this is not a jpeg');
  await assert.rejects(loadImageFolder(dir), /broken\.jpg: cannot read this image/);
});

test('a missing image folder says what to pass', async () => {
  await assert.rejects(loadImageFolder(path.join(tmpRoot, 'missing')), /missing does not exist\. Pass the folder/);
});

test('CelebA layout: partition file, bounding boxes and wild images cropped by them', async () => {
  const root = newDir('celeba');
  fs.mkdirSync(path.join(root, 'img_celeba'));
  fs.mkdirSync(path.join(root, 'img_align_celeba'));
  for (const [i, name] of ['000001.jpg', '000002.jpg', '000003.jpg'].entries()) {
    // A white square on black at (10, 10) of size 20: the box crops exactly to it.
    const canvas = sharp({ create: { width: 60, height: 50, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .composite([{ input: { create: { width: 20, height: 20, channels: 3, background: { r: 255, g: 255, b: 255 } } }, left: 10, top: 10 }]);
    await canvas.jpeg({ quality: 100 }).toFile(path.join(root, 'img_celeba', name));
    await writeImage(path.join(root, 'img_align_celeba', name), 178, 218, [i * 100, 50, 50]);
  }
  fs.writeFileSync(path.join(root, 'list_eval_partition.txt'), '000001.jpg 0\n000002.jpg 0\n000003.jpg 2\n');
  fs.writeFileSync(path.join(root, 'list_bbox_celeba.txt'), '3\nimage_id x_1 y_1 width height\n000001.jpg 10 10 20 20\n000002.jpg 10 10 20 20\n000003.jpg 10 10 20 20\n');
  assert.deepEqual(readPartition(path.join(root, 'list_eval_partition.txt'), 'train'), ['000001.jpg', '000002.jpg']);
  assert.deepEqual(readBoundingBoxes(path.join(root, 'list_bbox_celeba.txt')).get('000003.jpg'), { x: 10, y: 10, width: 20, height: 20 });
  const test = await loadCelebA(root, { partition: 'test', imageType: 'align' });
  assert.deepEqual(test.shape, [1, 64, 64, 3]);
  const wild = await loadCelebA(root, { partition: 'train', imageType: 'wild' });
  assert.deepEqual(wild.shape, [2, 64, 64, 3]);
  // Cropped to the white square: the corner is white, not the black background.
  assert.ok(wild.arraySync()[0][2][2][0] > 200);
  assert.throws(() => readPartition(path.join(root, 'list_eval_partition.txt'), 'dev' as never), /Unknown partition "dev"/);
});

test('scaling helpers and resize with pad', () => {
  const x = tf.tensor4d([0, 255, 127.5, 51], [1, 2, 2, 1]);
  assert.deepEqual(Array.from(scaleToUnit(x).dataSync()).map((v) => Math.round(v * 100) / 100), [0, 1, 0.5, 0.2]);
  assert.deepEqual(Array.from(scaleToSymmetric(x).dataSync()).map((v) => Math.round(v * 100) / 100), [-1, 1, 0, -0.6]);
  const wide = resizeWithPad(tf.ones([1, 10, 20, 1]), 16, 16);
  assert.deepEqual(wide.shape, [1, 16, 16, 1]);
  const rows = wide.sum([0, 2, 3]).arraySync() as number[];
  assert.equal(rows[0], 0, 'top padding row is zero');
  assert.equal(rows[8], 16, 'middle row is image');
  assert.deepEqual(padMnistTo64(tf.zeros([2, 28, 28, 1]) as tf.Tensor4D).shape, [2, 64, 64, 1]);
});

test('batches: drop remainder, seeded shuffle repeats, every example once per epoch', async () => {
  const n = 103;
  const images = tf.tensor4d(Float32Array.from({ length: n }, (_, i) => i), [n, 1, 1, 1]);
  const epoch = async (seed: number) => {
    const seen: number[] = [];
    await batchDataset(images, { batchSize: 10, shuffleBuffer: 50, seed }).forEachAsync((b) => {
      assert.deepEqual(b.images.shape, [10, 1, 1, 1]);
      seen.push(...Array.from(b.images.dataSync()));
      tf.dispose(b as unknown as tf.Tensor[]);
    });
    return seen;
  };
  const a = await epoch(1);
  const b = await epoch(1);
  const c = await epoch(2);
  assert.equal(a.length, batchesPerEpoch(n, 10) * 10);
  assert.equal(new Set(a).size, 100, 'no example repeats within an epoch');
  assert.deepEqual(a, b, 'same seed, same order');
  assert.notDeepEqual(a, c, 'another seed, another order');
  assert.notDeepEqual(a, [...a].sort((p, q) => p - q), 'shuffled');
});

test('memory stays flat over epochs of batches', async () => {
  const images = tf.randomUniform([64, 4, 4, 1]) as tf.Tensor4D;
  const labels = tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), 'int32');
  const ds = batchDataset(images, { batchSize: 8, seed: 3, labels, map: (x) => x.mul(2) });
  const counts: number[] = [];
  for (let e = 0; e < 4; e++) {
    await ds.forEachAsync((b) => {
      assert.deepEqual(b.labels!.shape, [8]);
      tf.dispose([b.images, b.labels!]);
    });
    counts.push(tf.memory().numTensors);
  }
  assert.ok(counts.every((c) => c === counts[0]), `tensors per epoch: ${counts.join(', ')}`);
});

test('TFRecord round trip keeps pixels and labels', async () => {
  const file = path.join(newDir('tfr'), 'celeba.tfrecord');
  const images = tf.tensor4d(Float32Array.from({ length: 3 * 4 * 4 * 3 }, (_, i) => i % 256), [3, 4, 4, 3]);
  const labels = tf.tensor1d([4, 0, 9], 'int32');
  assert.equal(await writeImageRecords(file, images, labels), 3);
  const back = await readImageRecords(file);
  assert.deepEqual(back.images.shape, [3, 4, 4, 3]);
  assert.deepEqual(Array.from(back.images.dataSync()), Array.from(images.dataSync()));
  assert.deepEqual(Array.from(back.labels!.dataSync()), [4, 0, 9]);
  fs.writeFileSync(file, 'garbage that is not a record');
  await assert.rejects(readImageRecords(file), /not a readable image TFRecord file/);
});

test('loadCifar10 says which data it used: synthetic only when asked (source or GAN_CIFAR), never because a cache is missing', async () => {
  const ds = await loadCifar10({ source: 'synthetic', limit: 30 });
  assert.equal(ds.source, 'synthetic');
  assert.deepEqual(ds.train.images.shape, [30, 32, 32, 3]);
  const saved = process.env.GAN_CIFAR;
  process.env.GAN_CIFAR = 'made-up';
  try {
    await assert.rejects(loadCifar10({ limit: 5 }), /GAN_CIFAR=made-up: use real or synthetic/);
  } finally {
    if (saved === undefined) delete process.env.GAN_CIFAR;
    else process.env.GAN_CIFAR = saved;
  }
  tf.dispose([ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
});
