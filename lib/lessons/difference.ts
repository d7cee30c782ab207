/** Comparing two results, as the lessons and their checks do. */
import * as tf from '@tensorflow/tfjs';

type Comparable = tf.Tensor | tf.Tensor[] | tf.LayersModel | number | number[];

function asTensors(x: Comparable): Array<tf.Tensor | number> {
  if (x instanceof tf.LayersModel) return x.getWeights();
  if (Array.isArray(x)) return x as Array<tf.Tensor | number>;
  return [x];
}

/**
 * The largest absolute difference between two results: tensors, lists of tensors, numbers, or
 * two models (all their weights, in order). Throws if their shapes differ, so a changed layer
 * cannot pass as a small difference. `maxAbsDifference(mine, theLibrarys) < 1e-6`.
 */
export function maxAbsDifference(a: Comparable, b: Comparable): number {
  const xs = asTensors(a);
  const ys = asTensors(b);
  if (xs.length !== ys.length) throw new Error(`maxAbsDifference: ${xs.length} values against ${ys.length}.`);
  let max = 0;
  xs.forEach((x, i) => {
    const y = ys[i];
    const xShape = typeof x === 'number' ? [] : x.shape;
    const yShape = typeof y === 'number' ? [] : y.shape;
    if (xShape.join(',') !== yShape.join(',')) throw new Error(`maxAbsDifference: value ${i} has shape [${xShape}] against [${yShape}].`);
    const xv = typeof x === 'number' ? [x] : x.dataSync();
    const yv = typeof y === 'number' ? [y] : y.dataSync();
    for (let k = 0; k < xv.length; k++) {
      const d = Math.abs(xv[k] - yv[k]);
      if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
    }
  });
  return max;
}
