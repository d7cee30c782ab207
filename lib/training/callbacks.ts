/**
 * The callbacks a training run is assembled from: a sample grid per epoch from fixed latent
 * points, a CSV log, checkpoints, terminal progress and a live notebook display.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as cliProgress from 'cli-progress';
import { GanCallback, EpochLogs, TrainContext } from './loop';
import { StepLosses } from './step';
import { NUM_CLASSES, generateLatentPoints, isConditional, runGenerator } from '../models/gan';
import { classGrid } from './generate';
import { saveCheckpoint } from './checkpoint';
import { gridPng, PixelRange } from '../visual/grid';
import { labelGridRows } from '../visual/labels';
import { writeFileAtomic } from '../io';
import { newLiveDisplay, tslabModule } from '../notebook';
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
  range: Exclude<PixelRange, '0-255'>;
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

/**
 * A duration for progress lines: `12.3s` under a minute, else `1m05s` / `1h02m`. Rounded to
 * whole seconds before it is split into minutes and seconds, so 119.6 s reads 2m00s, never 1m60s.
 */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 59.95) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

/**
 * A progress bar in the terminal (cli-progress: losses and ETA). When output goes to a file or
 * a CI log, a line at every tenth of a long epoch instead (step, losses, elapsed, ETA), so a
 * log shows a run is alive without filling up with bar redraws.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): GanCallback {
  let bar: cliProgress.SingleBar | undefined;
  let epochNow = 0;
  let started = 0;
  const losses = (l?: StepLosses) => (l ? `d ${l.dLoss.toFixed(3)} g ${l.gLoss.toFixed(3)}` : '');
  return {
    onEpochBegin(epoch, ctx) {
      epochNow = epoch;
      started = Date.now();
      if (!stream.isTTY) return;
      bar = new cliProgress.SingleBar({
        stream,
        format: `Epoch ${epoch}/${ctx.epochs} [{bar}] {value}/{total} {losses} ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      }, cliProgress.Presets.legacy);
      bar.start(ctx.stepsPerEpoch, 0, { losses: '' });
    },
    onStepEnd(step, l, ctx) {
      if (bar) {
        bar.update(step, { losses: losses(l) });
        return;
      }
      const total = ctx.stepsPerEpoch;
      if (total < 20 || step === total || step % Math.ceil(total / 10) !== 0) return;
      const elapsed = (Date.now() - started) / 1000;
      stream.write(`Epoch ${epochNow}/${ctx.epochs} step ${step}/${total} ${losses(l)} (${formatSeconds(elapsed)}, ETA ${formatSeconds((elapsed / step) * (total - step))})\n`);
    },
    onEpochEnd(epoch, logs, ctx) {
      bar?.stop();
      bar = undefined;
      stream.write(`Epoch ${epoch}/${ctx.epochs}: d_loss ${logs.dLoss.toFixed(4)} g_loss ${logs.gLoss.toFixed(4)} D(real) ${logs.realP.toFixed(3)} D(fake) ${logs.fakeP.toFixed(3)} (${logs.seconds.toFixed(1)} s, ${(1000 * logs.seconds / logs.steps).toFixed(0)} ms/step)\n`);
    },
    onTrainEnd() {
      // A stop in the middle of an epoch leaves the bar open.
      bar?.stop();
      bar = undefined;
    },
  };
}

/** A display in the notebook that updates in place: progress, losses, ETA and the latest grid. */
export function notebookProgress(): GanCallback & { showImage(png: Buffer, epoch: number): void } {
  const display = newLiveDisplay();
  let started = 0;
  let epochNow = 0;
  let image = '';
  let lastLine = '';
  const render = (html: string) => display?.html(`<div style="font-family:monospace">${html}${image}</div>`);
  return {
    showImage(png, epoch) {
      image = `<div>after epoch ${epoch}:<br/><img src="data:image/png;base64,${png.toString('base64')}"/></div>`;
      render(lastLine);
    },
    onEpochBegin(epoch) {
      started = Date.now();
      epochNow = epoch;
    },
    onStepEnd(step, losses, ctx) {
      // Redraw at most ~20 times per epoch: each update is a message to the browser.
      if (step % Math.max(1, Math.floor(ctx.stepsPerEpoch / 20)) !== 0 && step !== ctx.stepsPerEpoch) return;
      const elapsed = (Date.now() - started) / 1000;
      const eta = (elapsed / step) * (ctx.stepsPerEpoch - step);
      lastLine = `Epoch ${epochNow}/${ctx.epochs} <progress value="${step}" max="${ctx.stepsPerEpoch}"></progress> ${step}/${ctx.stepsPerEpoch} · d_loss ${losses.dLoss.toFixed(3)} · g_loss ${losses.gLoss.toFixed(3)} · ETA ${formatSeconds(eta)}`;
      render(lastLine);
    },
    onEpochEnd(epoch, logs, ctx) {
      lastLine = `Epoch ${epoch}/${ctx.epochs} done in ${logs.seconds.toFixed(1)} s · d_loss ${logs.dLoss.toFixed(3)} · g_loss ${logs.gLoss.toFixed(3)} · D(real) ${logs.realP.toFixed(2)} · D(fake) ${logs.fakeP.toFixed(2)}`;
      render(lastLine);
    },
  };
}

/** Terminal progress outside a notebook, the live display inside one. */
export function defaultProgress(): GanCallback & { showImage?(png: Buffer, epoch: number): void } {
  return tslabModule() ? notebookProgress() : terminalProgress();
}
