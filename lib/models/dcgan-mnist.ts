/**
 * S0 of docs/systems.md (`dcgan-mnist`): the MNIST DCGAN of tutorial 000, layer for layer as its
 * Keras Sequential models. Images are 28x28x1 in [0, 1] (sigmoid output).
 */
import * as tf from '@tensorflow/tfjs';
import { dcganAdam, defineGan } from './composite';

export const MNIST_SHAPE: [number, number, number] = [28, 28, 1];

/**
 * The discriminator: two strided 3x3 convolutions with LeakyReLU(0.2) and Dropout(0.4), then a
 * sigmoid unit. 40,705 parameters. Compiled with binary cross-entropy and accuracy.
 */
export function defineDiscriminator(inputShape: [number, number, number] = MNIST_SHAPE): tf.LayersModel {
  const model = tf.sequential({ name: 'discriminator' });
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', inputShape }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dropout({ rate: 0.4 }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same' }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dropout({ rate: 0.4 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: dcganAdam(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

/**
 * The generator: a dense layer to 7x7x128, two 4x4 stride-2 transposed convolutions up to
 * 28x28, and a 7x7 sigmoid convolution to one channel. 1,164,289 parameters.
 * Not compiled: it is trained only through the composite model.
 */
export function defineGenerator(latentDim = 100): tf.LayersModel {
  const model = tf.sequential({ name: 'generator' });
  model.add(tf.layers.dense({ units: 128 * 7 * 7, inputShape: [latentDim] }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.reshape({ targetShape: [7, 7, 128] }));
  model.add(tf.layers.conv2dTranspose({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.conv2dTranspose({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.conv2d({ filters: 1, kernelSize: 7, padding: 'same', activation: 'sigmoid' }));
  return model;
}

// The tutorial's third function, shared with the other systems.
export { defineGan, dcganAdam };
