/** Resizing images for a system's input size. The range conversions are in lib/pixels.ts (re-exported here for `lab.data`). */
import * as tf from '@tensorflow/tfjs';

export { scaleToUnit, scaleToSymmetric } from '../pixels';

/**
 * Resizes [n, h, w, c] images to [n, height, width, c] keeping the aspect ratio and padding
 * with zeros around the centre, like TensorFlow's `tf.image.resize_with_pad` (bilinear).
 */
export function resizeWithPad(images: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [, h, w] = images.shape;
  const ratio = Math.min(height / h, width / w);
  const rh = Math.max(1, Math.round(h * ratio));
  const rw = Math.max(1, Math.round(w * ratio));
  return tf.tidy(() => {
    const resized = rh === h && rw === w ? images.toFloat() : tf.image.resizeBilinear(images.toFloat(), [rh, rw]);
    const top = Math.floor((height - rh) / 2);
    const left = Math.floor((width - rw) / 2);
    return tf.pad(resized, [[0, 0], [top, height - rh - top], [left, width - rw - left], [0, 0]]) as tf.Tensor4D;
  });
}

/** MNIST 28x28 -> 64x64 for the 64x64 DCGAN (tutorial 003 uses resize_with_pad). */
export function padMnistTo64(images: tf.Tensor4D): tf.Tensor4D {
  return resizeWithPad(images, 64, 64);
}
