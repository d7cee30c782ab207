import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gridPng, decodePng, gridRaster } from '../lib/visual/grid';

test('a 5x5 grid of 28x28 images is a decodable PNG of the right size', () => {
  const images = tf.zeros([25, 28, 28, 1]) as tf.Tensor4D;
  const png = gridPng(images, { cols: 5, gap: 2 });
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  const raster = decodePng(png);
  assert.equal(raster.width, 5 * 28 + 4 * 2);
  assert.equal(raster.height, 5 * 28 + 4 * 2);
  images.dispose();
});

test('gray_r reverses: value 255 is drawn black, 0 white', () => {
  const images = tf.tensor4d([0, 255], [2, 1, 1, 1]);
  const r = gridRaster(images, { cols: 2, gap: 0, reverse: true });
  assert.deepEqual(Array.from(r.rgba), [255, 255, 255, 255, 0, 0, 0, 255]);
  images.dispose();
});

test('ranges [0,1] and [-1,1] map to the same bytes as [0,255]', () => {
  const a = gridRaster(tf.tensor4d([0, 0.5, 1], [1, 1, 3, 1]), { range: '0-1' });
  const b = gridRaster(tf.tensor4d([-1, 0, 1], [1, 1, 3, 1]), { range: '-1-1' });
  assert.deepEqual(Array.from(a.rgba.filter((_, i) => i % 4 === 0)), [0, 128, 255]);
  assert.deepEqual(Array.from(b.rgba.filter((_, i) => i % 4 === 0)), [0, 128, 255]);
});

test('a tensor without 1 or 3 channels is refused', () => {
  assert.throws(() => gridRaster(tf.zeros([1, 2, 2, 2]) as tf.Tensor4D), /1 or 3 channels/);
});
