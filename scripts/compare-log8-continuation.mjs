#!/usr/bin/env node
// How much does shipping Adam's state in log8 change a continued run? Continues dcgan-mnist's
// 40-epoch run for 30 steps twice, on the native backend where it loads: from its float32
// checkpoint (parked in data/in-progress/dcgan-mnist/) and from the shipped compact one
// (data/pretrained/dcgan-mnist/checkpoint/: float16 networks, log8 optimizer state). Prints both
// runs' losses and how far apart their generator updates end, relative to the update's size.
//   npx tsc -p tsconfig.json && node scripts/compare-log8-continuation.mjs
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createRequire } from 'module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'package.json'));
const build = (m) => require(path.join(root, 'build', 'lib', m));
const tf = require('@tensorflow/tfjs');
const { initBackend } = build('engine/backend');
const { runTraining } = build('systems/run');
const { configureSystem } = build('systems/configure');
const { getSystem } = build('systems/registry');
const { loadModel } = build('models/files');
const { readRunState } = build('training/checkpoint');

const parked = path.join(root, 'data', 'in-progress', 'dcgan-mnist');
const shipped = path.join(root, 'data', 'pretrained', 'dcgan-mnist');
const steps = 30;

await initBackend();
const epoch = readRunState(parked).epoch;
if (epoch !== readRunState(shipped).epoch) throw new Error(`The parked run (epoch ${epoch}) is not the shipped one (epoch ${readRunState(shipped).epoch}).`);
const lastRate = JSON.parse(fs.readFileSync(path.join(shipped, 'info.json'), 'utf8')).learningRatePerEpoch.at(-1);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'log8-continuation-'));
try {
  fs.cpSync(path.join(parked, 'checkpoint'), path.join(work, 'float32', 'checkpoint'), { recursive: true });
  const common = { model: configureSystem(getSystem('dcgan-mnist'), { learningRate: lastRate }), epochs: epoch + 1, batchSize: 64, maxStepsPerEpoch: steps, seed: 1, progress: false };
  const weightsOf = async (dir) => (await loadModel(dir)).getWeights();
  const startFloat32 = await weightsOf(path.join(parked, 'checkpoint', 'generator'));
  const startShipped = await weightsOf(shipped);
  const float32 = await runTraining({ ...common, outDir: path.join(work, 'float32'), resume: true });
  const log8 = await runTraining({ ...common, outDir: path.join(work, 'log8'), from: 'pretrained' });
  const norm = (ts) => Math.sqrt(ts.reduce((s, t) => s + tf.tidy(() => tf.sum(tf.square(t)).dataSync()[0]), 0));
  const updateF32 = float32.models.generator.getWeights().map((w, i) => tf.sub(w, startFloat32[i]));
  const updateLog8 = log8.models.generator.getWeights().map((w, i) => tf.sub(w, startShipped[i]));
  const apart = norm(updateF32.map((u, i) => tf.sub(u, updateLog8[i]))) / norm(updateF32);
  const losses = (h) => ({ dLoss: +h.dLoss.toFixed(5), gLoss: +h.gLoss.toFixed(5), realP: +h.realP.toFixed(4), fakeP: +h.fakeP.toFixed(4) });
  console.log(JSON.stringify({ steps, learningRate: lastRate, float32: losses(float32.history.at(-1)), log8: losses(log8.history.at(-1)), generatorUpdatesApart: `${(apart * 100).toFixed(1)} % of the update` }, null, 1));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
