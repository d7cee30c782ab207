/**
 * A whole training run, as the trainer and the training notebook start it: build or resume
 * the models, load the data, train with the standard callbacks, then write the GIF, the loss
 * figure and the final generator into the run folder.
 */
import * as path from 'path';
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { getSystem, buildSystem, metricDomainOf, GanSystem } from './registry';
import { copyShippedCheckpoint, shippedCheckpointDir } from './pretrained-run';
import { saveModel } from '../models/files';
import { setGlobalSeed, setRandomState } from '../random';
import { trainGan, EpochLogs, EpochProgress, GanCallback } from '../training/loop';
import { GanModels } from '../models/gan';
import { kindOf, ganModelsOf } from '../models/kinds';
import { hasCheckpoint, loadCheckpoint, loadCheckpointInto, checkpointDir, bestRunDir } from '../training/checkpoint';
import { TrainStepFn } from '../training/step';
import { describeNetwork, layerList, networkDifferences, NetworkDescription } from '../models/describe';
import { epochImages, csvLogger, checkpoints, bestCheckpoint, epochImageFiles } from '../training/callbacks';
import { defaultProgress } from '../training/progress';
import { gifFromPngFiles } from '../visual/gif';
import { learningRateSchedule } from '../training/schedule';
import { lossFigure, figureSvg, historyFigure } from '../visual/plot';
import { metricsCallback } from '../metrics/callback';
import { writeFileAtomic, acquireRunLock, STOP_SIGNALS, exitStatusFor } from '../io';

export interface RunOptions {
  /** Canonical model name (`dcgan-mnist`, `dcgan-fashion`), or a system from `configureSystem`. */
  model: string | GanSystem;
  /** Run folder: grids, log.csv, checkpoint/, the GIF and the final generator go here. */
  outDir: string;
  /** Folder for log.csv instead of `outDir` (tutorial 003's LOG_PATH). */
  logDir?: string;
  /** Folder for checkpoint/ and generator/ instead of `outDir` (tutorial 003's MODEL_PATH). */
  modelDir?: string;
  /** Total epochs (default: the tutorial's). */
  epochs?: number;
  /** Batch size (default: the tutorial's). */
  batchSize?: number;
  /** Use only the first N training images. */
  limit?: number;
  /** Cap on steps per epoch (quick runs). */
  maxStepsPerEpoch?: number;
  /** Seed: makes a run repeatable on the same backend. */
  seed?: number;
  /** Target for real images in D's update, e.g. 0.9 (one-sided label smoothing). Default 1. */
  realLabel?: number;
  /** Checkpoint every N epochs (default: the system's, else 1; the last epoch and a stop are always saved). */
  checkpointEvery?: number;
  /** Also checkpoint inside an epoch every N steps (a resume continues at the next step). */
  checkpointEverySteps?: number;
  /**
   * Also checkpoint inside an epoch when this many seconds passed since the last checkpoint
   * (default 600: only epochs longer than ten minutes are saved inside; 0 turns it off).
   */
  checkpointEverySeconds?: number;
  /**
   * Keep the scored epoch with the lowest FID as a compact checkpoint of its own in
   * `<modelDir>/best/` (needs `metricsEvery`): what ships is the best measured epoch.
   */
  keepBest?: boolean;
  /**
   * Continue from the run folder's checkpoint if there is one (default false: a run starts
   * afresh, and the files an earlier run left in the folder are removed, so an experiment
   * that changed a setting trains with it; the trainer passes true).
   */
  resume?: boolean;
  /**
   * 'pretrained': start from the shipped run's last checkpoint (`data/pretrained/<system>/checkpoint/`:
   * its generator, discriminator and optimizers' state) instead of fresh networks, and train on
   * from the epoch it ended with; `epochs` counts from that run's start (a shipped run of 10
   * epochs with `epochs: 11` trains one more). With `resume: true` and a checkpoint in the run
   * folder, that checkpoint wins (an interrupted continuation goes on). Throws, naming the
   * systems that have one, when the shipped system keeps no checkpoint.
   */
  from?: 'pretrained';
  /**
   * The lesson's own networks to train instead of building the system's: what a notebook's
   * cells wrote is what trains. The composite must be the generator followed by the frozen
   * discriminator, compiled (as the lesson's `defineGan` makes it). On resume the checkpoint's
   * weights and optimizer state are loaded into these same objects.
   */
  models?: Pick<GanModels, 'generator' | 'discriminator' | 'gan'>;
  /** The lesson's own training step instead of the system's (same signature as `lab.trainStep`). */
  step?: TrainStepFn;
  /** Extra callbacks (metrics, stop on a signal...). */
  callbacks?: GanCallback[];
  /** Training images already loaded and scaled (otherwise the system loads its dataset). */
  images?: tf.Tensor4D;
  /** Their class labels (needed with `images` for conditional systems). */
  labels?: tf.Tensor1D;
  /** Score sample quality (FID, KID, classes covered) every N epochs into the log (0 or unset: never). */
  metricsEvery?: number;
  /** Samples per quality measurement (default 2,000). */
  metricsSamples?: number;
  /** Print progress (default true). */
  progress?: boolean;
}

