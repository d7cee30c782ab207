/** Pixel scaling as the tutorials do it, and back for display. */
import * as tf from '@tensorflow/tfjs';

/** 0..255 -> [0, 1] (tutorial 000, sigmoid generators). */
export function scaleToUnit(images: tf.Tensor): tf.Tensor {
  return tf.tidy(() => images.toFloat().div(255));
}

/** 0..255 -> [-1, 1] (tutorials 001-004, tanh generators). */
export function scaleToSymmetric(images: tf.Tensor): tf.Tensor {
  return tf.tidy(() => images.toFloat().div(127.5).sub(1));
}

/** [-1, 1] -> 0..255, clipped (for display). */
export function symmetricToBytes(images: tf.Tensor): tf.Tensor {
  return tf.tidy(() => images.add(1).mul(127.5).clipByValue(0, 255));
}

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
