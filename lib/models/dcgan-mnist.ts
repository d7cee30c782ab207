/**
 * S0 of SPEC.md (`dcgan-mnist`): the MNIST DCGAN of tutorial 000, layer for layer as its
 * Keras Sequential models. Images are 28x28x1 in [0, 1] (sigmoid output).
 */
import * as tf from '@tensorflow/tfjs';

export const MNIST_SHAPE: [number, number, number] = [28, 28, 1];

/** Adam(learning rate 0.0002, beta1 0.5), the DCGAN paper's setting used by every tutorial. */
export function dcganAdam(learningRate = 0.0002): tf.Optimizer {
  return tf.train.adam(learningRate, 0.5);
}

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

/**
 * The composite model that trains the generator: generator then discriminator, with the
 * discriminator frozen. Keras reads `trainable` when a model is compiled; TensorFlow.js
 * also collects the trainable weights at compile time, but refuses to train a model whose
 * variables are all marked untrainable. So the discriminator is frozen only while the
 * composite is compiled: the composite's update list holds the generator's weights alone,
 * and the discriminator (trainable again) still learns from its own `trainOnBatch`.
 */
export function defineGan(generator: tf.LayersModel, discriminator: tf.LayersModel): tf.LayersModel {
  const model = tf.sequential({ name: 'gan' });
  model.add(generator);
  model.add(discriminator);
  discriminator.trainable = false;
  model.compile({ optimizer: dcganAdam(), loss: 'binaryCrossentropy' });
  discriminator.trainable = true;
  return model;
}
