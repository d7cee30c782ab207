/**
 * The conditional systems of docs/systems.md, wired exactly as their tutorials do it (Keras
 * functional API): two inputs, noise or image plus an integer class label.
 *
 * - S3 `cgan-fashion` (tutorial 002, part 2): the label's Embedding(10, 50) becomes one extra
 *   7x7 channel of the generator's first feature map and one extra 28x28 channel of the
 *   discriminator's input image.
 * - S5 `cgan-mnist` (tutorial 004): dense networks; the label's embedding multiplies the noise
 *   (Embedding(10, 100)) and the flattened image (Embedding(10, 784)).
 * - S6 `acgan-mnist` (tutorial 004): the generator is conditioned like S3; the discriminator
 *   sees only the image and has two heads, real/fake (sigmoid) and class (softmax).
 */
import * as tf from '@tensorflow/tfjs';
import { dcganAdam } from './composite';
import { NUM_CLASSES } from './gan';

export { NUM_CLASSES };

/** label [n, 1] -> Embedding(10, dim) -> Dense(units) -> Reshape(shape). */
function labelChannel(label: tf.SymbolicTensor, dim: number, shape: [number, number, number]): tf.SymbolicTensor {
  let x = tf.layers.embedding({ inputDim: NUM_CLASSES, outputDim: dim }).apply(label) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: shape[0] * shape[1] * shape[2] }).apply(x) as tf.SymbolicTensor;
  return tf.layers.reshape({ targetShape: shape }).apply(x) as tf.SymbolicTensor;
}

const labelInput = (name: string) => tf.input({ shape: [1], name });
const leaky = (x: tf.SymbolicTensor) => tf.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tf.SymbolicTensor;

// ---- S3: conditional DCGAN on Fashion-MNIST --------------------------------------------

