/**
 * Fréchet distance between two sets of features, each summarised by its mean and covariance
 * (FID when the features come from a classifier):
 *
 *   d² = |mu1 - mu2|² + tr(S1) + tr(S2) - 2 tr( (S1^½ S2 S1^½)^½ )
 *
 * The trace of the matrix square root is computed as torch-fidelity does: S1^½ from the
 * eigen-decomposition of the symmetric S1, then the eigenvalues of the symmetric product
 * S1^½ S2 S1^½, whose square roots sum to the trace. ml-matrix does the decompositions.
 */
import { Matrix, EigenvalueDecomposition } from 'ml-matrix';

export interface FeatureStats {
  n: number;
  mean: Float64Array;
  /** d x d covariance (unbiased, divided by n - 1), row-major. */
  cov: Float64Array;
  dim: number;
}

/** Mean and covariance of [n, dim] row-major features, in float64. */
export function featureStats(features: ArrayLike<number>, dim: number): FeatureStats {
  const n = features.length / dim;
  if (!Number.isInteger(n) || n < 2) throw new Error(`featureStats needs at least 2 rows of ${dim} features; got ${features.length} values.`);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += features[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) centred[j] = features[i * dim + j] - mean[j];
    for (let a = 0; a < dim; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      const row = a * dim;
      for (let b = a; b < dim; b++) cov[row + b] += ca * centred[b];
    }
  }
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = cov[a * dim + b] / (n - 1);
      cov[a * dim + b] = v;
      cov[b * dim + a] = v;
    }
  }
  return { n, mean, cov, dim };
}

function toMatrix(values: Float64Array, dim: number): Matrix {
  return Matrix.from1DArray(dim, dim, Array.from(values));
}

/** Symmetric positive semi-definite square root via eigen-decomposition (negative eigenvalues from round-off clamp to 0). */
function sqrtSymmetric(m: Matrix): Matrix {
  const evd = new EigenvalueDecomposition(m, { assumeSymmetric: true });
  const v = evd.eigenvectorMatrix;
  const roots = evd.realEigenvalues.map((l) => Math.sqrt(Math.max(l, 0)));
  return v.mmul(Matrix.diag(roots)).mmul(v.transpose());
}

/** The trace of (S1^½ S2 S1^½)^½, i.e. tr(sqrtm(S1 S2)). */
export function traceSqrtProduct(cov1: Matrix, cov2: Matrix): number {
  const root1 = sqrtSymmetric(cov1);
  const product = root1.mmul(cov2).mmul(root1);
  // Symmetrise against round-off before the symmetric solver.
  const sym = product.add(product.transpose()).mul(0.5);
  const evd = new EigenvalueDecomposition(sym, { assumeSymmetric: true });
  return evd.realEigenvalues.reduce((s, l) => s + Math.sqrt(Math.max(l, 0)), 0);
}

/** Fréchet distance (squared, as FID is reported) between two feature summaries. */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  if (a.dim !== b.dim) throw new Error(`frechetDistance: feature sizes differ (${a.dim} and ${b.dim}).`);
  const dim = a.dim;
  let meanTerm = 0;
  for (let j = 0; j < dim; j++) meanTerm += (a.mean[j] - b.mean[j]) ** 2;
  let traces = 0;
  for (let j = 0; j < dim; j++) traces += a.cov[j * dim + j] + b.cov[j * dim + j];
  const cross = traceSqrtProduct(toMatrix(a.cov, dim), toMatrix(b.cov, dim));
  // Equal sets give a tiny negative number from round-off; a distance is never below 0.
  return Math.max(0, meanTerm + traces - 2 * cross);
}
