/**
 * Sample quality of a generator, measured against the real test set with the domain
 * classifier: FID, KID, classes covered, Inception Score, and (conditional generators) the
 * fraction of samples of class k classified as k. `realBaseline` runs the same measures on
 * real training images, so every score has a "what perfect looks like" beside it.
 */
import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { loadMnist, loadFashionMnist } from '../data/mnist';
import { scaleToUnit, ModelRange } from '../pixels';
import { sampleIndices } from '../random';
import { generateLatentPoints, isConditional, runGenerator } from '../models/gan';
import { classify, loadDomainClassifier, ClassifierDomain, ClassifierOutputs, toClassifierInput } from './classifier';
import { featureStats, frechetDistance, FeatureStats } from './frechet';
import { kernelInceptionDistance, featureScale, KidResult } from './kid';
import { modeCoverage, inceptionScore, conditionalAccuracy, ModeCoverage, InceptionScore } from './scores';
import { latentSizeOf } from '../engine/tfjs-internals';

export interface QualityReport {
  samples: number;
  fid: number;
  kid: KidResult;
  inceptionScore: InceptionScore;
  coverage: ModeCoverage;
  /** Conditional generators only. */
  conditionalAccuracy?: { overall: number; perClass: number[] };
}

/** The real test set through the classifier: the reference every score is measured against. */
export interface Reference {
  domain: ClassifierDomain;
  classifier: tf.LayersModel;
  test: ClassifierOutputs;
  testStats: FeatureStats;
  /** Brings the test features to root-mean-square 1 for KID's cubic kernel (applied to both sets). */
  kidScale: number;
}

export interface MetricOptions {
  /** Generated (or real baseline) images to score (default 10,000). */
  samples?: number;
  /** KID subsets and subset size (default 100 x 1000, at most the sample count). */
  kidSubsets?: number;
  kidSubsetSize?: number;
  seed?: number;
}

