/**
 * Asking a trained generator for images: any image, or (for conditional generators, which
 * take [noise, label]) images of a chosen class, or a grid ordered by class.
 */
import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES, generateLatentPoints, isConditional, runGenerator } from '../models/gan';
import { latentSizeOf } from '../engine/tfjs-internals';


export interface GenerateOptions {
  /** Images to make (default 25). */
  n?: number;
  /** The class to draw (conditional generators; required for them). */
  label?: number;
  /** Seed of the latent points (default: random). */
  seed?: number;
}

/** `n` images, of class `label` for a conditional generator. */
export function generate(generator: tf.LayersModel, options: GenerateOptions = {}): tf.Tensor4D {
  const n = options.n ?? 25;
  if (isConditional(generator) && options.label === undefined) throw new Error('generate: this generator is conditional; pass { label } (0-9).');
  if (options.label !== undefined && (!Number.isInteger(options.label) || options.label < 0 || options.label > 9)) throw new Error(`generate: label must be an integer 0-9, got ${options.label}.`);
  const z = generateLatentPoints(latentSizeOf(generator), n, options.seed);
  const out = runGenerator(generator, z, isConditional(generator) ? new Array(n).fill(options.label) : undefined);
  z.dispose();
  return out;
}

/** Labels ordered by class: perClass of class 0, then of class 1, ... (one grid row per class). */
export function classOrderedLabels(numClasses: number, perClass: number): number[] {
  return Array.from({ length: numClasses * perClass }, (_, i) => Math.floor(i / perClass));
}

/**
 * A class-ordered batch: row k of the grid holds class k. The same latent points are used in
 * every row, so a row differs from the next only by the class asked for.
 */
export function classGrid(generator: tf.LayersModel, options: { numClasses?: number; perClass?: number; seed?: number } = {}): tf.Tensor4D {
  const classes = options.numClasses ?? NUM_CLASSES;
  const perClass = options.perClass ?? 10;
  return tf.tidy(() => {
    const row = generateLatentPoints(latentSizeOf(generator), perClass, options.seed ?? 42);
    const z = tf.tile(row, [classes, 1]) as tf.Tensor2D;
    return runGenerator(generator, z, classOrderedLabels(classes, perClass));
  });
}
