/**
 * The gradient of FusedBatchNorm (every BatchNormalization layer in training) without the
 * full-size Tile. tfjs-core's gradient computes dL/dx as dy * tile(1 / sqrt(var + eps),
 * [N, H, W, 1]) * scale: the tile copies the per-channel factor to the whole input shape, and on
 * wasm it runs on one core, 10-15% of a BatchNorm system's step (docs/wasm-kernels.md). A
 * multiply that broadcasts the [C] factor over the last axis gives the same values. The other
 * derivatives are tfjs-core's, unchanged. Gradients are registered per kernel name, not per
 * backend, so cpu uses it too; `test/kernels.test.ts` checks it against the stock gradient there.
 */
import * as tf from '@tensorflow/tfjs';

let stock: tf.GradConfig | undefined;

/** tfjs-core's own FusedBatchNorm gradient (kept when ours is registered), for comparison. */
export function stockBatchNormGradient(): tf.GradConfig | undefined {
  return stock ?? tf.getGradient('FusedBatchNorm');
}

export const batchNormGradient: tf.GradConfig = {
  kernelName: 'FusedBatchNorm',
  inputsToSave: ['x', 'mean', 'variance', 'scale'],
  gradFunc: (dy, saved, attrs) => {
    const { varianceEpsilon } = attrs as unknown as { varianceEpsilon: number };
    const [x, mean, variance, scale] = saved;
    const g = dy as tf.Tensor;
    const scaleValue = scale == null ? tf.scalar(1) : scale;
    const reductionAxes = tf.backend_util.getReductionAxes(mean.shape, x.shape);
    const perChannel = mean.rank === 1;
    const reduce = (t: tf.Tensor) => tf.reshape(perChannel ? tf.sum(t, reductionAxes) : t, mean.shape);
    const xMinusMean = tf.sub(x, mean);
    const dyTimesScale = tf.mul(g, scaleValue);
    const oneOverSqrtVariance = tf.rsqrt(tf.add(variance, tf.scalar(varianceEpsilon)));
    const minusHalfRCube = tf.mul(tf.mul(tf.mul(oneOverSqrtVariance, oneOverSqrtVariance), oneOverSqrtVariance), tf.scalar(-0.5));
    return {
      // [C] broadcasts over the last axis: no copy of the factor to the input's shape.
      x: () => tf.reshape(tf.mul(tf.mul(g, oneOverSqrtVariance), scaleValue), x.shape),
      mean: () => reduce(tf.mul(tf.mul(oneOverSqrtVariance, tf.scalar(-1)), dyTimesScale)),
      variance: () => reduce(tf.mul(tf.mul(minusHalfRCube, xMinusMean), dyTimesScale)),
      scale: () => reduce(tf.mul(g, tf.mul(xMinusMean, oneOverSqrtVariance))),
      offset: () => reduce(g),
    };
  },
};

/** Registers the gradient above in place of tfjs-core's (idempotent). */
export function registerBatchNormGradient(): void {
  if (tf.getGradient('FusedBatchNorm') === batchNormGradient) return;
  if (!stock) stock = tf.getGradient('FusedBatchNorm');
  tf.registerGradient(batchNormGradient);
}