export interface RunResult {
  system: GanSystem;
  models: GanModels;
  history: EpochLogs[];
  /** What was trained: whose networks and step, each network's layers and parameters. */
  networks: RunNetworks;
  /** Epochs that were already done when this run started (0 for a fresh run). */
  resumedFrom: number;
  interrupted: boolean;
  files: { gif?: string; losses: string; log: string; generator: string };
}

/** What a run trained, as written to `networks.json` in its folder and printed when it starts. */
export interface RunNetworks {
  /** 'lesson' when the caller passed its own networks, else 'library' (the registry's). */
  source: 'lesson' | 'library';
  /** 'lesson' when the caller passed its own step, else the system's step. */
  step: 'lesson' | 'library';
  generator: NetworkDescription;
  discriminator: NetworkDescription;
  /** How each network differs from the library's (empty when the same, or when they are the library's). */
  differences: { generator: string[]; discriminator: string[] };
}

/** The run's networks described, and compared with the library's when they are the lesson's own. */
function describeRunNetworks(system: GanSystem, models: GanModels, source: 'lesson' | 'library', step: 'lesson' | 'library'): RunNetworks {
  const generator = describeNetwork(models.generator);
  const discriminator = describeNetwork(models.discriminator);
  const differences = { generator: [] as string[], discriminator: [] as string[] };
  if (source === 'lesson') {
    const library = system.buildNetworks();
    differences.generator = networkDifferences(generator, describeNetwork(library.generator), `the library's ${system.name}`);
    differences.discriminator = networkDifferences(discriminator, describeNetwork(library.discriminator), `the library's ${system.name}`);
    library.generator.dispose();
    library.discriminator.dispose();
  }
  return { source, step, generator, discriminator, differences };
}

/** The lines a run prints about its networks: whose, how big, and how they differ from the library's. */
export function networksLines(n: RunNetworks): string[] {
  const whose = n.source === 'lesson' ? 'your' : "the library's";
  const line = (name: 'generator' | 'discriminator') => {
    const d = n[name];
    const diff = n.differences[name];
    const note = n.source === 'lesson' ? (diff.length ? ` — differs from the library's: ${diff.join('; ')}` : " — the same layers as the library's") : '';
    return `  ${name}: ${d.params.toLocaleString('en')} parameters, ${d.layers.length} layers (${layerList(d.layers)})${note}`;
  };
  return [`Training ${whose} networks with ${n.step === 'lesson' ? 'your' : "the library's"} training step:`, line('generator'), line('discriminator')];
}

