/**
 * What this library needs from TensorFlow.js beyond its public types, in one place. Each reads
 * or writes a field that tfjs 4.22 has but does not declare; `test/tfjs-internals.test.ts`
 * checks every one against a real model, so a tfjs upgrade that moves a field fails there
 * first, with the name of the helper, instead of deep inside training.
 */
import * as tf from '@tensorflow/tfjs';

/** Adam, SGD, RMSProp... all keep their rate in a `learningRate` field that `applyGradients` reads. */
interface WithLearningRate { learningRate: number }

/** The learning rate an optimizer applies now. */
export function learningRateOf(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as WithLearningRate).learningRate;
  if (typeof lr !== 'number') throw new Error(`learningRateOf: ${optimizer.getClassName()} has no numeric learningRate field (tfjs internals changed?).`);
  return lr;
}

/**
 * Changes the learning rate of an optimizer in place: the next update uses it. Adam and RMSProp
 * read the field at every update; SGD and Momentum keep a tensor made from it in the
 * constructor and must be told through their own `setLearningRate` (setting the field alone
 * would silently keep the old rate: the test shows it).
 */
export function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  learningRateOf(optimizer);
  const own = (optimizer as unknown as { setLearningRate?: (lr: number) => void }).setLearningRate;
  if (typeof own === 'function') own.call(optimizer, lr);
  else (optimizer as unknown as WithLearningRate).learningRate = lr;
}

/** A compiled model keeps what `compile()` collected; a Sequential keeps it on its inner model. */
interface Compiled { model?: Compiled; collectedTrainableWeights?: tf.LayerVariable[]; optimizer?: unknown; loss?: unknown }

/**
 * The weights `compile()` collected for the model's optimizer (Keras's trainable weights of a
 * compiled model), or undefined for a model that was never compiled. Unlike
 * `model.trainableWeights`, this does not change when a layer's `trainable` flag changes later:
 * the frozen discriminator inside a GAN's composite stays out of it.
 */
export function collectedTrainableWeights(model: tf.LayersModel): tf.LayerVariable[] | undefined {
  const outer = model as unknown as Compiled;
  const inner = outer.model ?? outer;
  return inner.collectedTrainableWeights ?? outer.collectedTrainableWeights;
}

/** Whether the model has been compiled (has an optimizer and collected weights). */
export function isCompiled(model: tf.LayersModel): boolean {
  const outer = model as unknown as Compiled;
  const inner = outer.model ?? outer;
  return (inner.optimizer ?? outer.optimizer) != null && collectedTrainableWeights(model) !== undefined;
}

/** The loss or losses passed to `compile()` (a Sequential keeps them on its inner model). */
export function compiledLoss(model: tf.LayersModel): unknown {
  const outer = model as unknown as Compiled;
  return outer.loss ?? outer.model?.loss;
}

/** The tf.Variables behind a model's trainable weights, for `tf.variableGrads` / optimizer updates. */
export function trainableVariables(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

/** Numbers in a list of weights (their shapes multiplied out). */
export function countWeights(weights: Array<{ shape: Array<number | null> }>): number {
  return weights.reduce((sum, w) => sum + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
}

/** The size of a generator's latent input: the second dimension of its first input. */
export function latentSizeOf(generator: tf.LayersModel): number {
  const size = generator.inputs[0].shape[1];
  if (typeof size !== 'number') throw new Error(`latentSizeOf: the generator's first input has shape [${generator.inputs[0].shape.join(', ')}], not [batch, latent size].`);
  return size;
}

/** tfjs's kernel profiler (what `tf.profile` uses), for timing single kernels. */
export interface KernelProfiler { profileKernel: (name: string, inputs: unknown, f: () => unknown) => unknown }
export function kernelProfiler(): KernelProfiler {
  const profiler = (tf.engine() as unknown as { profiler?: KernelProfiler }).profiler;
  if (!profiler || typeof profiler.profileKernel !== 'function') throw new Error('kernelProfiler: tf.engine().profiler.profileKernel is missing (tfjs internals changed?).');
  return profiler;
}

/**
 * `compile({ metrics })` for one output of a multi-output model, with metric functions: tfjs
 * accepts a list of functions per output name at run time, while its typings allow one metric
 * name per output.
 */
export function metricsForOutput(outputName: string, metrics: Array<(yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor>): Record<string, string> {
  return { [outputName]: metrics } as unknown as Record<string, string>;
}
