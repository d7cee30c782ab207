/**
 * Domain classifiers: small convolutional nets trained on MNIST and Fashion-MNIST whose
 * penultimate layer (`features`, 128 values) stands in for Inception-v3 when measuring
 * 28x28 samples (the "FID with a domain classifier" of MNIST-scale GAN papers), and whose
 * softmax gives the class of a sample (mode coverage, Inception Score, conditional accuracy).
 *
 * They are trained by `npm run train-classifiers` and committed under data/classifiers/.
 * Inputs are 28x28x1 images in [0, 1], white strokes on black, as the datasets store them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel } from '../models/files';
import { writeFileAtomic } from '../io';
import { ModelRange, toUnit } from '../pixels';
import { projectRoot } from '../config';

export type ClassifierDomain = 'mnist' | 'fashion-mnist';

/** Where the committed classifiers live (the package's data/ folder, wherever it is installed). */
export const CLASSIFIER_ROOT = path.join(projectRoot(), 'data', 'classifiers');

export function classifierDir(domain: ClassifierDomain, root = CLASSIFIER_ROOT): string {
  return path.join(root, domain);
}

/** What the training script records next to the weights. */
export interface ClassifierInfo {
  domain: ClassifierDomain;
  epochs: number;
  batchSize: number;
  /** Adam's learning rate in the first epoch, and its factor per epoch. */
  learningRate: number;
  lrDecay: number;
  testAccuracy: number;
  trainSeconds: number;
  backend: string;
  trainedAt: string;
}

/**
 * Conv 32 (3x3) -> conv 64 (3x3, stride 2) -> conv 128 (3x3, stride 2), ReLU, then Dense 128
 * (`features`), Dropout 0.3 and a 10-way softmax. Strided convolutions instead of pooling keep
 * every op on the project's fast wasm training kernels.
 */
export function defineDomainClassifier(): tf.LayersModel {
  const model = tf.sequential({ name: 'domain_classifier' });
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 128, activation: 'relu', name: 'features' }));
  model.add(tf.layers.dropout({ rate: 0.3 }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'classes' }));
  return model;
}

export function compileClassifier(model: tf.LayersModel, learningRate = 0.001): void {
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
}

/** Loads a committed classifier; the error says how to make one when it is missing. */
export async function loadDomainClassifier(domain: ClassifierDomain, root = CLASSIFIER_ROOT): Promise<tf.LayersModel> {
  const dir = classifierDir(domain, root);
  if (!fs.existsSync(path.join(dir, 'model.json'))) {
    throw new Error(`No ${domain} classifier in ${dir}. It is committed with the project; to make it again run: npm run train-classifiers -- --domain ${domain}`);
  }
  return loadModel(dir);
}

export function readClassifierInfo(domain: ClassifierDomain, root = CLASSIFIER_ROOT): ClassifierInfo | undefined {
  const file = path.join(classifierDir(domain, root), 'info.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ClassifierInfo) : undefined;
}

export async function saveDomainClassifier(model: tf.LayersModel, info: ClassifierInfo, root = CLASSIFIER_ROOT): Promise<void> {
  const dir = classifierDir(info.domain, root);
  await saveModel(model, dir);
  writeFileAtomic(path.join(dir, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
}

/** Classifier outputs for a set of images: penultimate features and class probabilities. */
export interface ClassifierOutputs {
  /** [n, 128] row-major. */
  features: Float32Array;
  featureDim: number;
  /** [n, 10] row-major. */
  probs: Float32Array;
  n: number;
}

const twoOutputs = new WeakMap<tf.LayersModel, tf.LayersModel>();

/** The classifier with two outputs, its features and its classes (built once per classifier; it shares the weights). */
function featuresAndClasses(model: tf.LayersModel): tf.LayersModel {
  let both = twoOutputs.get(model);
  if (!both) {
    both = tf.model({ inputs: model.inputs, outputs: [model.getLayer('features').output as tf.SymbolicTensor, model.outputs[0]] });
    twoOutputs.set(model, both);
  }
  return both;
}

/**
 * Runs the classifier over [n, 28, 28, 1] images in [0, 1] in batches, returning features and
 * probabilities as plain arrays (the metrics work in float64 on them). Tensors are disposed.
 */
export function classify(model: tf.LayersModel, images: tf.Tensor4D, batchSize = 500): ClassifierOutputs {
  const [, h, w, c] = images.shape;
  if (h !== 28 || w !== 28 || c !== 1) throw new Error(`The domain classifier takes 28x28x1 images; got ${h}x${w}x${c}.`);
  const featureLayer = model.getLayer('features');
  const both = featuresAndClasses(model);
  const n = images.shape[0];
  const featureDim = (featureLayer.outputShape as number[])[1];
  const features = new Float32Array(n * featureDim);
  const probs = new Float32Array(n * 10);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [f, p] = tf.tidy(() => {
      const batch = images.slice([start, 0, 0, 0], [size, 28, 28, 1]);
      return both.predict(batch) as tf.Tensor[];
    });
    features.set(f.dataSync(), start * featureDim);
    probs.set(p.dataSync(), start * 10);
    tf.dispose([f, p]);
  }
  return { features, featureDim, probs, n };
}

/** Index of the largest probability of each row. */
export function argmaxRows(probs: Float32Array, classes = 10): Int32Array {
  const n = probs.length / classes;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probs[i * classes + k] > probs[i * classes + best]) best = k;
    out[i] = best;
  }
  return out;
}

/** Fraction of images whose predicted class equals the label. */
export function classifierAccuracy(model: tf.LayersModel, images: tf.Tensor4D, labels: ArrayLike<number>): number {
  const predicted = argmaxRows(classify(model, images).probs);
  let right = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === labels[i]) right++;
  return right / predicted.length;
}

/** Generator output (in its range) -> the classifier's input convention ([0, 1], white on black). */
export function toClassifierInput(images: tf.Tensor4D, range: ModelRange): tf.Tensor4D {
  return toUnit(images, range);
}
