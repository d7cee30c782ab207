/**
 * S1 of docs/systems.md (`dcgan-fashion`): the Fashion-MNIST DCGAN of tutorial 001. Images are
 * 28x28x1 in [-1, 1] (tanh output). Keras's default Adam (learning rate 0.001), as the tutorial.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Dense 7x7x128, BatchNorm, a 5x5 stride-2 transposed convolution to 64 channels (selu),
 * BatchNorm, and a 5x5 stride-2 transposed convolution to one tanh channel.
 * 840,705 parameters, 840,321 trainable (BatchNorm's moving statistics are not).
 */
export function defineGenerator(latentDim = 100): tf.LayersModel {
  const model = tf.sequential({ name: 'generator' });
  model.add(tf.layers.dense({ units: 7 * 7 * 128, inputShape: [latentDim] }));
  model.add(tf.layers.reshape({ targetShape: [7, 7, 128] }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.conv2dTranspose({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', activation: 'selu' }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 5, strides: 2, padding: 'same', activation: 'tanh' }));
  return model;
}

/** Two 5x5 stride-2 convolutions (64, 128) with LeakyReLU(0.2) and Dropout(0.3), then a sigmoid unit. 212,865 parameters. */
export function defineDiscriminator(): tf.LayersModel {
  const model = tf.sequential({ name: 'discriminator' });
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 5, strides: 2, padding: 'same', inputShape: [28, 28, 1] }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  model.add(tf.layers.conv2d({ filters: 128, kernelSize: 5, strides: 2, padding: 'same' }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}
