/** The composite model of the Keras tutorials, shared by every unconditional system. */
import * as tf from '@tensorflow/tfjs';

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
  const inner = (gan as unknown as { model?: { collectedTrainableWeights?: tf.LayerVariable[] } }).model;
  const collected = inner?.collectedTrainableWeights ?? (gan as unknown as { collectedTrainableWeights?: tf.LayerVariable[] }).collectedTrainableWeights;
  if (!collected) throw new Error('compositeTrainableParams: the model is not compiled.');
  return collected.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** How a GAN's networks are conditioned on class labels. */
export type GanKind = 'plain' | 'conditional' | 'auxiliary';

/**
 * The composite model of a conditional GAN (S3, S5: D([G([z, label]), label])) or of an
 * AC-GAN (S6: D(G([z, label])) -> [real/fake, class]), with the discriminator frozen as in
 * `defineGan`. Inputs are [noise, label].
 */
export function defineConditionalGan(generator: tf.LayersModel, discriminator: tf.LayersModel, kind: Exclude<GanKind, 'plain'>, optimizer: tf.Optimizer = dcganAdam()): tf.LayersModel {
  const latentDim = generator.inputs[0].shape[1] as number;
  const z = tf.input({ shape: [latentDim], name: 'gan_noise' });
  const label = tf.input({ shape: [1], name: 'gan_label' });
  const image = generator.apply([z, label]) as tf.SymbolicTensor;
  const out = (kind === 'conditional' ? discriminator.apply([image, label]) : discriminator.apply(image)) as tf.SymbolicTensor | tf.SymbolicTensor[];
  const model = tf.model({ inputs: [z, label], outputs: out, name: 'gan' });
  discriminator.trainable = false;
  model.compile({ optimizer, loss: kind === 'conditional' ? 'binaryCrossentropy' : ['binaryCrossentropy', 'sparseCategoricalCrossentropy'] });
  discriminator.trainable = true;
  return model;
}
