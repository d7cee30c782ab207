/**
 * The callbacks that leave a run's artefacts in its folder: a sample grid per epoch from fixed
 * latent points, the CSV log, and checkpoints (every epoch and inside long epochs). Progress
 * (the terminal bar, the live notebook display) is in progress.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { GanCallback, EpochLogs, TrainContext } from './loop';
import { NUM_CLASSES, generateLatentPoints, isConditional, runGenerator } from '../models/gan';
import { classGrid } from './generate';
import { saveCheckpoint, bestRunDir } from './checkpoint';
import { gridPng } from '../visual/grid';
import { ModelRange } from '../pixels';
import { labelGridRows } from '../visual/labels';
import { writeFileAtomic } from '../io';
import { getRandomState } from '../random';

/** File name of the grid after `epoch` (tutorial 001's naming). */
export function epochImageName(epoch: number): string {
  return `image_at_epoch_${String(epoch).padStart(4, '0')}.png`;
}

/** Every epoch image in `dir`, in epoch order. */
export function epochImageFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /^image_at_epoch_\d{4}\.png$/.test(f)).sort().map((f) => path.join(dir, f));
}

export interface EpochImagesOptions {
  outDir: string;
  latentDim: number;
  range: ModelRange;
  reverse?: boolean;
  /** Samples in the grid (default 25, a 5x5 grid). */
  count?: number;
  /** Seed of the fixed latent points (default 42). */
  seed?: number;
  /** Called with each grid's PNG bytes (e.g. to show it). */
  onImage?: (png: Buffer, epoch: number) => void;
  /** Conditional generators: one row per class, `perClass` images each (default 10). */
  numClasses?: number;
  perClass?: number;
  /** Conditional generators: the class names written beside their rows. */
  classNames?: string[];
}

/** Saves a grid of the generator's output for the same latent points after every epoch. */
export function epochImages(options: EpochImagesOptions): GanCallback {
  const count = options.count ?? 25;
  let z: tf.Tensor2D | undefined;
  return {
    onTrainBegin() {
      z = generateLatentPoints(options.latentDim, count, options.seed ?? 42);
    },
    async onEpochEnd(epoch, _logs, ctx) {
      const conditional = isConditional(ctx.models.generator);
      const perClass = options.perClass ?? 10;
      const images = conditional
        ? classGrid(ctx.models.generator, { numClasses: options.numClasses ?? NUM_CLASSES, perClass, seed: options.seed ?? 42 })
        : runGenerator(ctx.models.generator, z!);
      const cols = conditional ? perClass : Math.ceil(Math.sqrt(count));
      let png = gridPng(images, { cols, range: options.range, reverse: options.reverse, scale: 2, gap: 2 });
      images.dispose();
      if (conditional && options.classNames) png = await labelGridRows(png, options.classNames);
      writeFileAtomic(path.join(options.outDir, epochImageName(epoch)), png);
      options.onImage?.(png, epoch);
    },
    onTrainEnd() {
      z?.dispose();
    },
  };
}

const CSV_COLUMNS: Array<[string, string]> = [['epoch', 'epoch'], ['realP', 'Real_P'], ['fakeP', 'Fake_P'], ['gLoss', 'Gen_loss'], ['dLoss', 'Dis_loss'], ['seconds', 'seconds']];

/** The history as CSV text: tutorial 003's columns, then time and any extra values. */
export function historyCsv(history: EpochLogs[]): string {
  const extra = [...new Set(history.flatMap((h) => Object.keys(h)))].filter((k) => k !== 'steps' && !CSV_COLUMNS.some(([key]) => key === k));
  const header = [...CSV_COLUMNS.map(([, name]) => name), ...extra];
  const rows = history.map((h) => [...CSV_COLUMNS.map(([key]) => h[key]), ...extra.map((k) => h[k])].map((v) => (v === undefined ? '' : Number.isInteger(v) ? String(v) : v.toFixed(6))).join(','));
  return `${[header.join(','), ...rows].join('\n')}\n`;
}

