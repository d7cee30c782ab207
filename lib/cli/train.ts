#!/usr/bin/env node
/**
 * npm run train -- --model dcgan-mnist --epochs N --batch-size 256 --out runs/NAME
 *
 * Trains a tutorial GAN on its real dataset, writing per-epoch grids, log.csv, checkpoints,
 * the GIF, losses.svg and the final generator into --out. Ctrl-C stops after the current
 * step and saves; running the same command again resumes.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../engine/backend';
import { SYSTEMS, getSystem, buildSystem } from '../systems/registry';
import { IMAGE_TYPES, configureSystem, OverrideNames } from '../systems/configure';
import { runTraining, stopOnInterrupt } from '../systems/run';
import { lossFigure, plotInteractive } from '../visual/plot';
import { FlagsOf, runCli, flags } from './args';

const FLAGS = flags([
  { name: 'model', type: 'string', help: 'which tutorial system to train', choices: Object.keys(SYSTEMS), default: 'dcgan-mnist' },
  { name: 'epochs', type: 'int', help: 'total epochs (default: the tutorial\'s)', min: 1 },
  { name: 'batch-size', type: 'int', help: 'batch size (default: the tutorial\'s)', min: 2, aliases: ['BATCH_SIZE'] },
  { name: 'out', type: 'string', help: 'run folder for grids, log, checkpoints, GIF', default: 'runs/default' },
  { name: 'log-path', type: 'string', help: 'folder for log.csv (default: --out)', aliases: ['LOG_PATH'] },
  { name: 'model-path', type: 'string', help: 'folder for checkpoint/ and generator/ (default: --out)', aliases: ['MODEL_PATH'] },
  { name: 'dataset-path', type: 'string', help: 'dataset folder: MNIST/Fashion-MNIST IDX files, or CelebA\'s root (dcgan-64)', aliases: ['DatasetPath'] },
  { name: 'image-type', type: 'string', help: 'dcgan-64: dataset, MNIST padded to the input size or a CelebA image folder', choices: [...IMAGE_TYPES], aliases: ['ImageType'] },
  { name: 'partition', type: 'string', help: 'dcgan-64: split to train on (CelebA: train/val/test/all; MNIST: train/test/all)', choices: ['train', 'val', 'test', 'all'], aliases: ['Partition'] },
  { name: 'bbox', type: 'boolean', help: 'dcgan-64 with img_celeba: crop faces by list_bbox_celeba.txt (default true; --bbox=false keeps whole images)' },
  { name: 'input-size', type: 'int', help: 'dcgan-64: image size, a power of two 16..256 (tutorial: 64)', min: 16, max: 256, aliases: ['DisInSize'] },
  { name: 'noise-dim', type: 'int', help: 'latent (noise) dimension (default: the tutorial\'s)', min: 1, max: 4096, aliases: ['noise_dim'] },
  { name: 'lr', type: 'number', help: 'learning rate of both Adam optimizers (default: the tutorial\'s; a schedule scales with it)', min: 1e-7, max: 0.1 },
  { name: 'lr-decay-epochs', type: 'string', help: 'step decay: multiply the learning rate by --lr-decay-factor after each of these epochs (e.g. 5,8)' },
  { name: 'lr-decay-factor', type: 'number', help: 'the factor of each --lr-decay-epochs step (default 0.1, as tutorial 003)', min: 1e-6, max: 1 },
  { name: 'limit', type: 'int', help: 'use only the first N training images', min: 1 },
  { name: 'steps-per-epoch', type: 'int', help: 'cap on steps per epoch (quick runs)', min: 1 },
  { name: 'seed', type: 'int', help: 'random seed: a run repeats exactly on the same backend' },
  { name: 'label-smoothing', type: 'number', help: 'target for real images in the discriminator update (e.g. 0.9)', min: 0.5, max: 1, default: 1 },
  { name: 'checkpoint-every', type: 'int', help: 'save a checkpoint every N epochs (default 1; dcgan-64: 15)', min: 1 },
  { name: 'checkpoint-every-steps', type: 'int', help: 'also save inside an epoch every N steps; a resume continues at the next step, bit for bit', min: 1 },
  { name: 'checkpoint-every-minutes', type: 'number', help: 'also save inside an epoch when this many minutes passed since the last save (0: never)', min: 0, default: 10 },
  { name: 'metrics-every', type: 'int', help: 'score samples (FID, KID, classes covered) every N epochs into log.csv and metrics.svg', min: 1 },
  { name: 'metrics-samples', type: 'int', help: 'samples per score during training', min: 100, default: 2000 },
  { name: 'keep-best', type: 'boolean', help: 'keep the scored epoch with the lowest FID in <out>/best/ (needs --metrics-every); ship it with npm run pretrained -- --run <out>/best' },
  { name: 'backend', type: 'string', help: 'TensorFlow.js backend (default: fastest that loads)', choices: ['native', 'wasm', 'cpu'] },
  { name: 'threads', type: 'int', help: 'wasm threads (default: all cores)', min: 1, max: 8 },
  { name: 'no-resume', type: 'boolean', help: 'start afresh even if --out holds a checkpoint' },
  { name: 'summary', type: 'boolean', help: 'print both models\' summaries and exit' },
  { name: 'plot', type: 'boolean', help: 'open the loss curves interactively (nodeplotlib) at the end' },
]);

/** The trainer's spelling of each system override, for the library's error messages. */
const TRAINER_FLAG_NAMES: OverrideNames = {
  latentDim: '--noise-dim',
  learningRate: '--lr',
  lrDecayEpochs: '--lr-decay-epochs',
  lrDecayFactor: '--lr-decay-factor',
  imageSize: '--input-size',
  imageType: '--image-type',
  datasetPath: '--dataset-path',
  partition: '--partition',
  bbox: '--bbox',
};