/** What an earlier run leaves in a folder, removed before a fresh run so that nothing of it is shown as this run's. */
function clearEarlierRun(dirs: { outDir: string; logDir: string; modelDir: string }, systemName: string): boolean {
  const targets = [
    checkpointDir(dirs.modelDir),
    bestRunDir(dirs.modelDir),
    path.join(dirs.modelDir, 'generator'),
    path.join(dirs.logDir, 'log.csv'),
    path.join(dirs.outDir, `${systemName}.gif`),
    path.join(dirs.outDir, 'losses.svg'),
    path.join(dirs.outDir, 'metrics.svg'),
    path.join(dirs.outDir, 'networks.json'),
    ...epochImageFiles(dirs.outDir),
  ].filter((f) => fs.existsSync(f));
  for (const f of targets) fs.rmSync(f, { recursive: true, force: true });
  return targets.length > 0;
}

export async function runTraining(options: RunOptions): Promise<RunResult> {
  const system = typeof options.model === 'string' ? getSystem(options.model) : options.model;
  const logDir = options.logDir ?? options.outDir;
  const modelDir = options.modelDir ?? options.outDir;
  const batchSize = options.batchSize ?? system.batchSize;
  if (!Number.isInteger(batchSize) || batchSize < 2 || (system.split === 'half' && batchSize % 2 !== 0)) {
    const why = system.split === 'half' ? ' (each D update sees half real, half generated images)' : '';
    throw new Error(`Batch size ${batchSize} does not work for ${system.name}: it must be ${system.split === 'half' ? 'an even' : 'an'} integer of at least 2${why}.`);
  }
  const epochs = options.epochs ?? system.epochs;
  if (options.keepBest && !options.metricsEvery) throw new Error('keepBest keeps the epoch with the lowest FID, so the epochs must be scored: give metricsEvery too (--metrics-every N).');
  for (const dir of [options.outDir, logDir, modelDir]) fs.mkdirSync(dir, { recursive: true });
  // One writer per run folder: a second trainer, notebook or main job on the same folder stops here.
  const releases: Array<() => void> = [];
  try {
    for (const dir of new Set([options.outDir, logDir, modelDir].map((d) => path.resolve(d)))) releases.push(acquireRunLock(dir));
    return await trainLocked(options, system, { logDir, modelDir, batchSize, epochs });
  } finally {
    releases.forEach((release) => release());
  }
}

