/**
 * The end of the main job: a run's last generator beside the shipped pretrained one of the same
 * system — the same 25 latent points drawn by each, side by side in one figure — and the FID of
 * both (and of real images) on the same samples, so a student sees what more training gives.
 *
 *   npm run compare -- --run runs/main-dcgan-mnist      -> runs/main-dcgan-mnist/beside-pretrained.png
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { runCli, FlagsOf, flags } from './args';
import { initBackend } from '../engine/backend';
import { getSystem, metricDomainOf } from '../systems/registry';
import { loadModel } from '../models/files';
import { loadReference, realBaseline } from '../metrics/evaluate';
import { checkpointDir, readRunState } from '../training/checkpoint';
import { besidePretrained } from '../systems/compare';
import { writeFileAtomic } from '../io';

const FLAGS = flags([
  { name: 'run', type: 'string', help: 'run folder written by npm run train' },
  { name: 'samples', type: 'int', help: 'samples per FID', min: 100, default: 10000 },
]);

async function main(args: FlagsOf<typeof FLAGS>): Promise<void> {
  const run = String(args.run);
  const state = readRunState(run);
  const system = getSystem(state.model);
  await initBackend(undefined, { verbose: false });
  const own = await loadModel(path.join(checkpointDir(run), 'generator'));
  const samples = args.samples;
  const reference = await loadReference(metricDomainOf(system));
  const real = await realBaseline(reference, { samples });
  const minutes = state.history.reduce((s, h) => s + h.seconds, 0) / 60;
  const steps = state.history.reduce((s, h) => s + (h.steps ?? 0), 0);
  const caption = `This run: ${state.epoch} epochs, ${steps.toLocaleString('en')} steps, ${minutes.toFixed(1)} min`;
  const figure = await besidePretrained(own, system, { caption, samples, rescorePretrained: true, reference });
  for (const line of figure.lines) console.log(line);
  console.log(`Real images against the test set: FID ${real.fid.toFixed(2)} (the best possible with ${samples.toLocaleString('en')} samples)`);
  const out = path.join(run, 'beside-pretrained.png');
  writeFileAtomic(out, figure.png);
  console.log(`Figure: ${out}`);
  tf.disposeVariables();
}

runCli('npm run compare --', FLAGS, main, { required: ['run'] });
