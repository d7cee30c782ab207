/**
 * Pixel ranges and every conversion between them, in one place. Datasets come as bytes
 * (0..255); the tutorials train sigmoid generators on [0, 1] (tutorial 000) and tanh generators
 * on [-1, 1] (tutorials 001-004); grids, GIFs and PNGs need bytes again, and the quality
 * classifiers read [0, 1]. Pure TensorFlow.js: the browser page bundles this module too.
 */
import * as tf from '@tensorflow/tfjs';

/** The range of an image tensor's values. */
export type PixelRange = '0-255' | '0-1' | '-1-1';
/** The ranges a generator outputs and a system trains on. */
export type ModelRange = Exclude<PixelRange, '0-255'>;

/** 0..255 -> [0, 1] (tutorial 000, sigmoid generators). */
export function scaleToUnit(images: tf.Tensor): tf.Tensor {
  return tf.tidy(() => images.toFloat().div(255));
}

/** 0..255 -> [-1, 1] (tutorials 001-004, tanh generators). */
export function scaleToSymmetric(images: tf.Tensor): tf.Tensor {
  return tf.tidy(() => images.toFloat().div(127.5).sub(1));
}

/** 0..255 -> the range a system trains on. */
export function fromBytes(images: tf.Tensor, range: ModelRange): tf.Tensor {
  return range === '0-1' ? scaleToUnit(images) : scaleToSymmetric(images);
}

/** Values in `range` -> [0, 1], clipped (what the quality classifiers and the page's canvas read). */
export function toUnit<T extends tf.Tensor>(images: T, range: PixelRange): T {
  return tf.tidy(() => {
    const x = images.toFloat();
    const unit = range === '0-1' ? x : range === '-1-1' ? x.add(1).div(2) : x.div(255);
    return unit.clipByValue(0, 1) as T;
  });
}

/** Values in `range` -> 0..255 bytes (as floats), clipped and rounded (grids, GIFs, PNGs). */
export function toBytes(images: tf.Tensor, range: PixelRange): tf.Tensor {
  return tf.tidy(() => {
    const x = images.toFloat();
    const scaled = range === '0-255' ? x : range === '0-1' ? x.mul(255) : x.add(1).mul(127.5);
    return scaled.clipByValue(0, 255).round();
  });
}