async function trainLocked(options: RunOptions, system: GanSystem, { logDir, modelDir, batchSize, epochs }: { logDir: string; modelDir: string; batchSize: number; epochs: number }): Promise<RunResult> {
  let models: GanModels;
  let history: EpochLogs[] = [];
  let resumedFrom = 0;
  let resumeWithin: EpochProgress | undefined;
  const progressOn = options.progress ?? true;
  let resuming = (options.resume ?? false) && hasCheckpoint(modelDir);
  if (options.from === 'pretrained' && !resuming) {
    shippedCheckpointDir(system.name);   // throws with the reason before anything is removed
    const cleared = clearEarlierRun({ outDir: options.outDir, logDir, modelDir }, system.name);
    if (cleared && progressOn) console.log(`Starting from the shipped ${system.name} run in ${options.outDir}: an earlier run's files there were removed.`);
    copyShippedCheckpoint(system.name, modelDir);
    resuming = true;
  }
  const given = options.models
    ? assembleGiven(system, options.models)
    : undefined;
  if (resuming) {
    if (given) {
      const state = await loadCheckpointInto(modelDir, given, system.name);
      models = given;
      history = state.history;
      resumedFrom = state.epoch;
      resumeWithin = state.within;
      if (state.randomState) setRandomState(state.randomState);
    } else {
      const loaded = await loadCheckpoint(modelDir, system);
      models = loaded.models;
      history = loaded.state.history;
      resumedFrom = loaded.state.epoch;
      resumeWithin = loaded.state.within;
      if (loaded.state.randomState) setRandomState(loaded.state.randomState);
    }
    const where = resumeWithin ? `at step ${resumeWithin.steps + 1} of epoch ${resumedFrom + 1}` : `after epoch ${resumedFrom}`;
    if (progressOn) console.log(`Resuming ${system.name} from ${modelDir} ${where}${options.from === 'pretrained' ? ' (the shipped run)' : ''}.`);
  } else {
    const cleared = clearEarlierRun({ outDir: options.outDir, logDir, modelDir }, system.name);
    if (cleared && progressOn) console.log(`Starting afresh in ${options.outDir}: an earlier run's files there were removed (resume: true continues a run instead).`);
    if (options.seed !== undefined) setGlobalSeed(options.seed);
    models = given ?? buildSystem(system);
  }
  const networks = describeRunNetworks(system, models, given ? 'lesson' : 'library', options.step ? 'lesson' : 'library');
  writeFileAtomic(path.join(options.outDir, 'networks.json'), `${JSON.stringify(networks, null, 1)}\n`);
  if (progressOn) console.log(networksLines(networks).join('\n'));
  const data = options.images ? { images: options.images, labels: options.labels } : await system.loadImages(options.limit);
  const images = data.images;
  const progress = defaultProgress();
  const callbacks: GanCallback[] = [
    // First, so the epoch's learning rate is in its logs before the CSV log writes them.
    ...(system.schedule ? [learningRateSchedule(system.schedule)] : []),
    epochImages({ outDir: options.outDir, latentDim: models.latentDim, range: system.range, reverse: system.reverse, count: system.gridCount, classNames: system.classNames, onImage: (png, epoch) => progress.showImage?.(png, epoch) }),
    // Before the CSV log, so the scores are in the epoch's row.
    ...(options.metricsEvery ? [metricsCallback({ domain: metricDomainOf(system), range: system.range, every: options.metricsEvery, samples: options.metricsSamples })] : []),
    csvLogger(path.join(logDir, 'log.csv')),
    // Before the run's checkpoint: a crash between the two then repeats the epoch on resume (the
    // same FID, bit for bit) and keeps it again, instead of losing it with its score already saved.
    ...(options.keepBest ? [bestCheckpoint({ runDir: modelDir, model: system.name })] : []),
    checkpoints({ runDir: modelDir, model: system.name, every: options.checkpointEvery ?? system.checkpointEvery, everySteps: options.checkpointEverySteps, everySeconds: options.checkpointEverySeconds ?? 600 }),
    ...(options.progress ?? true ? [progress] : []),
    ...(options.callbacks ?? []),
    // Interrupt (a kernel's, Ctrl-C) stops after the step with a checkpoint, in a notebook too.
    ...((options.callbacks ?? []).some((c) => STOPS_ON_INTERRUPT in c) ? [] : [stopOnInterrupt({ exitOnSecond: false })]),
  ];
  let interrupted = false;
  const stopWatcher: GanCallback = { onTrainEnd: (ctx) => { interrupted = ctx.interrupted; } };
  try {
    history = await trainGan(models, images, {
      epochs,
      realPerStep: system.split === 'half' ? batchSize / 2 : batchSize,
      generatorBatch: batchSize,
      // The tutorials' epoch: images / batch size steps (bat_per_epo in tutorial 000).
      stepsPerEpoch: Math.floor(images.shape[0] / batchSize),
      initialEpoch: resumedFrom,
      resumeWithin,
      maxStepsPerEpoch: options.maxStepsPerEpoch,
      seed: options.seed,
      realLabel: options.realLabel,
      history,
      labels: kindOf(system.kind).usesLabels ? data.labels : undefined,
      step: options.step ?? system.step,
      mapBatch: system.mapBatch,
      callbacks: [...callbacks, stopWatcher],
    });
  } finally {
    if (!options.images) tf.dispose([images, ...(data.labels ? [data.labels] : [])]);
    // onTrainEnd does not run when a step or callback throws: the signal handlers must go anyway.
    for (const c of callbacks) releaseSignals(c);
  }
  const frames = epochImageFiles(options.outDir);
  const gif = frames.length ? path.join(options.outDir, `${system.name}.gif`) : undefined;
  if (gif) gifFromPngFiles(frames, gif);
  const losses = path.join(options.outDir, 'losses.svg');
  writeFileAtomic(losses, figureSvg(lossFigure(history)));
  const scored = history.filter((h) => h.fid !== undefined);
  if (scored.length) writeFileAtomic(path.join(options.outDir, 'metrics.svg'), figureSvg(historyFigure(scored, ['fid'], 'FID per epoch (domain classifier; lower is better)')));
  const generator = path.join(modelDir, 'generator');
  await saveModel(models.generator, generator);
  return { system, models, history, networks, resumedFrom, interrupted, files: { gif, losses, log: path.join(logDir, 'log.csv'), generator } };
}

