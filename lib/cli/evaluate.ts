#!/usr/bin/env node
/**
 * npm run evaluate -- --run runs/NAME [--samples 10000] [--no-probe]
 *
 * Scores a trained run's generator against the real test set (FID and KID on the domain
 * classifier's features, classes covered, Inception Score, conditional accuracy), beside the
 * real-versus-real baseline, and for unconditional models the DCGAN paper's linear probe on
 * the discriminator's features. Writes <run>/metrics.json.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { getSystem } from '../models/registry';
import { loadModel } from '../models/files';
import { loadMnist, loadFashionMnist } from '../data/mnist';
import { scaleToSymmetric, scaleToUnit } from '../data/scale';
import { checkpointDir, readRunState } from '../training/checkpoint';
import { domainOf, evaluateGenerator, formatReport, loadReference, realBaseline } from '../metrics/evaluate';
import { linearProbeAccuracy } from '../metrics/probe';
import { writeFileAtomic } from '../io';
import { setGlobalSeed } from '../random';
import { FlagSpec, ParsedArgs, runCli } from './args';

const FLAGS: FlagSpec[] = [
  { name: 'run', type: 'string', help: 'run folder written by npm run train (holds checkpoint/ and generator/)' },
  { name: 'samples', type: 'int', help: 'generated samples to score', min: 100, default: 10000 },
  { name: 'no-probe', type: 'boolean', help: 'skip the linear probe on the discriminator\'s features' },
  { name: 'seed', type: 'int', help: 'seed of the latent points and KID subsets', default: 0 },
  { name: 'markdown', type: 'boolean', help: 'also print the result as a row of the README\'s results table' },
];

async function main(args: ParsedArgs): Promise<void> {
  const run = String(args.run);
  const state = readRunState(run);
  const system = getSystem(state.model);
  await initBackend();
  const generator = await loadModel(path.join(checkpointDir(run), 'generator'));
  const samples = args.samples as number;
  const seed = args.seed as number;
  setGlobalSeed(seed); // the untrained discriminator of the probe's baseline
  console.log(`Scoring ${system.name} after epoch ${state.epoch} (${samples} samples against the ${domainOf(system.name)} test set)...`);
  const reference = await loadReference(domainOf(system.name));
  const model = evaluateGenerator(generator, system.range, reference, { samples, seed });
  const real = await realBaseline(reference, { samples, seed });
  console.log(formatReport(model, real));
  let probe: { trained: number; untrained: number } | undefined;
  if (!args['no-probe'] && system.kind === 'plain' && system.imageShape[0] === 28) {
    const discriminator = await loadModel(path.join(checkpointDir(run), 'discriminator'));
    const untrained = system.buildNetworks().discriminator;
    const ds = await (domainOf(system.name) === 'mnist' ? loadMnist : loadFashionMnist)();
    const scale = system.range === '0-1' ? scaleToUnit : scaleToSymmetric;
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

runCli('npm run evaluate --', FLAGS, main, { required: ['run'] });
