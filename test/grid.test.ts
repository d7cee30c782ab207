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

test('sideBySide and labelGridRows draw one SVG each (as the browser kernel can): the images land unchanged, pixel for pixel, where the layout puts them', async () => {
  const sharp = (await import('sharp')).default;
  const { sideBySide, labelGridRows } = await import('../lib/visual/labels');
  const { pngSize } = await import('../lib/visual/grid');
  const block = (width: number, height: number, r: number) => sharp({ create: { width, height, channels: 3, background: { r, g: 40, b: 90 } } }).png().toBuffer();
  const a = await block(60, 40, 10);
  const b = await block(30, 50, 200);
  const figure = await sideBySide([a, b], [['one', 'two lines'], ['b']], 24);
  const captionHeight = 2 * 18 + 8;
  assert.deepEqual(pngSize(figure), { width: 60 + 30 + 3 * 24, height: 50 + captionHeight + 24 });
  const { data, info } = await sharp(figure).raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
  const top = captionHeight + 12;
  for (const [x, y] of [[24, top], [24 + 59, top + 39]]) assert.deepEqual(pixel(x, y), [10, 40, 90], `a at ${x},${y}`);
  for (const [x, y] of [[108, top], [108 + 29, top + 49]]) assert.deepEqual(pixel(x, y), [200, 40, 90], `b at ${x},${y}`);
  assert.deepEqual(pixel(23, top), [255, 255, 255], 'white around them');
  const labelled = await labelGridRows(a, ['x', 'y'], 96);
  assert.deepEqual(pngSize(labelled), { width: 96 + 60, height: 40 });
  const raw = await sharp(labelled).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual(Array.from(raw.data.subarray((5 * raw.info.width + 96) * raw.info.channels, (5 * raw.info.width + 96) * raw.info.channels + 3)), [10, 40, 90], 'the grid right of its labels');
});
