/** The composite models of the Keras tutorials: generator then frozen discriminator, for the plain systems and, over [noise, label], the conditional ones. */
import * as tf from '@tensorflow/tfjs';
import { collectedTrainableWeights, countWeights, latentSizeOf } from '../engine/tfjs-internals';

/** Adam(learning rate 0.0002, beta1 0.5), the DCGAN paper's setting used by most tutorials. */
export function dcganAdam(learningRate = 0.0002): tf.Optimizer {
  return tf.train.adam(learningRate, 0.5);
}

/**
 * The composite model that trains the generator: generator then discriminator, with the
 * discriminator frozen. Keras reads `trainable` when a model is compiled; TensorFlow.js
 * also collects the trainable weights at compile time, but refuses to train a model whose
 * variables are all marked untrainable. So the discriminator is frozen only while the
 * composite is compiled: the composite's update list holds the generator's weights alone,
 * and the discriminator (trainable again) still learns from its own `trainOnBatch`.
 */
export function defineGan(generator: tf.LayersModel, discriminator: tf.LayersModel, optimizer: tf.Optimizer = dcganAdam()): tf.LayersModel {
  const model = tf.sequential({ name: 'gan' });
  model.add(generator);
  model.add(discriminator);
  discriminator.trainable = false;
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  discriminator.trainable = true;
  return model;
}

/**
 * Parameters the composite model's optimizer updates (Keras's "Trainable params" of the
 * composite). tfjs's `summary()` recomputes this from the current `trainable` flags, so it
 * counts the discriminator too once it is trainable again; this reads what compile collected.
 */
export function compositeTrainableParams(gan: tf.LayersModel): number {
  const collected = collectedTrainableWeights(gan);
  if (!collected) throw new Error('compositeTrainableParams: the model is not compiled.');
  return countWeights(collected);
}

/** Builds, freezes and compiles a composite over [noise, label] inputs whose D output is `discriminate(image, label)`. */
function labelledComposite(generator: tf.LayersModel, discriminator: tf.LayersModel, discriminate: (image: tf.SymbolicTensor, label: tf.SymbolicTensor) => tf.SymbolicTensor | tf.SymbolicTensor[], loss: string | string[], optimizer: tf.Optimizer): tf.LayersModel {
  const latentDim = latentSizeOf(generator);
  const z = tf.input({ shape: [latentDim], name: 'gan_noise' });
  const label = tf.input({ shape: [1], name: 'gan_label' });
  const image = generator.apply([z, label]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [z, label], outputs: discriminate(image, label), name: 'gan' });
  discriminator.trainable = false;
  model.compile({ optimizer, loss });
  discriminator.trainable = true;
  return model;
}

/**
 * The composite model of a conditional GAN (S3, S5): D([G([z, label]), label]), the label the
 * generator was asked for shown to D with its image; the discriminator frozen as in `defineGan`.
 */
export function defineConditionalGan(generator: tf.LayersModel, discriminator: tf.LayersModel, optimizer: tf.Optimizer = dcganAdam()): tf.LayersModel {
  return labelledComposite(generator, discriminator, (image, label) => discriminator.apply([image, label]) as tf.SymbolicTensor, 'binaryCrossentropy', optimizer);
}

/**
 * The composite model of an AC-GAN (S6): D(G([z, label])) -> [real/fake, class], trained with
 * binary cross-entropy on the first head and sparse categorical cross-entropy on the second.
 */
export function defineAcGan(generator: tf.LayersModel, discriminator: tf.LayersModel, optimizer: tf.Optimizer = dcganAdam()): tf.LayersModel {
  return labelledComposite(generator, discriminator, (image) => discriminator.apply(image) as tf.SymbolicTensor[], ['binaryCrossentropy', 'sparseCategoricalCrossentropy'], optimizer);
}
