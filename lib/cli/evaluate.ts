#!/usr/bin/env node
/**
 * npm run evaluate -- --run runs/NAME [--samples 10000] [--no-probe]
 * npm run evaluate -- --samples FILE.npy [--domain mnist|fashion-mnist] [--labels LABELS.npy]
 *
 * Scores a trained run's generator against the real test set (FID and KID on the domain
 * classifier's features, classes covered, Inception Score, conditional accuracy), beside the
 * real-versus-real baseline, and for unconditional models the DCGAN paper's linear probe on
 * the discriminator's features. Writes <run>/metrics.json.
 *
 * With a .npy file instead of a run (images written by any framework with numpy.save: uint8
 * 0-255 or float in [0, 1] / [-1, 1], N×28×28, N×28×28×1 or N×1×28×28), scores every image in
 * it the same way, so the Keras and PyTorch references' samples sit beside ours.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../engine/backend';
import { getSystem, metricDomainOf } from '../systems/registry';
import { kindOf } from '../models/kinds';
import { loadModel } from '../models/files';
import { loadMnist, loadFashionMnist } from '../data/mnist';
import { fromBytes } from '../pixels';
import { checkpointDir, readRunState } from '../training/checkpoint';
import { evaluateGenerator, evaluateImages, formatReport, loadReference, realBaseline } from '../metrics/evaluate';
import { ClassifierDomain } from '../metrics/classifier';
import { linearProbeAccuracy } from '../metrics/probe';
import { writeFileAtomic } from '../io';
import { npyToImages, readNpy } from '../data/npy';
import { gridPng } from '../visual/grid';
import { setGlobalSeed } from '../random';
import { FlagsOf, runCli, flags } from './args';

const FLAGS = flags([
  { name: 'run', type: 'string', help: 'run folder written by npm run train (holds checkpoint/ and generator/)' },
  { name: 'samples', type: 'string', help: 'with --run: how many samples to generate and score (default 10000); without: a .npy file of generated images to score' },
  { name: 'domain', type: 'string', help: 'with a .npy file: the test set and classifier to score against', choices: ['mnist', 'fashion-mnist'], default: 'mnist' },
  { name: 'labels', type: 'string', help: 'with a .npy file: a .npy of the class each image was asked to show (conditional accuracy)' },
  { name: 'no-probe', type: 'boolean', help: 'skip the linear probe on the discriminator\'s features' },
  { name: 'seed', type: 'int', help: 'seed of the latent points and KID subsets', default: 0 },
  { name: 'markdown', type: 'boolean', help: 'also print the result as a row of the README\'s results table' },
]);

/** `npm run evaluate -- --samples FILE.npy`: scores every image in the file, beside real-vs-real. */
async function scoreFile(file: string, domain: ClassifierDomain, labelsFile: string | undefined, seed: number): Promise<void> {
  const { images, scale } = npyToImages(readNpy(file), file);
  const n = images.shape[0];
  let labels: number[] | undefined;
  if (labelsFile) {
    const array = readNpy(labelsFile);
    labels = Array.from(array.data, Number);
    if (labels.length !== n || labels.some((l) => !Number.isInteger(l) || l < 0 || l > 9)) {
      throw new Error(`${labelsFile} must hold ${n} class numbers 0-9, one per image in ${file}; it holds ${labels.length} values.`);
    }
  }
  if (n < 100) throw new Error(`${file} holds ${n} images; FID needs at least 100 (10,000 is the standard).`);
  await initBackend();
  console.log(`Scoring ${n} images from ${file} (${images.shape[1]}x${images.shape[2]}, read as ${scale}) against the ${domain} test set...`);
  const reference = await loadReference(domain);
  const model = evaluateImages(images, reference, { seed }, labels);
  // The first 100 images as a 10x10 grid beside the file, to look at what was scored.
  // Both domains are drawn dark on light, as the tutorials plot them.
  const shown = images.slice(0, Math.min(100, n)) as tf.Tensor4D;
  const stem = file.replace(/\.npy$/i, '');
  const gridFile = `${stem}.png`;
  writeFileAtomic(gridFile, Buffer.from(gridPng(shown, { cols: 10, range: '0-1', reverse: true, scale: 2, gap: 2 })));
  tf.dispose([shown, images]);
  const real = await realBaseline(reference, { samples: n, seed });
  console.log(formatReport(model, real));
  const out = `${stem}.metrics.json`;
  writeFileAtomic(out, `${JSON.stringify({ file, domain, scale, generated: model, real, evaluatedAt: new Date().toISOString() }, null, 1)}\n`);
  console.log(`Wrote ${out} and ${gridFile} (the first ${Math.min(100, n)} images)`);
}

