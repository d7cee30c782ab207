/**
 * The generators shipped in data/pretrained/<system>/: trained by this project's own trainer on
 * the real data (scripts/train-pretrained.sh), stored as float16 TF.js models, each with an
 * info.json that records how it was trained and what it scores. A lesson shows one beside its
 * own short run ("the same network after N epochs"); the playground offers them in a menu.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { projectRoot, PRETRAINED_ENV } from '../config';
import { loadModel } from './files';

/** Scores of one generator as `npm run evaluate` prints them (10,000 samples). */
export interface PretrainedScores {
  samples: number;
  fid: number;
  kidTimes1000: number;
  classesCovered: number;
  inceptionScore: number;
  conditionalAccuracy?: number;
}

export interface PretrainedInfo {
  model: string;
  /** The exact trainer command. */
  command: string;
  epochs: number;
  batchSize: number;
  secondsPerEpoch: number[];
  /** The learning rate of each epoch, where the recipe decays it. */
  learningRatePerEpoch?: number[];
  backend: string;
  machine: string;
  /** The shipped (float16) generator's scores, and the float32 one's before quantization. */
  scores: PretrainedScores;
  float32Scores: PretrainedScores;
  /** The same scores for real training images against the test set: the best possible. */
  realScores: PretrainedScores;
  trainedAt: string;
}

export function pretrainedRoot(): string {
  return process.env[PRETRAINED_ENV] || path.join(projectRoot(), 'data', 'pretrained');
}

export function pretrainedDir(name: string): string {
  return path.join(pretrainedRoot(), name);
}

/** The systems that have a shipped generator. */
export function listPretrained(): string[] {
  const root = pretrainedRoot();
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root).filter((n) => fs.existsSync(path.join(root, n, 'model.json'))).sort();
}

export function readPretrainedInfo(name: string): PretrainedInfo {
  const file = path.join(pretrainedDir(name), 'info.json');
  if (!fs.existsSync(file)) throw new Error(`No pretrained generator for "${name}" (${file} missing). Shipped: ${listPretrained().join(', ') || 'none'}.`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PretrainedInfo;
}

/** Loads a shipped generator and what is known about it (lab.loadPretrained also loads the discriminator). */
export async function loadPretrainedGenerator(name: string): Promise<{ generator: tf.LayersModel; info: PretrainedInfo }> {
  const info = readPretrainedInfo(name);
  return { generator: await loadModel(pretrainedDir(name)), info };
}