/** The lesson's networks as GanModels of `system` (its kind, latent size and classes). */
function assembleGiven(system: GanSystem, given: Pick<GanModels, 'generator' | 'discriminator' | 'gan'>): GanModels {
  for (const [name, model] of Object.entries(given)) {
    if (!(model instanceof tf.LayersModel)) throw new Error(`runTraining: models.${name} is not a TensorFlow.js model (got ${typeof model}); pass { generator, discriminator, gan } as built by the lesson's cells.`);
  }
  if (!given.discriminator.optimizer || !given.gan.optimizer) throw new Error('runTraining: the discriminator and the composite model must be compiled (model.compile with an optimizer and a loss) before they can be trained.');
  return ganModelsOf(given, system.kind, system.numClasses);
}

/** Marks the callback made by `stopOnInterrupt` (so that runTraining adds no second one) and holds what removes its handlers. */
const STOPS_ON_INTERRUPT = Symbol('stopsOnInterrupt');

/** Removes a `stopOnInterrupt` callback's signal handlers (any other callback: nothing). */
function releaseSignals(callback: GanCallback): void {
  (callback as { [STOPS_ON_INTERRUPT]?: () => void })[STOPS_ON_INTERRUPT]?.();
}

/**
 * Stops training cleanly after the current step on Ctrl-C or SIGTERM, saving a checkpoint.
 * A second signal exits at once (`exitOnSecond`, the trainer's command line); in a notebook
 * (tslab, the browser kernel: a kernel Interrupt raises SIGINT) it only says a stop is coming,
 * since exiting would end the kernel. runTraining adds one of the latter unless given one.
 */
export function stopOnInterrupt(options: { exitOnSecond?: boolean } = {}): GanCallback {
  const exitOnSecond = options.exitOnSecond ?? true;
  // One listener per signal that knows its name: `process.emit('SIGTERM')` (a test, a host
  // program, the browser kernel's Interrupt) calls listeners without the name a real signal passes.
  let listeners: Array<[NodeJS.Signals, () => void]> = [];
  const release = () => {
    for (const [s, listener] of listeners) process.removeListener(s, listener);
    listeners = [];
  };
  return {
    [STOPS_ON_INTERRUPT]: release,
    onTrainBegin(ctx) {
      const stop = (signal: NodeJS.Signals) => {
        if (ctx.stopRequested && exitOnSecond) process.exit(exitStatusFor(signal));
        if (ctx.stopRequested) return;
        ctx.stopRequested = true;
        process.stderr.write(`\n${signal}: stopping after this step and saving a checkpoint${exitOnSecond ? ' (send it again to quit at once)' : ''}...\n`);
      };
      listeners = STOP_SIGNALS.map((s) => [s, () => stop(s)]);
      for (const [s, listener] of listeners) process.on(s, listener);
    },
    onTrainEnd: release,
  } as GanCallback;
}
