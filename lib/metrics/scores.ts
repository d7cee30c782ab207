/**
 * Scores from the domain classifier's class probabilities: which classes a generator makes
 * (mode coverage), the classifier-based Inception Score, and, for conditional generators,
 * how often a sample asked to be class k is classified as k.
 */
import { argmaxRows } from './classifier';

export interface ModeCoverage {
  /** Samples assigned to each class (argmax of the classifier). */
  histogram: number[];
  /** Classes that received at least `threshold` of the samples. */
  covered: number;
  /** Entropy of the class histogram in nats (uniform over 10 classes: ln 10 = 2.303). */
  entropy: number;
  threshold: number;
}

/** Class histogram of the samples; a class counts as covered with at least 10% of its fair share (1% of samples for 10 classes). */
export function modeCoverage(probs: Float32Array, classes = 10, threshold = 0.1 / classes): ModeCoverage {
  const predicted = argmaxRows(probs, classes);
  const histogram = new Array<number>(classes).fill(0);
  for (const k of predicted) histogram[k]++;
  const n = predicted.length;
  const covered = histogram.filter((c) => c / n >= threshold).length;
  const entropy = -histogram.reduce((s, c) => (c > 0 ? s + (c / n) * Math.log(c / n) : s), 0);
  return { histogram, covered, entropy, threshold };
}

export interface InceptionScore {
  mean: number;
  std: number;
  splits: number;
}

/**
 * exp(E_x KL(p(y|x) || p(y))) over `splits` equal parts (Salimans et al. 2016), with the
 * domain classifier in place of Inception-v3. 1 = one class or no confidence; 10 = confident
 * and evenly spread over 10 classes.
 */
export function inceptionScore(probs: Float32Array, classes = 10, splits = 10): InceptionScore {
  const n = probs.length / classes;
  const size = Math.floor(n / splits);
  if (size < 1) throw new Error(`inceptionScore: ${n} samples cannot make ${splits} splits.`);
  const eps = 1e-12;
  const scores: number[] = [];
  for (let s = 0; s < splits; s++) {
    const marginal = new Float64Array(classes);
    for (let i = s * size; i < (s + 1) * size; i++) for (let k = 0; k < classes; k++) marginal[k] += probs[i * classes + k] / size;
    let kl = 0;
    for (let i = s * size; i < (s + 1) * size; i++) {
      for (let k = 0; k < classes; k++) {
        const p = probs[i * classes + k];
        if (p > 0) kl += p * (Math.log(p + eps) - Math.log(marginal[k] + eps));
      }
    }
    scores.push(Math.exp(kl / size));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / splits;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / splits);
  return { mean, std, splits };
}

/** Fraction of samples generated for class `labels[i]` that the classifier assigns to it, overall and per class. */
export function conditionalAccuracy(probs: Float32Array, labels: ArrayLike<number>, classes = 10): { overall: number; perClass: number[] } {
  const predicted = argmaxRows(probs, classes);
  const right = new Array<number>(classes).fill(0);
  const total = new Array<number>(classes).fill(0);
  for (let i = 0; i < predicted.length; i++) {
    total[labels[i]]++;
    if (predicted[i] === labels[i]) right[labels[i]]++;
  }
  const overall = right.reduce((a, b) => a + b, 0) / predicted.length;
  return { overall, perClass: right.map((r, k) => (total[k] ? r / total[k] : NaN)) };
}