export async function loadReference(domain: ClassifierDomain): Promise<Reference> {
  const classifier = await loadDomainClassifier(domain);
  const ds = await (domain === 'mnist' ? loadMnist : loadFashionMnist)();
  const images = scaleToUnit(ds.test.images) as tf.Tensor4D;
  const test = classify(classifier, images);
  tf.dispose([images, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  return { domain, classifier, test, testStats: featureStats(test.features, test.featureDim), kidScale: featureScale(test.features) };
}

/** All scores of a set of classifier outputs against the reference. */
export function scoreOutputs(out: ClassifierOutputs, ref: Reference, options: MetricOptions = {}, labels?: ArrayLike<number>): QualityReport {
  const fid = frechetDistance(featureStats(out.features, out.featureDim), ref.testStats);
  const kid = kernelInceptionDistance(out.features, ref.test.features, out.featureDim, {
    subsets: options.kidSubsets ?? 100,
    subsetSize: options.kidSubsetSize ?? 1000,
    seed: String(options.seed ?? 0),
    scale: ref.kidScale,
  });
  return {
    samples: out.n,
    fid,
    kid,
    inceptionScore: inceptionScore(out.probs, 10, Math.min(10, out.n)),
    coverage: modeCoverage(out.probs),
    ...(labels ? { conditionalAccuracy: conditionalAccuracy(out.probs, labels) } : {}),
  };
}

/** Images for the classifier: [0, 1], 28x28 (a 64x64 generator's padded digits are resized back). */
function domainImages(images: tf.Tensor4D, range: ModelRange): tf.Tensor4D {
  return tf.tidy(() => {
    const unit = toClassifierInput(images, range);
    return unit.shape[1] === 28 ? unit : (tf.image.resizeBilinear(unit, [28, 28]) as tf.Tensor4D);
  });
}

/** Classifies `n` images made `batch` at a time by `makeBatch(start, size)` (which returns [0, 1] 28x28 images it hands over). */
function classifyInBatches(n: number, ref: Reference, makeBatch: (start: number, size: number) => tf.Tensor4D): ClassifierOutputs {
  const batch = 500;
  const featureDim = ref.test.featureDim;
  const out: ClassifierOutputs = { features: new Float32Array(n * featureDim), probs: new Float32Array(n * 10), featureDim, n };
  for (let start = 0; start < n; start += batch) {
    const size = Math.min(batch, n - start);
    const images = makeBatch(start, size);
    const part = classify(ref.classifier, images);
    out.features.set(part.features, start * featureDim);
    out.probs.set(part.probs, start * 10);
    images.dispose();
  }
  return out;
}

/**
 * Draws `samples` images from the generator (evenly over the classes for a conditional one),
 * classifies them batch by batch, and scores them against the reference.
 */
export function evaluateGenerator(generator: tf.LayersModel, range: ModelRange, ref: Reference, options: MetricOptions = {}): QualityReport {
  const n = options.samples ?? 10000;
  const conditional = isConditional(generator);
  const latentDim = latentSizeOf(generator);
  const labels = conditional ? Array.from({ length: n }, (_, i) => i % 10) : undefined;
  const seed = options.seed ?? 0;
  const out = classifyInBatches(n, ref, (start, size) => tf.tidy(() => {
    // +1: TensorFlow.js treats a seed of 0 as "no seed".
    const z = generateLatentPoints(latentDim, size, (seed + 1) * 100003 + start);
    return domainImages(runGenerator(generator, z, labels?.slice(start, start + size)), range);
  }));
  return scoreOutputs(out, ref, options, labels);
}

/**
 * Scores images made elsewhere (e.g. by the Keras or PyTorch reference, read from a .npy file):
 * `images` in [0, 1], any size (resized to the classifier's 28x28), every one of them scored.
 * `labels`, when given, are the classes the images were asked to show (conditional accuracy).
 */
export function evaluateImages(images: tf.Tensor4D, ref: Reference, options: MetricOptions = {}, labels?: ArrayLike<number>): QualityReport {
  const n = images.shape[0];
  const out = classifyInBatches(n, ref, (start, size) => tf.tidy(() => domainImages(images.slice([start, 0, 0, 0], [size, -1, -1, -1]), '0-1')));
  return scoreOutputs(out, ref, { ...options, samples: n }, labels);
}

/**
 * Real against real: `samples` random training images scored exactly like generated ones.
 * A generator cannot be expected to do better than this.
 */
export async function realBaseline(ref: Reference, options: MetricOptions = {}): Promise<QualityReport> {
  const ds = await (ref.domain === 'mnist' ? loadMnist : loadFashionMnist)();
  const n = Math.min(options.samples ?? 10000, ds.train.images.shape[0]);
  const random = seedrandom(String(options.seed ?? 0));
  const picked = tf.tidy(() => scaleToUnit(tf.gather(ds.train.images, sampleIndices(ds.train.images.shape[0], n, random))) as tf.Tensor4D);
  const out = classify(ref.classifier, picked);
  tf.dispose([picked, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  return scoreOutputs(out, ref, options);
}

/** One line per score, generated beside real, for terminals and notebooks. */
export function formatReport(model: QualityReport, real: QualityReport): string {
  const row = (name: string, a: string, b: string) => `${name.padEnd(24)}${a.padStart(16)}${b.padStart(16)}`;
  const lines = [
    row('', 'generated', 'real vs real'),
    row('FID (lower is better)', model.fid.toFixed(2), real.fid.toFixed(2)),
    row('KID x 1000', `${(1000 * model.kid.mean).toFixed(2)} ± ${(1000 * model.kid.std).toFixed(2)}`, `${(1000 * real.kid.mean).toFixed(2)} ± ${(1000 * real.kid.std).toFixed(2)}`),
    row('classes covered', `${model.coverage.covered}/10`, `${real.coverage.covered}/10`),
    row('class entropy (nats)', model.coverage.entropy.toFixed(3), real.coverage.entropy.toFixed(3)),
    row('Inception Score', model.inceptionScore.mean.toFixed(2), real.inceptionScore.mean.toFixed(2)),
  ];
  if (model.conditionalAccuracy) lines.push(row('conditional accuracy', `${(100 * model.conditionalAccuracy.overall).toFixed(1)}%`, '-'));
  lines.push(row('samples', String(model.samples), String(real.samples)));
  return lines.join('\n');
}
