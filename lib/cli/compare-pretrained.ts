/**
 * The end of the main job: a run's last generator beside the shipped pretrained one of the same
 * system — the same 25 latent points drawn by each, side by side in one figure — and the FID of
 * both (and of real images) on the same samples, so a student sees what more training gives.
 *
 *   npm run compare -- --run runs/main-dcgan-mnist      -> runs/main-dcgan-mnist/beside-pretrained.png
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { runCli, FlagSpec, ParsedArgs } from './args';
import { initBackend } from '../backend';
import { getSystem, metricDomainOf } from '../systems/registry';
import { loadModel } from '../models/files';
import { listPretrained, loadPretrained } from '../models/pretrained';
import { evaluateGenerator, loadReference, realBaseline } from '../metrics/evaluate';
import { checkpointDir, readRunState } from '../training/checkpoint';
import { generateLatentPoints, runGenerator } from '../models/gan';
import { gridPng } from '../visual/grid';
import { sideBySide } from '../visual/labels';
import { writeFileAtomic } from '../io';

const FLAGS: FlagSpec[] = [
  { name: 'run', type: 'string', help: 'run folder written by npm run train' },
  { name: 'samples', type: 'int', help: 'samples per FID', min: 100, default: 10000 },
];

async function main(args: ParsedArgs): Promise<void> {
  const run = String(args.run);
  const state = readRunState(run);
  const system = getSystem(state.model);
  await initBackend(undefined, { verbose: false });
  const own = await loadModel(path.join(checkpointDir(run), 'generator'));
  const pretrained = listPretrained().includes(system.name) ? await loadPretrained(system.name) : undefined;
  const samples = args.samples as number;
  const reference = await loadReference(metricDomainOf(system));
  const ownReport = evaluateGenerator(own, system.range, reference, { samples });
  const real = await realBaseline(reference, { samples });
  const minutes = state.history.reduce((s, h) => s + h.seconds, 0) / 60;
  const steps = state.history.reduce((s, h) => s + (h.steps ?? 0), 0);
  const grid = (g: tf.LayersModel) => tf.tidy(() => {
    const z = generateLatentPoints(system.latentDim, 25, 7);
    const labels = g.inputs.length === 2 ? Array.from({ length: 25 }, (_, i) => i % 10) : undefined;
    return gridPng(runGenerator(g, z, labels), { cols: 5, range: system.range, reverse: system.reverse, scale: 3, gap: 4 });
  });
  const pngs = [grid(own)];
  const captions = [[`This run: ${state.epoch} epochs, ${steps.toLocaleString('en')} steps, ${minutes.toFixed(1)} min`, `FID ${ownReport.fid.toFixed(1)}`]];
  console.log(`This run (${run}): epoch ${state.epoch}, ${minutes.toFixed(1)} min of training, FID ${ownReport.fid.toFixed(2)} (${samples} samples; real images: ${real.fid.toFixed(2)})`);
  if (pretrained) {
    const pre = evaluateGenerator(pretrained.generator, system.range, reference, { samples });
    pngs.push(grid(pretrained.generator));
    const preMinutes = pretrained.info.secondsPerEpoch.reduce((a, b) => a + b, 0) / 60;
    captions.push([`Pretrained (data/pretrained/${system.name}): ${pretrained.info.epochs} epochs, ${preMinutes.toFixed(0)} min`, `FID ${pre.fid.toFixed(1)}`]);
    console.log(`Pretrained ${system.name}: ${pretrained.info.epochs} epochs at batch ${pretrained.info.batchSize}, FID ${pre.fid.toFixed(2)}`);
  } else {
    console.log(`No pretrained ${system.name} is shipped (data/pretrained/): showing this run alone.`);
  }
  const out = path.join(run, 'beside-pretrained.png');
  writeFileAtomic(out, await sideBySide(pngs, captions));
  console.log(`Figure: ${out}`);
  tf.disposeVariables();
}

runCli('npm run compare --', FLAGS, main, { required: ['run'] });