async function main(args: FlagsOf<typeof FLAGS>): Promise<void> {
  const samplesArg = String(args.samples ?? 10000);
  const count = /^\d+$/.test(samplesArg) ? Number(samplesArg) : undefined;
  if (args.run === undefined) {
    if (count !== undefined) throw new Error('Give --run DIR (a training run) or --samples FILE.npy (images to score). Run with --help for the list.');
    await scoreFile(samplesArg, args.domain, args.labels, args.seed);
    return;
  }
  if (count === undefined) throw new Error(`With --run, --samples is how many images to generate (an integer); got "${samplesArg}". To score a file, leave out --run.`);
  if (count < 100) throw new Error(`--samples must be at least 100 (FID of fewer samples is mostly noise); got ${count}.`);
  const run = String(args.run);
  const state = readRunState(run);
  const system = getSystem(state.model);
  await initBackend();
  const generator = await loadModel(path.join(checkpointDir(run), 'generator'));
  const samples = count;
  const seed = args.seed;
  setGlobalSeed(seed); // the untrained discriminator of the probe's baseline
  const domain = metricDomainOf(system);
  console.log(`Scoring ${system.name} after epoch ${state.epoch} (${samples} samples against the ${domain} test set)...`);
  const reference = await loadReference(domain);
  const model = evaluateGenerator(generator, system.range, reference, { samples, seed });
  const real = await realBaseline(reference, { samples, seed });
  console.log(formatReport(model, real));
  let probe: { trained: number; untrained: number } | undefined;
  if (!args['no-probe'] && !kindOf(system.kind).usesLabels && system.imageShape[0] === 28) {
    const discriminator = await loadModel(path.join(checkpointDir(run), 'discriminator'));
    const untrained = system.buildNetworks().discriminator;
    const ds = await (domain === 'mnist' ? loadMnist : loadFashionMnist)();
    const scale = (images: tf.Tensor) => fromBytes(images, system.range);
    const train = { images: scale(ds.train.images) as tf.Tensor4D, labels: ds.train.labels };
    const test = { images: scale(ds.test.images) as tf.Tensor4D, labels: ds.test.labels };
    probe = { trained: await linearProbeAccuracy(discriminator, train, test), untrained: await linearProbeAccuracy(untrained, train, test) };
    console.log(`Linear probe on D's features (1,000 labelled images): ${(100 * probe.trained).toFixed(1)}% test accuracy (untrained D: ${(100 * probe.untrained).toFixed(1)}%)`);
    tf.dispose([train.images, test.images, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  }
  const secondsPerEpoch = state.history.length ? state.history.reduce((s, h) => s + h.seconds, 0) / state.history.length : NaN;
  const out = path.join(run, 'metrics.json');
  writeFileAtomic(out, `${JSON.stringify({ model: system.name, epoch: state.epoch, secondsPerEpoch, backend: tf.getBackend(), generated: model, real, probe, evaluatedAt: new Date().toISOString() }, null, 1)}\n`);
  console.log(`Wrote ${out}`);
  if (args.markdown) {
    const kid = (r: typeof model) => `${(1000 * r.kid.mean).toFixed(2)}`;
    const cond = model.conditionalAccuracy ? `${(100 * model.conditionalAccuracy.overall).toFixed(1)}%` : '–';
    console.log('| model | epochs | s/epoch | FID | KID×1000 | classes covered | IS | conditional accuracy | real-vs-real FID / KID×1000 / IS |');
    console.log(`| ${system.name} | ${state.epoch} | ${secondsPerEpoch.toFixed(0)} | ${model.fid.toFixed(2)} | ${kid(model)} | ${model.coverage.covered}/10 | ${model.inceptionScore.mean.toFixed(2)} | ${cond} | ${real.fid.toFixed(2)} / ${kid(real)} / ${real.inceptionScore.mean.toFixed(2)} |`);
  }
}

runCli('npm run evaluate --', FLAGS, main, { oneOf: [['run', 'samples']] });