/** Rewrites `<outDir>/log.csv` (atomically) after every epoch. */
export function csvLogger(file: string): GanCallback {
  return {
    onEpochEnd(_epoch, _logs, ctx) {
      writeFileAtomic(file, historyCsv(ctx.history));
    },
  };
}

export interface CheckpointOptions {
  runDir: string;
  model: string;
  /** Save every N epochs (the last epoch and a stop are always saved). Default 1. */
  every?: number;
  /** Also save inside an epoch, every N steps (0 or unset: not by count). */
  everySteps?: number;
  /** Also save inside an epoch when this many seconds passed since the last save (0 or unset: not by time). */
  everySeconds?: number;
}

/**
 * Saves models, optimizers, history and the random state every N epochs, at the end, when
 * stopped early, and, if asked, inside an epoch (every N steps or every so many seconds) with
 * the epoch's progress, so that a resume continues at the next step, bit for bit.
 */
export function checkpoints(options: CheckpointOptions): GanCallback {
  const every = options.every ?? 1;
  let savedEpoch = -1;
  let lastSave = Date.now();
  const save = async (ctx: TrainContext, within?: TrainContext['epochProgress']) => {
    const epoch = ctx.history.length ? ctx.history[ctx.history.length - 1].epoch : 0;
    await saveCheckpoint(options.runDir, ctx.models, { model: options.model, epoch, history: ctx.history, randomState: getRandomState(), partial: within !== undefined, ...(within ? { within } : {}) });
    savedEpoch = within ? -1 : epoch;
    lastSave = Date.now();
  };
  return {
    onTrainBegin() {
      lastSave = Date.now();
    },
    async onStepEnd(step, _losses, ctx) {
      if (step >= ctx.stepsPerEpoch || !ctx.epochProgress) return;   // the epoch's end saves on its own
      const bySteps = (options.everySteps ?? 0) > 0 && step % options.everySteps! === 0;
      const byTime = (options.everySeconds ?? 0) > 0 && Date.now() - lastSave >= options.everySeconds! * 1000;
      if (bySteps || byTime) await save(ctx, ctx.epochProgress);
    },
    async onEpochEnd(epoch, _logs, ctx) {
      if (epoch % every === 0 || epoch === ctx.epochs) await save(ctx);
    },
    async onTrainEnd(ctx) {
      const last = ctx.history.length ? ctx.history[ctx.history.length - 1].epoch : 0;
      if (ctx.partialEpoch && ctx.epochProgress) await save(ctx, ctx.epochProgress);
      else if (ctx.interrupted || last !== savedEpoch) await save(ctx);
    },
  };
}


export interface BestCheckpointOptions {
  /** The run folder: the best epoch goes to its `best/checkpoint/`. */
  runDir: string;
  model: string;
}

/**
 * Keeps the scored epoch with the lowest FID so far as a checkpoint of its own,
 * `<run>/best/checkpoint/`, compact as a shipped run is (float16 networks, log8 optimizer state,
 * gzipped): a GAN's scores move from epoch to epoch, and what ships is the best measured
 * (`npm run pretrained -- --run <run>/best`). Runs after the metrics callback, which puts the
 * epoch's FID in its logs; epochs without a score are passed over. A resumed run compares with
 * the scores in its history, so an epoch is kept only when it beats every earlier one.
 */
export function bestCheckpoint(options: BestCheckpointOptions): GanCallback {
  return {
    async onEpochEnd(epoch, logs, ctx) {
      // A diverged generator's NaN (or a score lost to JSON as null) is never the best.
      if (logs.fid === undefined || !Number.isFinite(logs.fid)) return;
      const earlier = ctx.history.filter((h) => h.epoch < epoch && Number.isFinite(h.fid)).map((h) => h.fid!);
      if (earlier.length && logs.fid >= Math.min(...earlier)) return;
      await saveCheckpoint(bestRunDir(options.runDir), ctx.models, { model: options.model, epoch, history: ctx.history, randomState: getRandomState() }, { compact: true });
    },
  };
}
