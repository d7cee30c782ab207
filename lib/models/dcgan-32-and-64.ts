/**
 * The bigger-image DCGANs.
 *
 * - S2 `dcgan-cifar10` (tutorial 002, part 1): noise 128 -> Dense 2048 -> 2x2x512, four
 *   stride-2 transposed convolutions to 4x4x256, 8x8x128, 16x16x64, 32x32x3 (tanh), ReLU and
 *   BatchNorm inside (not on the output); the discriminator mirrors it with strided
 *   convolutions 32 -> 16 -> 8 -> 4 -> 2 (64..512 channels), LeakyReLU, BatchNorm except on
 *   the input layer, Flatten 2048, Dense 1. The tutorial does not give kernel sizes; these
 *   use the DCGAN paper's 5x5.
 * - S4 `dcgan-64` (tutorial 003): 1x1x100 -> 4x4x1024 (valid), then 512, 256, 128 and C
 *   channels with 4x4 stride-2 transposed convolutions, BatchNorm + LeakyReLU; the
 *   discriminator 128..1024 channels with BatchNorm, LeakyReLU (Keras's default slope 0.3),
 *   Dropout 0.3, a 4x4 valid convolution, Flatten, Dense 1 and a sigmoid, layer for layer.
 */
import * as tf from '@tensorflow/tfjs';

const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor) => layer.apply(x) as tf.SymbolicTensor;

export function cifarGenerator(latentDim = 128): tf.LayersModel {
  const z = tf.input({ shape: [latentDim] });
  let x = apply(tf.layers.dense({ units: 2 * 2 * 512 }), z);
  x = apply(tf.layers.reshape({ targetShape: [2, 2, 512] }), x);
  x = apply(tf.layers.batchNormalization(), x);
  x = apply(tf.layers.reLU(), x);
  for (const filters of [256, 128, 64]) {
    x = apply(tf.layers.conv2dTranspose({ filters, kernelSize: 5, strides: 2, padding: 'same' }), x);
    x = apply(tf.layers.batchNormalization(), x);
    x = apply(tf.layers.reLU(), x);
  }
  const out = apply(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 5, strides: 2, padding: 'same', activation: 'tanh' }), x);
  return tf.model({ inputs: z, outputs: out, name: 'generator' });
}

export function cifarDiscriminator(): tf.LayersModel {
  const image = tf.input({ shape: [32, 32, 3] });
  let x: tf.SymbolicTensor = image;
  [64, 128, 256, 512].forEach((filters, i) => {
    x = apply(tf.layers.conv2d({ filters, kernelSize: 5, strides: 2, padding: 'same' }), x);
    if (i > 0) x = apply(tf.layers.batchNormalization(), x);
    x = apply(tf.layers.leakyReLU({ alpha: 0.2 }), x);
  });
  x = apply(tf.layers.flatten(), x);
  const out = apply(tf.layers.dense({ units: 1, activation: 'sigmoid' }), x);
  return tf.model({ inputs: image, outputs: out, name: 'discriminator' });
}

/**
 * Stride-2 layers between 4x4 and `size` (64 -> 4). Tutorial 003 fixes 64; other powers of
 * two from 16 to 256 get the same design with one stride-2 layer more or fewer.
 */
export function dcgan64Depth(size: number): number {
  const depth = Math.log2(size) - 2;
  if (!Number.isInteger(depth) || depth < 2 || depth > 6) {
    throw new Error(`The 64x64 DCGAN's image size must be a power of two from 16 to 256 (tutorial 003: 64); got ${size}.`);
  }
  return depth;
}

/** S4 generator (tutorial 003's Gen_Net): 1x1 -> 4x4x1024, then halving channels per doubling. */
export function dcgan64Generator(channels = 1, latentDim = 100, size = 64): tf.LayersModel {
  const depth = dcgan64Depth(size);
  const z = tf.input({ shape: [latentDim] });
  let x = apply(tf.layers.reshape({ targetShape: [1, 1, latentDim] }), z);
  x = apply(tf.layers.conv2dTranspose({ filters: 1024, kernelSize: 4, strides: 1, padding: 'valid' }), x);
  x = apply(tf.layers.batchNormalization(), x);
  x = apply(tf.layers.leakyReLU({ alpha: 0.3 }), x);
  for (let i = 1; i < depth; i++) {
    x = apply(tf.layers.conv2dTranspose({ filters: 1024 >> i, kernelSize: 4, strides: 2, padding: 'same' }), x);
    x = apply(tf.layers.batchNormalization(), x);
    x = apply(tf.layers.leakyReLU({ alpha: 0.3 }), x);
  }
  const out = apply(tf.layers.conv2dTranspose({ filters: channels, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }), x);
  return tf.model({ inputs: z, outputs: out, name: 'generator' });
}

/** S4 discriminator (tutorial 003's Dis_Net). */
export function dcgan64Discriminator(channels = 1, size = 64): tf.LayersModel {
  const depth = dcgan64Depth(size);
  const image = tf.input({ shape: [size, size, channels] });
  // Channels double per halving and end at 1024 on 4x4 (64x64: 128, 256, 512, 1024).
  let x = apply(tf.layers.conv2d({ filters: 1024 >> (depth - 1), kernelSize: 4, strides: 2, padding: 'same' }), image);
  x = apply(tf.layers.leakyReLU({ alpha: 0.3 }), x);
  for (let i = depth - 2; i >= 0; i--) {
    x = apply(tf.layers.conv2d({ filters: 1024 >> i, kernelSize: 4, strides: 2, padding: 'same' }), x);
    x = apply(tf.layers.batchNormalization(), x);
    x = apply(tf.layers.leakyReLU({ alpha: 0.3 }), x);
    x = apply(tf.layers.dropout({ rate: 0.3 }), x);
  }
  x = apply(tf.layers.conv2d({ filters: 1, kernelSize: 4, strides: 1, padding: 'valid' }), x);
  x = apply(tf.layers.dropout({ rate: 0.3 }), x);
  x = apply(tf.layers.flatten(), x);
  x = apply(tf.layers.dense({ units: 1 }), x);
  const out = apply(tf.layers.activation({ activation: 'sigmoid' }), x);
  return tf.model({ inputs: image, outputs: out, name: 'discriminator' });
}