/** S3 generator: z -> 7x7x128, label -> 7x7x1, concatenated to 7x7x129, upsampled to 28x28x1 (tanh). */
export function cganFashionGenerator(latentDim = 100): tf.LayersModel {
  const z = tf.input({ shape: [latentDim], name: 'noise' });
  const label = labelInput('label');
  const li = labelChannel(label, 50, [7, 7, 1]);
  let g = tf.layers.dense({ units: 128 * 7 * 7 }).apply(z) as tf.SymbolicTensor;
  g = leaky(g);
  g = tf.layers.reshape({ targetShape: [7, 7, 128] }).apply(g) as tf.SymbolicTensor;
  let x = tf.layers.concatenate().apply([g, li]) as tf.SymbolicTensor;
  x = leaky(tf.layers.conv2dTranspose({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor);
  x = leaky(tf.layers.conv2dTranspose({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor);
  const out = tf.layers.conv2d({ filters: 1, kernelSize: 7, padding: 'same', activation: 'tanh' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, label], outputs: out, name: 'generator' });
}

/** S3 discriminator: label -> 28x28x1 channel beside the image (28x28x2), two strided convs, Dense 1. */
export function cganFashionDiscriminator(): tf.LayersModel {
  const image = tf.input({ shape: [28, 28, 1], name: 'image' });
  const label = labelInput('label');
  const li = labelChannel(label, 50, [28, 28, 1]);
  let x = tf.layers.concatenate().apply([image, li]) as tf.SymbolicTensor;
  x = leaky(tf.layers.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor);
  x = leaky(tf.layers.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor);
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.4 }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [image, label], outputs: out, name: 'discriminator' });
  model.compile({ optimizer: dcganAdam(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

// ---- S5: dense CGAN on MNIST ------------------------------------------------------------

/** S5 generator: z * Embedding(10, 100)(label), Dense 256/512/1024 with LeakyReLU and BatchNorm(0.8), Dense 784 tanh. */
export function cganMnistGenerator(latentDim = 100): tf.LayersModel {
  const z = tf.input({ shape: [latentDim], name: 'noise' });
  const label = labelInput('label');
  const emb = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: NUM_CLASSES, outputDim: latentDim }).apply(label)) as tf.SymbolicTensor;
  let x = tf.layers.multiply().apply([z, emb]) as tf.SymbolicTensor;
  for (const units of [256, 512, 1024]) {
    x = tf.layers.dense({ units }).apply(x) as tf.SymbolicTensor;
    x = leaky(x);
    x = tf.layers.batchNormalization({ momentum: 0.8 }).apply(x) as tf.SymbolicTensor;
  }
  x = tf.layers.dense({ units: 28 * 28, activation: 'tanh' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.reshape({ targetShape: [28, 28, 1] }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, label], outputs: out, name: 'generator' });
}

/** S5 discriminator: flattened image * Embedding(10, 784)(label), Dense 512 and 256 with LeakyReLU, Dense 1 sigmoid. */
export function cganMnistDiscriminator(): tf.LayersModel {
  const image = tf.input({ shape: [28, 28, 1], name: 'image' });
  const label = labelInput('label');
  const flat = tf.layers.flatten().apply(image) as tf.SymbolicTensor;
  const emb = tf.layers.flatten().apply(tf.layers.embedding({ inputDim: NUM_CLASSES, outputDim: 28 * 28 }).apply(label)) as tf.SymbolicTensor;
  let x = tf.layers.multiply().apply([flat, emb]) as tf.SymbolicTensor;
  x = leaky(tf.layers.dense({ units: 512 }).apply(x) as tf.SymbolicTensor);
  x = leaky(tf.layers.dense({ units: 256 }).apply(x) as tf.SymbolicTensor);
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [image, label], outputs: out, name: 'discriminator' });
  model.compile({ optimizer: dcganAdam(), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return model;
}

// ---- S6: AC-GAN on MNIST ----------------------------------------------------------------

/** S6 generator: z -> 7x7x384 (ReLU), label -> 7x7x1, concatenated, 5x5 stride-2 transposed convs (BatchNorm, ReLU) to 28x28x1 tanh. */
export function acganGenerator(latentDim = 100): tf.LayersModel {
  const init = tf.initializers.randomNormal({ stddev: 0.02 });
  const z = tf.input({ shape: [latentDim], name: 'noise' });
  const label = labelInput('label');
  const li = labelChannel(label, 50, [7, 7, 1]);
  let g = tf.layers.dense({ units: 384 * 7 * 7, kernelInitializer: init, activation: 'relu' }).apply(z) as tf.SymbolicTensor;
  g = tf.layers.reshape({ targetShape: [7, 7, 384] }).apply(g) as tf.SymbolicTensor;
  let x = tf.layers.concatenate().apply([g, li]) as tf.SymbolicTensor;
  x = tf.layers.conv2dTranspose({ filters: 192, kernelSize: 5, strides: 2, padding: 'same', kernelInitializer: init }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.conv2dTranspose({ filters: 1, kernelSize: 5, strides: 2, padding: 'same', kernelInitializer: init, activation: 'tanh' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: [z, label], outputs: out, name: 'generator' });
}

/** S6 discriminator: four 3x3 convs (32, 64, 128, 256; BatchNorm, LeakyReLU, Dropout 0.5), then a real/fake head and a class head. */
export function acganDiscriminator(): tf.LayersModel {
  const init = tf.initializers.randomNormal({ stddev: 0.02 });
  const image = tf.input({ shape: [28, 28, 1], name: 'image' });
  let x: tf.SymbolicTensor = image;
  const block = (filters: number, strides: number, batchNorm: boolean) => {
    x = tf.layers.conv2d({ filters, kernelSize: 3, strides, padding: 'same', kernelInitializer: init }).apply(x) as tf.SymbolicTensor;
    if (batchNorm) x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
    x = leaky(x);
    x = tf.layers.dropout({ rate: 0.5 }).apply(x) as tf.SymbolicTensor;
  };
  block(32, 2, false);
  block(64, 1, true);
  block(128, 2, true);
  block(256, 1, true);
  const flat = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const validity = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'validity' }).apply(flat) as tf.SymbolicTensor;
  const klass = tf.layers.dense({ units: NUM_CLASSES, activation: 'softmax', name: 'class' }).apply(flat) as tf.SymbolicTensor;
  const model = tf.model({ inputs: image, outputs: [validity, klass], name: 'discriminator' });
  model.compile({ optimizer: dcganAdam(), loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'] });
  return model;
}
