/**
 * The DCGAN paper's evaluation that tutorial 001 describes: freeze the discriminator, take its
 * features (the flattened activations before the final Dense), train a linear classifier on a
 * small labelled subset, and measure accuracy on the test set. A discriminator that learned
 * what digits look like gives features a linear model can separate; compare with the same
 * probe on an untrained discriminator of the same shape.
 */
import * as tf from '@tensorflow/tfjs';

/** The discriminator's penultimate features (its last Flatten), as a frozen model. */
export function discriminatorFeatures(discriminator: tf.LayersModel): tf.LayersModel {
  if (discriminator.inputs.length !== 1) {
    throw new Error('The linear probe needs an unconditional discriminator: a conditional one is given the class it is asked to predict.');
  }
  const flatten = [...discriminator.layers].reverse().find((l) => l.getClassName() === 'Flatten');
  if (!flatten) throw new Error(`Discriminator ${discriminator.name} has no Flatten layer to read features from.`);
  return tf.model({ inputs: discriminator.inputs, outputs: flatten.output as tf.SymbolicTensor });
}

export interface ProbeOptions {
  /** Labelled training examples per class (default 100: 1,000 in all). */
  perClass?: number;
  epochs?: number;
  seed?: number;
}

function features(model: tf.LayersModel, images: tf.Tensor4D, batch = 500): tf.Tensor2D {
  const parts: tf.Tensor[] = [];
  for (let s = 0; s < images.shape[0]; s += batch) {
    const size = Math.min(batch, images.shape[0] - s);
    parts.push(tf.tidy(() => model.predict(images.slice([s, 0, 0, 0], [size, -1, -1, -1]), { batchSize: size }) as tf.Tensor));
  }
  const out = tf.concat(parts) as tf.Tensor2D;
  tf.dispose(parts);
  return out;
}

/** First `perClass` examples of each class, in class order. */
export function balancedSubset(labels: ArrayLike<number>, perClass: number, classes = 10): number[] {
  const picked: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) if (picked[labels[i]].length < perClass) picked[labels[i]].push(i);
  return picked.flat();
}

/**
 * Test accuracy of a softmax regression on the frozen features. Images must be in the range
 * the discriminator was trained on.
 */
export async function linearProbeAccuracy(
  discriminator: tf.LayersModel,
  train: { images: tf.Tensor4D; labels: tf.Tensor1D },
  test: { images: tf.Tensor4D; labels: tf.Tensor1D },
  options: ProbeOptions = {},
): Promise<number> {
  const extractor = discriminatorFeatures(discriminator);
  const idx = balancedSubset(train.labels.dataSync(), options.perClass ?? 100);
  const subset = tf.gather(train.images, idx) as tf.Tensor4D;
  const xTrain = features(extractor, subset);
  const yTrain = tf.gather(train.labels, idx).toFloat();
  // Standardise with the training subset's statistics so one learning rate suits any discriminator.
  const { mean, variance } = tf.moments(xTrain, 0);
  const scale = tf.tidy(() => variance.sqrt().add(1e-6));
  const norm = (x: tf.Tensor2D) => tf.tidy(() => x.sub(mean).div(scale) as tf.Tensor2D);
  const xTrainN = norm(xTrain);
  const probe = tf.sequential({ layers: [tf.layers.dense({ inputShape: [xTrain.shape[1]], units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed ?? 1 }) })] });
  probe.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
  await probe.fit(xTrainN, yTrain, { epochs: options.epochs ?? 100, batchSize: xTrainN.shape[0], verbose: 0 });
  let right = 0;
  const testLabels = test.labels.dataSync();
  for (let s = 0; s < test.images.shape[0]; s += 1000) {
    const size = Math.min(1000, test.images.shape[0] - s);
    const predicted = tf.tidy(() => {
      const f = features(extractor, test.images.slice([s, 0, 0, 0], [size, -1, -1, -1]));
      return (probe.predict(norm(f)) as tf.Tensor).argMax(1);
    });
    const p = predicted.dataSync();
    for (let i = 0; i < size; i++) if (p[i] === testLabels[s + i]) right++;
    predicted.dispose();
  }
  tf.dispose([subset, xTrain, yTrain, mean, variance, scale, xTrainN]);
  probe.dispose();
  return right / test.images.shape[0];
}
