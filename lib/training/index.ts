/** Training: the steps, the loop and its callbacks, checkpoints, schedules, samples and generation. */
export * from './samples';
export * from './step';
export * from './tape-step';
export { gradientsOfLosses } from '../engine/two-losses';   // the pair of GradientTapes a tape step needs
export * from './loop';
export * from './callbacks';
export * from './progress';
export * from './checkpoint';
export * from './summarize';
export * from './generate';
export * from './schedule';
