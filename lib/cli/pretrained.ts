/**
 * Ships a trained run's generator into data/pretrained/<system>/ as a float16 TF.js model with
 * its info.json (command, epochs, batch, seconds per epoch, backend, machine) and its scores on
 * 10,000 samples, float16 and float32, beside the real-vs-real baseline.
 *
 *   npm run pretrained -- --run runs/pretrained-cgan-mnist --command "bash scripts/train-pretrained.sh cgan-mnist"
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { runCli, FlagsOf, flags } from './args';
import { initBackend } from '../engine/backend';
import { getSystem, metricDomainOf, GanSystem } from '../systems/registry';
import { loadModel, saveModel } from '../models/files';
import { pretrainedDir, PretrainedInfo, PretrainedScores } from '../models/pretrained';
import { evaluateGenerator, loadReference, realBaseline, QualityReport } from '../metrics/evaluate';
import { checkpointDir, readRunState, loadCheckpoint, saveCheckpoint, CheckpointState } from '../training/checkpoint';
import { writeFileAtomic } from '../io';

const FLAGS = flags([
  { name: 'run', type: 'string', help: 'run folder written by npm run train (holds checkpoint/)' },
  { name: 'command', type: 'string', help: 'the exact command that trained it, for info.json' },
  { name: 'batch-size', type: 'int', help: 'the batch size it trained with (default: the tutorial\'s)' },
  { name: 'samples', type: 'int', help: 'samples per score', min: 100, default: 10000 },
  { name: 'checkpoint-only', type: 'boolean', help: 'ship (or re-ship) only the checkpoint beside a generator already shipped from this very run (its info.json trainedAt is the run\'s): no scoring, info.json kept' },
  { name: 'with-checkpoint', type: 'boolean', help: 'also ship the run\'s last checkpoint (discriminator, both optimizers\' state; float16 networks, log8 optimizer state gzipped) so lessons can continue training from it' },
]);

function scores(r: QualityReport): PretrainedScores {
  return {
    samples: r.samples,
    fid: Math.round(r.fid * 100) / 100,
    kidTimes1000: Math.round(r.kid.mean * 1000 * 100) / 100,
    classesCovered: r.coverage.covered,
    inceptionScore: Math.round(r.inceptionScore.mean * 100) / 100,
    ...(r.conditionalAccuracy ? { conditionalAccuracy: Math.round(r.conditionalAccuracy.overall * 10000) / 10000 } : {}),
  };
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? folderBytes(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
}

/** Writes the run's last checkpoint beside the shipped generator, which it shares (compact: float16 networks, log8 optimizer state, gzipped). */
async function shipCheckpoint(run: string, dir: string, state: CheckpointState, system: GanSystem): Promise<void> {
  const { models } = await loadCheckpoint(run, system);
  const { savedAt: _, ...rest } = state;
  await saveCheckpoint(dir, models, rest, { compact: true, sharedGenerator: '..' });
}

/** --checkpoint-only: refuses unless the shipped generator came from this run's last checkpoint. */
async function shipCheckpointOnly(run: string, state: CheckpointState, system: GanSystem): Promise<void> {
  const dir = pretrainedDir(system.name);
  const infoFile = path.join(dir, 'info.json');
  if (!fs.existsSync(infoFile)) throw new Error(`${system.name} has no shipped generator in ${dir}: ship it with its checkpoint (npm run pretrained -- --run ${run} --with-checkpoint).`);
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as PretrainedInfo;
  if (info.trainedAt !== state.savedAt) throw new Error(`The generator shipped in ${dir} was trained at ${info.trainedAt ?? 'an unrecorded time'}, but ${run}'s checkpoint was saved at ${state.savedAt}: they are not the same networks, and a checkpoint must continue the shipped generator. Ship both from the run: npm run pretrained -- --run ${run} --with-checkpoint`);
  await shipCheckpoint(run, dir, state, system);
  console.log(`Shipped ${run}'s checkpoint (epoch ${state.epoch}) beside ${dir}'s generator: ${(folderBytes(checkpointDir(dir)) / 1e6).toFixed(1)} MB; data/pretrained/ now ${(folderBytes(path.dirname(dir)) / 1e6).toFixed(1)} MB.`);
}

async function main(args: FlagsOf<typeof FLAGS>): Promise<void> {
  const run = String(args.run);
  const state = readRunState(run);
  const system = getSystem(state.model);
  const backend = await initBackend();
  if (args['checkpoint-only']) return shipCheckpointOnly(run, state, system);
  const trained = await loadModel(path.join(checkpointDir(run), 'generator'));
  const dir = pretrainedDir(system.name);
  await saveModel(trained, dir, { float16: true });
  if (!args['with-checkpoint'] && fs.existsSync(checkpointDir(dir))) {
    // It shared the generator just replaced: kept, it would pair another run's discriminator with this generator.
    fs.rmSync(checkpointDir(dir), { recursive: true, force: true });
    console.log(`Removed ${checkpointDir(dir)}: it belonged to the generator this replaces (ship with --with-checkpoint to keep one).`);
  }
  // The checkpoint's generator is the one just shipped beside it: shared, not copied.
  if (args['with-checkpoint']) await shipCheckpoint(run, dir, state, system);
  const shipped = await loadModel(dir);
  const samples = args.samples;
  const reference = await loadReference(metricDomainOf(system));
  console.log(`Scoring ${system.name} after epoch ${state.epoch}: float16 and float32, ${samples} samples each...`);
  const float16 = evaluateGenerator(shipped, system.range, reference, { samples });
  const float32 = evaluateGenerator(trained, system.range, reference, { samples });
  const real = await realBaseline(reference, { samples });
  const info: PretrainedInfo = {
    model: system.name,
    command: String(args.command ?? `npm run train -- --model ${system.name} --out ${run}`),
    epochs: state.epoch,
    batchSize: args['batch-size'] ?? system.batchSize,
    secondsPerEpoch: state.history.map((h) => Math.round(h.seconds)),
    ...(state.history.some((h) => typeof h.lr === 'number') ? { learningRatePerEpoch: state.history.map((h) => h.lr as number) } : {}),
    backend: `${backend.name} (${backend.threads} threads)`,
    machine: `${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}`,
    scores: scores(float16),
    float32Scores: scores(float32),
    realScores: scores(real),
    trainedAt: state.savedAt,
  };
  writeFileAtomic(path.join(dir, 'info.json'), `${JSON.stringify(info, null, 1)}\n`);
  const size = folderBytes(dir);
  console.log(JSON.stringify({ model: info.model, epochs: info.epochs, float16: info.scores, float32: info.float32Scores, real: info.realScores, bytes: size }, null, 1));
  tf.disposeVariables();
}

runCli('npm run pretrained --', FLAGS, main, { required: ['run'] });