async function main(args: FlagsOf<typeof FLAGS>): Promise<void> {
  const system = configureSystem(getSystem(String(args.model)), {
    datasetPath: args['dataset-path'],
    imageType: args['image-type'],
    partition: args.partition,
    bbox: args.bbox,
    imageSize: args['input-size'],
    latentDim: args['noise-dim'],
    learningRate: args.lr,
    lrDecayEpochs: args['lr-decay-epochs'] === undefined ? undefined : String(args['lr-decay-epochs']).split(',').map((e) => Number(e.trim())),
    lrDecayFactor: args['lr-decay-factor'],
  }, TRAINER_FLAG_NAMES);
  await initBackend(args.backend, { threads: args.threads });
  if (args.summary) {
    const models = buildSystem(system);
    console.log(`${system.name}: ${system.description}\n`);
    models.generator.summary(100);
    console.log('');
    models.discriminator.summary(100);
    return;
  }
  const started = Date.now();
  const result = await runTraining({
    model: system,
    outDir: String(args.out),
    logDir: args['log-path'],
    modelDir: args['model-path'],
    epochs: args.epochs,
    batchSize: args['batch-size'],
    limit: args.limit,
    maxStepsPerEpoch: args['steps-per-epoch'],
    seed: args.seed,
    realLabel: args['label-smoothing'],
    checkpointEvery: args['checkpoint-every'],
    checkpointEverySteps: args['checkpoint-every-steps'],
    checkpointEverySeconds: args['checkpoint-every-minutes'] * 60,
    resume: !args['no-resume'],
    metricsEvery: args['metrics-every'],
    metricsSamples: args['metrics-samples'],
    keepBest: args['keep-best'],
    callbacks: [stopOnInterrupt()],
  });
  const done = result.history.length;
  console.log(`\n${result.interrupted ? 'Stopped' : 'Finished'} after epoch ${done ? result.history[done - 1].epoch : 0} in ${((Date.now() - started) / 1000).toFixed(0)} s.${result.interrupted ? ' Run the same command to resume.' : ''}`);
  console.log(`Wrote ${result.files.gif ?? '(no GIF: no epoch finished)'}, ${result.files.losses}, ${result.files.log}, ${result.files.generator}/`);
  if (args.plot) plotInteractive(lossFigure(result.history));
  tf.disposeVariables();
  // A stopped run is not a finished one: 130, as a shell reports a stop by signal, so that a script
  // chaining runs (scripts/train-pretrained.sh) stops too instead of starting the next.
  if (result.interrupted) process.exitCode = INTERRUPTED_EXIT_CODE;
}

/** The trainer's exit status after a stop (SIGINT or SIGTERM) that saved a checkpoint. */
const INTERRUPTED_EXIT_CODE = 130;

runCli('npm run train --', FLAGS, main);
