/**
 * Continuing a shipped run. A shipped system may keep, beside its generator, the checkpoint its
 * run ended with (`data/pretrained/<system>/checkpoint/`: generator, discriminator, both
 * optimizers' state, the epoch history), so that a lesson can load the discriminator too or
 * train on from where the shipped run stopped ("watch the last epoch happen").
 */
import * as tf from '@tensorflow/tfjs';
import { GanModels } from '../models/gan';
import { pretrainedDir, readPretrainedInfo, PretrainedInfo, listPretrained, loadPretrainedGenerator } from '../models/pretrained';
import { checkpointDir, hasCheckpoint, loadCheckpoint, copyCheckpoint, CheckpointState } from '../training/checkpoint';
import { getSystem } from './registry';

/** True when the shipped system keeps its run's checkpoint (discriminator and optimizer state). */
export function hasShippedCheckpoint(name: string): boolean {
  return hasCheckpoint(pretrainedDir(name));
}

/** The folder of a shipped system's checkpoint; throws, saying what exists, when there is none. */
export function shippedCheckpointDir(name: string): string {
  if (!hasShippedCheckpoint(name)) {
    const withOne = listPretrained().filter(hasShippedCheckpoint);
    throw new Error(`The shipped ${name} has no discriminator or optimizer state to continue from (${checkpointDir(pretrainedDir(name))} is missing): `
      + `${withOne.length ? `systems that have one: ${withOne.join(', ')}` : 'no shipped system has one yet'}. `
      + `Train your own run instead (npm run train -- --model ${name}), or load only the generator (lab.loadPretrained('${name}')).`);
  }
  return checkpointDir(pretrainedDir(name));
}

export interface PretrainedGenerator {
  generator: tf.LayersModel;
  info: PretrainedInfo;
}

export interface PretrainedWithDiscriminator extends PretrainedGenerator {
  discriminator: tf.LayersModel;
  /** All three networks, compiled, with the optimizers' state of the shipped run's end. */
  models: GanModels;
  /** The shipped run's checkpoint state: completed epochs and the history of each. */
  state: CheckpointState;
}

/**
 * Loads a shipped generator (float16 weights, as shipped), or with `withDiscriminator: true` the
 * shipped run's last checkpoint: generator, discriminator and composite, compiled, with both
 * optimizers' state, ready to train on.
 */
export async function loadPretrained(name: string, options?: { withDiscriminator?: false }): Promise<PretrainedGenerator>;
export async function loadPretrained(name: string, options: { withDiscriminator: true }): Promise<PretrainedWithDiscriminator>;
export async function loadPretrained(name: string, options: { withDiscriminator?: boolean } = {}): Promise<PretrainedGenerator | PretrainedWithDiscriminator> {
  if (!options.withDiscriminator) return loadPretrainedGenerator(name);
  const info = readPretrainedInfo(name);
  shippedCheckpointDir(name);
  const { models, state } = await loadCheckpoint(pretrainedDir(name), getSystem(name));
  return { generator: models.generator, discriminator: models.discriminator, models, state, info };
}

/** Copies the shipped checkpoint of `name` (with the shipped generator it shares) into `modelDir`, where runTraining resumes from it. */
export function copyShippedCheckpoint(name: string, modelDir: string): void {
  shippedCheckpointDir(name);
  copyCheckpoint(pretrainedDir(name), modelDir);
}
