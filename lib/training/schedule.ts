/**
 * Learning-rate schedules applied at epoch boundaries to both optimizers, and logged per
 * epoch (the `lr` column of log.csv).
 */
import { GanCallback } from './loop';
import { setLearningRate } from '../engine/tfjs-internals';

/**
 * Piecewise-constant decay (tutorial 003: boundaries at epochs 10, 20, 25 with lr, lr/10,
 * lr/100, lr/1000). `boundaries` are epoch counts: epoch e (1-based) uses values[k] where k
 * is the number of boundaries below e.
 */
export function piecewiseConstant(boundaries: number[], values: number[]): (epoch: number) => number {
  if (values.length !== boundaries.length + 1) throw new Error(`piecewiseConstant: ${boundaries.length} boundaries need ${boundaries.length + 1} values, got ${values.length}.`);
  return (epoch) => values[boundaries.filter((b) => epoch > b).length];
}

/**
 * Tutorial 003's schedule: `lr`, divided by ten after epochs 10, 20 and 25
 * (piecewise-constant decay in tenfold steps).
 */
export function tenfoldStepDecay(lr = 0.0002): (epoch: number) => number {
  return piecewiseConstant([10, 20, 25], [lr, lr / 10, lr / 100, lr / 1000]);
}

/** Sets the learning rate of the discriminator's and the composite's optimizers each epoch. */
export function learningRateSchedule(schedule: (epoch: number) => number): GanCallback {
  let current = NaN;
  return {
    onEpochBegin(epoch, ctx) {
      current = schedule(epoch);
      setLearningRate(ctx.models.discriminator.optimizer, current);
      setLearningRate(ctx.models.gan.optimizer, current);
    },
    onEpochEnd(_epoch, logs) {
      logs.lr = current;
    },
  };
}
