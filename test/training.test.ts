import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from './helpers';
import { generateRealSamples, generateFakeSamples } from '../lib/training/samples';
import { generateLatentPoints } from '../lib/models/gan';
import { summarizePerformance } from '../lib/training/summarize';
import { runTraining, stopOnInterrupt } from '../lib/systems/run';
import { trainGan, EpochLogs } from '../lib/training/loop';
import { historyCsv } from '../lib/training/callbacks';
import { terminalProgress, epochEta } from '../lib/training/progress';
import { TrainContext } from '../lib/training/loop';
import { spawnSync } from 'child_process';
import { buildSystem, getSystem } from '../lib/systems/registry';
import * as s1 from '../lib/models/dcgan-fashion';
import { saveModel, loadModel, fileLoadHandler } from '../lib/models/files';
import { encodeGif } from '../lib/visual/gif';
import { figureSvg, lossFigure } from '../lib/visual/plot';
import { parseArgs, FlagSpec } from '../lib/cli/args';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-train-test-'));

test('S1 (dcgan-fashion) parameter counts equal the tutorial', () => {
  const g = s1.defineGenerator(100);
  const d = s1.defineDiscriminator();
  // G: dense 100*6272+6272 = 633,472; BN(128) 4*128 = 512; convT 5*5*128*64+64 = 204,864; BN(64) 256; convT 5*5*64+1 = 1,601.
  assert.equal(g.countParams(), 633472 + 512 + 204864 + 256 + 1601);
  assert.equal(g.countParams(), 840705);
  // BatchNorm's moving mean and variance (2*128 + 2*64 = 384) are not trainable.
  const trainable = g.trainableWeights.reduce((s, w) => s + w.shape.reduce((a, b) => a! * b!, 1)!, 0);
  assert.equal(trainable, 840321);
  // D: conv 5*5*1*64+64 = 1,664; conv 5*5*64*128+128 = 204,928; dense 6272+1 = 6,273.
  assert.equal(d.countParams(), 1664 + 204928 + 6273);
  assert.equal(d.countParams(), 212865);
});

test('sample helpers: real samples labelled 1, latent points, fake samples labelled 0', async () => {
  await useWasm();
  const data = tf.randomUniform([50, 28, 28, 1]) as tf.Tensor4D;
  const real = generateRealSamples(data, 7);
  assert.deepEqual(real.x.shape, [7, 28, 28, 1]);
  assert.deepEqual(Array.from(real.y.dataSync()), new Array(7).fill(1));
  const z1 = generateLatentPoints(100, 4, 3);
  const z2 = generateLatentPoints(100, 4, 3);
  assert.deepEqual(z1.shape, [4, 100]);
  assert.deepEqual(Array.from(z1.dataSync()), Array.from(z2.dataSync()), 'a seed gives the same points');
  const mean = z1.mean().dataSync()[0];
  assert.ok(Math.abs(mean) < 0.3, `Gaussian mean ${mean}`);
  const models = buildSystem(getSystem('dcgan-mnist'));
  const fake = generateFakeSamples(models.generator, 100, 5);
  assert.deepEqual(fake.x.shape, [5, 28, 28, 1]);
  assert.deepEqual(Array.from(fake.y.dataSync()), new Array(5).fill(0));
  const summary = await summarizePerformance(3, models, data, path.join(tmp, 'summary'), { n: 10 });
  assert.ok(fs.existsSync(summary.gridFile) && summary.gridFile.endsWith('generated_plot_e003.png'));
  assert.ok(fs.existsSync(path.join(summary.generatorDir, 'model.json')));
});

test('a saved model loads back (our IO handler) and predicts the same; corruption is named', async () => {
  await useWasm();
  const g = s1.defineGenerator(100);
  const dir = path.join(tmp, 'saved-g');
  await saveModel(g, dir);
  const back = await loadModel(dir);
  const z = generateLatentPoints(100, 2, 9);
  const a = (g.predict(z) as tf.Tensor).dataSync();
  const b = (back.predict(z) as tf.Tensor).dataSync();
  assert.deepEqual(Array.from(b), Array.from(a));
  // The same folder loads through tf.loadLayersModel with the handler, as a browser would load model.json.
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.deepEqual(json.weightsManifest[0].paths, ['./weights.bin']);
  assert.equal(json.format, 'layers-model');
  fs.truncateSync(path.join(dir, 'weights.bin'), 1000);
  await assert.rejects(tf.loadLayersModel(fileLoadHandler(dir)), /weights hold 1000 bytes but model\.json describes \d+: the checkpoint is corrupt/);
  await assert.rejects(loadModel(path.join(tmp, 'nothing-here')), /No saved model in .*model\.json is missing/);
});

/** The generator's weights as one flat array. */
function flatWeights(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

test('resume: 2 epochs, stop, resume to 4 equals 4 epochs straight (same seed, same backend)', async () => {
  await useWasm();
  const images = tf.tidy(() => tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 5)) as tf.Tensor4D;
  const common = { model: 'dcgan-mnist', batchSize: 8, maxStepsPerEpoch: 2, seed: 11, images, progress: false };
  const straight = await runTraining({ ...common, outDir: path.join(tmp, 'straight'), epochs: 4 });
  const first = await runTraining({ ...common, outDir: path.join(tmp, 'resumed'), epochs: 2 });
  assert.equal(first.history.length, 2);
  const resumed = await runTraining({ ...common, outDir: path.join(tmp, 'resumed'), epochs: 4, resume: true });
  assert.equal(resumed.resumedFrom, 2);
  assert.deepEqual(resumed.history.map((h) => h.epoch), [1, 2, 3, 4]);
  assert.deepEqual(resumed.history.map((h) => h.gLoss), straight.history.map((h) => h.gLoss));
  assert.deepEqual(flatWeights(resumed.models.generator), flatWeights(straight.models.generator));
  assert.deepEqual(flatWeights(resumed.models.discriminator), flatWeights(straight.models.discriminator));
  const files = fs.readdirSync(path.join(tmp, 'resumed')).sort();
  for (const f of ['checkpoint', 'dcgan-mnist.gif', 'generator', 'image_at_epoch_0001.png', 'image_at_epoch_0004.png', 'log.csv', 'losses.svg']) assert.ok(files.includes(f), `missing ${f}`);
  assert.equal(fs.readFileSync(path.join(tmp, 'resumed', 'log.csv'), 'utf8').trim().split('\n').length, 5);
});

test('a corrupt checkpoint is refused with what to do', async () => {
  await useWasm();
  const images = tf.randomUniform([16, 28, 28, 1]) as tf.Tensor4D;
  const outDir = path.join(tmp, 'corrupt');
  await runTraining({ model: 'dcgan-mnist', batchSize: 8, maxStepsPerEpoch: 1, epochs: 1, images, outDir, progress: false });
  fs.writeFileSync(path.join(outDir, 'checkpoint', 'generator', 'model.json'), '{ not json');
  await assert.rejects(runTraining({ model: 'dcgan-mnist', batchSize: 8, maxStepsPerEpoch: 1, epochs: 2, images, outDir, progress: false, resume: true }), /Cannot resume from .*checkpoint: .*not valid JSON.*Move the run folder aside/);
  await assert.rejects(runTraining({ model: 'dcgan-fashion', batchSize: 8, maxStepsPerEpoch: 1, epochs: 2, images, outDir, progress: false, resume: true }), /Cannot resume .*"dcgan-mnist", not "dcgan-fashion"/);
});

test('memory stays flat over training epochs', async () => {
  await useWasm();
  const system = getSystem('dcgan-fashion');
  const models = buildSystem(system);
  const images = tf.randomUniform([40, 28, 28, 1], -1, 1) as tf.Tensor4D;
  const counts: number[] = [];
  await trainGan(models, images, { epochs: 4, realPerStep: 8, generatorBatch: 8, maxStepsPerEpoch: 3, seed: 1, callbacks: [{ onEpochEnd: () => { counts.push(tf.memory().numTensors); } }] });
  assert.equal(counts.length, 4);
  // Epoch 1 creates the optimizers' slots; from then on nothing may accumulate.
  assert.ok(counts.slice(1).every((c) => c === counts[1]), `tensors after each epoch: ${counts.join(', ')}`);
});

test('the CSV log has tutorial 003 columns; GIF and SVG are well formed', () => {
  const history: EpochLogs[] = [{ epoch: 1, realP: 0.6, fakeP: 0.3, gLoss: 1.2, dLoss: 0.5, seconds: 2, steps: 3 }, { epoch: 2, realP: 0.55, fakeP: 0.35, gLoss: 1.1, dLoss: 0.6, seconds: 2, steps: 3, lr: 0.0002 }];
  const csv = historyCsv(history).trim().split('\n');
  assert.equal(csv[0], 'epoch,Real_P,Fake_P,Gen_loss,Dis_loss,seconds,lr');
  assert.equal(csv[1].split(',')[0], '1');
  assert.equal(csv.length, 3);
  const frame = (v: number) => ({ width: 4, height: 3, rgba: new Uint8Array(48).fill(v) });
  const gif = encodeGif([frame(0), frame(128), frame(255)]);
  assert.equal(Buffer.from(gif.subarray(0, 6)).toString('ascii'), 'GIF89a');
  assert.equal(gif[gif.length - 1], 0x3b, 'GIF trailer');
  // Three frames: three image descriptors (0x2c after a graphic control block).
  assert.equal(Buffer.from(gif).toString('latin1').split('\x21\xf9\x04').length - 1, 3);
  const svg = figureSvg(lossFigure(history));
  assert.ok(svg.startsWith('<svg'));
  assert.equal(svg.split('<polyline').length - 1, 4, 'one line per series');
});

test('command-line flags are validated with clear messages', () => {
  const specs: FlagSpec[] = [
    { name: 'model', type: 'string', help: 'm', choices: ['a', 'b'], default: 'a' },
    { name: 'epochs', type: 'int', help: 'e', min: 1 },
    { name: 'lr', type: 'number', help: 'l' },
    { name: 'plot', type: 'boolean', help: 'p' },
  ];
  assert.deepEqual(parseArgs(['--epochs', '3', '--lr=0.5', '--plot'], specs), { model: 'a', epochs: 3, lr: 0.5, plot: true });
  assert.throws(() => parseArgs(['--epochs', 'two'], specs), /--epochs must be an integer; got "two"/);
  assert.throws(() => parseArgs(['--epochs', '0'], specs), /--epochs must be at least 1; got 0/);
  assert.throws(() => parseArgs(['--model', 'c'], specs), /--model must be one of a, b; got "c"/);
  assert.throws(() => parseArgs(['--bogus'], specs), /Unknown option --bogus/);
  assert.throws(() => parseArgs(['--epochs'], specs), /--epochs needs a value/);
});

test('a stop signal (Ctrl-C, SIGTERM) ends after the current step, saves a checkpoint, and the same run resumes', async () => {
  await useWasm();
  const images = tf.randomUniform([32, 28, 28, 1]) as tf.Tensor4D;
  const outDir = path.join(tmp, 'interrupted');
  const common = { model: 'dcgan-mnist', batchSize: 8, images, outDir, progress: false, epochs: 3 };
  // Simulates a stop during the second step of epoch 2 (SIGTERM: a CI cancellation; Ctrl-C sends SIGINT to the same handler).
  const pressCtrlC: import('../lib/training/loop').GanCallback = {
    onStepEnd: (step, _losses, ctx) => {
      if (ctx.history.length === 1 && step === 2) process.emit('SIGTERM');
    },
  };
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => { said.push(String(chunk)); return true; }) as typeof process.stderr.write;
  const stopped = await runTraining({ ...common, callbacks: [stopOnInterrupt(), pressCtrlC] }).finally(() => { process.stderr.write = write; });
  assert.match(said.join(''), /\nSIGTERM: stopping after this step and saving a checkpoint/, 'the message names the signal');
  assert.equal(stopped.interrupted, true);
  assert.deepEqual(stopped.history.map((h) => h.epoch), [1], 'the cut epoch is not logged as done');
  const state = JSON.parse(fs.readFileSync(path.join(outDir, 'checkpoint', 'state.json'), 'utf8'));
  assert.equal(state.epoch, 1);
  assert.equal(state.partial, true);
  assert.equal(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM'), 0, 'the handlers are removed after training');
  const resumed = await runTraining({ ...common, callbacks: [stopOnInterrupt()], resume: true });
  assert.equal(resumed.resumedFrom, 1);
  assert.deepEqual(resumed.history.map((h) => h.epoch), [1, 2, 3]);
});

test('in a notebook (no stop callback given) a kernel Interrupt, SIGINT, stops after the step with a checkpoint; a second one does not end the kernel', async () => {
  await useWasm();
  const images = tf.randomUniform([32, 28, 28, 1]) as tf.Tensor4D;
  const outDir = path.join(tmp, 'interrupted-in-a-notebook');
  // Two Interrupts during the second step of epoch 1, as a student clicking the button twice.
  const pressInterruptTwice: import('../lib/training/loop').GanCallback = {
    onStepEnd: (step) => {
      if (step === 2) { process.emit('SIGINT'); process.emit('SIGINT'); }
    },
  };
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => { said.push(String(chunk)); return true; }) as typeof process.stderr.write;
  const stopped = await runTraining({ model: 'dcgan-mnist', batchSize: 8, images, outDir, progress: false, epochs: 2, callbacks: [pressInterruptTwice] }).finally(() => { process.stderr.write = write; });
  assert.equal(stopped.interrupted, true, 'the run stopped (and this test process lives on: the second Interrupt did not exit)');
  assert.equal(said.join('').match(/SIGINT: stopping after this step and saving a checkpoint\.\.\./g)?.length, 1, 'said once, without "send it again to quit"');
  const state = JSON.parse(fs.readFileSync(path.join(outDir, 'checkpoint', 'state.json'), 'utf8'));
  assert.equal(state.partial, true);
  assert.equal(state.within.steps, 2, 'saved after the step it was in');
  assert.equal(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM'), 0, 'the handlers are removed after training');
  // A run that fails (a step, a display) leaves no handler behind either: a later Interrupt must not reach it.
  const failing: import('../lib/training/loop').GanCallback = { onStepEnd: (step) => { if (step === 2) throw new Error('a display failed'); } };
  await assert.rejects(runTraining({ model: 'dcgan-mnist', batchSize: 8, images, outDir: path.join(tmp, 'failing-run'), progress: false, epochs: 1, callbacks: [failing] }), /a display failed/);
  assert.equal(process.listenerCount('SIGINT') + process.listenerCount('SIGTERM'), 0, 'the handlers are removed after a failed run');
  images.dispose();
});

test('terminal progress: without a terminal, a line at every tenth of a long epoch and one per epoch', async () => {
  const written: string[] = [];
  const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  const progress = terminalProgress(stream);
  const ctx = { epochs: 2, stepsPerEpoch: 40, history: [], stopRequested: false, interrupted: false } as unknown as TrainContext;
  await progress.onEpochBegin!(1, ctx);
  for (let step = 1; step <= 40; step++) await progress.onStepEnd!(step, { dLoss: 0.5, gLoss: 1.25 }, ctx);
  await progress.onEpochEnd!(1, { epoch: 1, realP: 0.6, fakeP: 0.4, gLoss: 1.25, dLoss: 0.5, seconds: 8, steps: 40 }, ctx);
  const stepLines = written.filter((l) => / step \d+\/40 /.test(l));
  assert.deepEqual(stepLines.map((l) => Number(/step (\d+)\//.exec(l)![1])), [4, 8, 12, 16, 20, 24, 28, 32, 36]);
  assert.match(stepLines[0], /^Epoch 1\/2 step 4\/40 d 0\.500 g 1\.250 \(.*, ETA .*\)\n$/);
  assert.match(written[written.length - 1], /^Epoch 1\/2: d_loss 0\.5000 g_loss 1\.2500 .*200 ms\/step\)\n$/);
  // An epoch resumed at step 21 (its first 20 steps trained by another process): the time left
  // comes from the steps this process timed, not from 40 steps done in the same time.
  assert.equal(epochEta(10, 30, 21, 40), 10, 'steps 21-30 in 10 s, 10 to go');
  assert.equal(epochEta(10, 30, 1, 40), (10 / 30) * 10);
  written.length = 0;
  await progress.onEpochBegin!(1, ctx);
  const begun = Date.now();
  for (let step = 21; step <= 28; step++) await progress.onStepEnd!(step, { dLoss: 0.5, gLoss: 1 }, ctx);
  while (Date.now() - begun < 800) await new Promise((r) => setTimeout(r, 50));
  await progress.onStepEnd!(29, { dLoss: 0.5, gLoss: 1 }, ctx);
  await progress.onStepEnd!(32, { dLoss: 0.5, gLoss: 1 }, ctx);
  const [, elapsed, eta] = /step 32\/40 .*\(([\d.]+)s, ETA ([\d.]+)s\)/.exec(written.join(''))!.map(Number);
  assert.ok(Math.abs(eta - (elapsed / 12) * 8) < 0.11, `ETA ${eta} s after ${elapsed} s for steps 21-32 with 8 to go`);
  // A short epoch (quick runs, tests) gets the epoch line only.
  written.length = 0;
  const short = { ...ctx, stepsPerEpoch: 5 } as TrainContext;
  await progress.onEpochBegin!(2, short);
  for (let step = 1; step <= 5; step++) await progress.onStepEnd!(step, { dLoss: 0.5, gLoss: 1 }, short);
  assert.equal(written.length, 0);
});

test('every command-line tool: --help exits 0, a missing required flag 2, a bad flag 1 with one line', () => {
  // npm script name -> compiled file. A tool that may run without flags (train, playground with
  // its pretrained menu, bench) is never started bare here: it would train, serve or time.
  const files: Record<string, string> = { train: 'train', evaluate: 'evaluate', playground: 'playground', 'train-classifiers': 'train-classifiers', pretrained: 'pretrained', compare: 'compare-pretrained', bench: 'bench', park: 'park' };
  const cli = (name: string, ...args: string[]) => spawnSync(process.execPath, [path.join(__dirname, '..', 'lib', 'cli', `${files[name]}.js`), ...args], { encoding: 'utf8', timeout: 60000 });
  for (const name of Object.keys(files)) {
    const help = cli(name, '--help');
    assert.equal(help.status, 0, `${name} --help`);
    assert.match(help.stdout, new RegExp(`^Usage: npm run ${name} -- \\[options\\]`));
    const bad = cli(name, '--no-such-flag');
    assert.equal(bad.status, 1, `${name} --no-such-flag`);
    assert.equal(bad.stderr.trim(), 'Error: Unknown option --no-such-flag. Run with --help for the list.');
  }
  for (const name of ['evaluate', 'pretrained', 'compare', 'park']) {
    const missing = cli(name);
    assert.equal(missing.status, 2, `${name} without --run`);
    assert.match(missing.stdout, /--run <value>/);
    assert.match(missing.stderr, name === 'evaluate' ? /Missing --run or --samples\./ : name === 'park' ? /Missing --run, --to\./ : /Missing --run\./);
  }
});

test('Real_P / Fake_P: the mean over the epoch\'s steps when the step reports them (tutorial 003), else D on a sample after the epoch', async () => {
  await useWasm();
  const models = buildSystem(getSystem('dcgan-mnist'));
  const images = tf.randomUniform([32, 28, 28, 1]) as tf.Tensor4D;
  let call = 0;
  // A step that reports D's outputs: 0.1, 0.2, 0.3, 0.4 on real and 1 minus that on fake.
  const reporting = async () => {
    call++;
    return { dLoss: 1, gLoss: 1, realP: call / 10, fakeP: 1 - call / 10 };
  };
  const [withP] = await trainGan(models, images, { epochs: 1, realPerStep: 8, generatorBatch: 8, seed: 1, step: reporting });
  assert.equal(withP.steps, 4);
  assert.ok(Math.abs(withP.realP - 0.25) < 1e-12 && Math.abs(withP.fakeP - 0.75) < 1e-12, `${withP.realP}, ${withP.fakeP}`);
  // A step that does not (the Keras-style steps): D is read on 64 real and 64 generated images.
  const silent = async () => ({ dLoss: 1, gLoss: 1 });
  const [withoutP] = await trainGan(models, images, { epochs: 1, realPerStep: 8, generatorBatch: 8, seed: 1, step: silent });
  const dOnReal = tf.tidy(() => (models.discriminator.predict(images) as tf.Tensor).mean().dataSync()[0]);
  assert.ok(Math.abs(withoutP.realP - dOnReal) < 1e-5, `${withoutP.realP} vs D's mean output ${dOnReal} on the 32 images`);
  assert.ok(withoutP.fakeP > 0 && withoutP.fakeP < 1);
  images.dispose();
  tf.disposeVariables();
});

test('the Keras-style step reads D(real) and D(fake) from D\'s own update (compiled metrics), so every system logs tutorial 003\'s epoch means', async () => {
  await useWasm();
  const { meanDOnReal, meanDOnFake, assembleGan } = await import('../lib/models/kinds');
  const { trainStep } = await import('../lib/training/step');
  // The metrics: the mean output over the rows whose target is "real" (a smoothed 0.9 counts) and over the rest.
  const yTrue = tf.tensor2d([[0.9], [1], [0], [0]]);
  const yPred = tf.tensor2d([[0.8], [0.6], [0.3], [0.1]]);
  assert.ok(Math.abs(tf.mean(meanDOnReal(yTrue, yPred)).dataSync()[0] - 0.7) < 1e-6);
  assert.ok(Math.abs(tf.mean(meanDOnFake(yTrue, yPred)).dataSync()[0] - 0.2) < 1e-6);
  // A D whose output is known: sigmoid(0.001 * sum of pixels); a G that draws blank images.
  const d = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.constant({ value: 0.001 }), biasInitializer: 'zeros' })] });
  const g = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 784, kernelInitializer: 'zeros', biasInitializer: 'zeros' }), tf.layers.reshape({ targetShape: [28, 28, 1] })] });
  const models = assembleGan({ kind: 'plain', latentDim: 4, optimizer: () => tf.train.adam(0.0002, 0.5) }, g, d);
  const real = tf.ones([8, 28, 28, 1]) as tf.Tensor4D;
  const step = await trainStep(models, real, { realLabel: 0.9 });
  // Read before D's update, from the same forward pass as its loss: sigmoid(0.784) on real, sigmoid(0) on blank.
  assert.ok(Math.abs(step.realP! - 1 / (1 + Math.exp(-0.784))) < 1e-5, `D(real) ${step.realP}`);
  assert.ok(Math.abs(step.fakeP! - 0.5) < 1e-5, `D(fake) ${step.fakeP}`);
  // Separate real and fake batches (conditional) and a two-headed D (AC-GAN) report them too.
  for (const name of ['cgan-mnist', 'acgan-mnist']) {
    const sys = buildSystem(getSystem(name));
    const images = tf.randomUniform([8, 28, 28, 1], -1, 1) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32');
    const out = await trainStep(sys, images, { labels });
    assert.ok(out.realP! > 0 && out.realP! < 1 && out.fakeP! > 0 && out.fakeP! < 1, `${name}: D(real) ${out.realP}, D(fake) ${out.fakeP}`);
    tf.dispose([images, labels]);
  }
  tf.dispose([yTrue, yPred, real]);
  tf.disposeVariables();
});

/** The dcgan-mnist discriminator of a lesson whose student removed both Dropout layers. */
function discriminatorWithoutDropout(extraUnits = 0): tf.Sequential {
  const d = tf.sequential();
  d.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', inputShape: [28, 28, 1] }));
  d.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  d.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same' }));
  d.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  d.add(tf.layers.flatten());
  if (extraUnits) d.add(tf.layers.dense({ units: extraUnits }));
  d.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  d.compile({ loss: 'binaryCrossentropy', optimizer: tf.train.adam(0.0002, 0.5), metrics: ['accuracy'] });
  return d;
}

test("runTraining trains the lesson's own networks with its own step, and says how they differ from the library's", async () => {
  await useWasm();
  const { defineGenerator, defineGan } = await import('../lib/models/dcgan-mnist');
  const images = tf.tidy(() => tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 5)) as tf.Tensor4D;
  const d = discriminatorWithoutDropout();
  const g = defineGenerator(100);
  const gan = defineGan(g, d);
  const before = flatWeights(d);
  let stepsByLesson = 0;
  const { trainStep } = await import('../lib/training/step');
  const outDir = path.join(tmp, 'lesson-networks');
  const said: string[] = [];
  const log = console.log;
  console.log = (...xs: unknown[]) => { said.push(xs.join(' ')); };
  const result = await runTraining({
    model: 'dcgan-mnist', outDir, images, epochs: 1, batchSize: 8, maxStepsPerEpoch: 2, seed: 3,
    models: { generator: g, discriminator: d, gan },
    step: async (models, real, options) => { stepsByLesson++; return trainStep(models, real, options); },
  }).finally(() => { console.log = log; });
  assert.equal(result.models.discriminator, d, 'the very model object passed in is trained');
  assert.notDeepEqual(flatWeights(d), before, "the lesson's discriminator moved");
  assert.equal(stepsByLesson, 2, "the lesson's step ran every step");
  assert.equal(result.networks.source, 'lesson');
  assert.equal(result.networks.step, 'lesson');
  assert.deepEqual(result.networks.discriminator.layers, ['Conv2D', 'LeakyReLU', 'Conv2D', 'LeakyReLU', 'Flatten', 'Dense']);
  assert.deepEqual(result.networks.differences.discriminator, ["Dropout: 0 here, 2 in the library's dcgan-mnist"]);
  assert.deepEqual(result.networks.differences.generator, []);
  const written = JSON.parse(fs.readFileSync(path.join(outDir, 'networks.json'), 'utf8'));
  assert.deepEqual(written.differences.discriminator, result.networks.differences.discriminator);
  assert.match(said.join('\n'), /Training your networks with your training step:\n {2}generator: 1,164,289 parameters.*the same layers as the library's\n {2}discriminator: 40,705 parameters, 6 layers \(Conv2D, LeakyReLU, Conv2D, LeakyReLU, Flatten, Dense\) — differs from the library's: Dropout: 0 here, 2/);
  // The library's networks, for contrast: no differences listed, 8 layers.
  const library = await runTraining({ model: 'dcgan-mnist', outDir: path.join(tmp, 'library-networks'), images, epochs: 1, batchSize: 8, maxStepsPerEpoch: 1, progress: false });
  assert.equal(library.networks.source, 'library');
  assert.equal(library.networks.discriminator.layers.length, 8);
  tf.dispose(images);
});

test('a run starts afresh unless asked to resume, and resuming loads into the lesson\'s own networks', async () => {
  await useWasm();
  const { defineGenerator, defineGan } = await import('../lib/models/dcgan-mnist');
  const images = tf.tidy(() => tf.randomUniform([32, 28, 28, 1], 0, 1, 'float32', 6)) as tf.Tensor4D;
  const outDir = path.join(tmp, 'fresh-or-resume');
  const common = { model: 'dcgan-mnist', outDir, images, batchSize: 8, maxStepsPerEpoch: 1, seed: 4, progress: false };
  await runTraining({ ...common, epochs: 3 });
  assert.equal(epochImages(outDir).length, 3);
  // An experiment with another setting: trains from epoch 1, and the old run's grids are gone.
  const fresh = await runTraining({ ...common, epochs: 2, realLabel: 0.9 });
  assert.equal(fresh.resumedFrom, 0);
  assert.deepEqual(fresh.history.map((h) => h.epoch), [1, 2]);
  assert.equal(epochImages(outDir).length, 2, 'the earlier run\'s third grid was removed');
  assert.equal(fs.readFileSync(path.join(outDir, 'log.csv'), 'utf8').trim().split('\n').length, 3);
  // resume: true with the lesson's own networks continues into those objects.
  const d = discriminatorWithoutDropout();
  const g = defineGenerator(100);
  const gan = defineGan(g, d);
  const lessonDir = path.join(tmp, 'lesson-resume');
  const first = await runTraining({ ...common, outDir: lessonDir, epochs: 1, models: { generator: g, discriminator: d, gan } });
  const saved = flatWeights(first.models.discriminator);
  const d2 = discriminatorWithoutDropout();
  const g2 = defineGenerator(100);
  const gan2 = defineGan(g2, d2);
  const resumed = await runTraining({ ...common, outDir: lessonDir, epochs: 1, resume: true, models: { generator: g2, discriminator: d2, gan: gan2 } });
  assert.equal(resumed.resumedFrom, 1);
  assert.deepEqual(flatWeights(d2), saved, 'the checkpoint was loaded into the lesson\'s discriminator');
  // Resuming a run of the library's networks into a changed network is refused with the fix.
  const d3 = discriminatorWithoutDropout(4);
  const g3 = defineGenerator(100);
  await assert.rejects(runTraining({ ...common, epochs: 4, resume: true, models: { generator: g3, discriminator: d3, gan: defineGan(g3, d3) } }), /Cannot resume from .*discriminator has other weights than yours.*resume: false/);
  tf.dispose(images);
});

function epochImages(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => /^image_at_epoch_\d+\.png$/.test(f));
}

test('mid-epoch checkpoints: stopped by SIGTERM or crashed inside an epoch, a resumed run continues at the next step and ends bit-identical to a run never stopped', async () => {
  await useWasm();
  const images = tf.tidy(() => tf.randomUniform([48, 28, 28, 1], 0, 1, 'float32', 9)) as tf.Tensor4D;
  const common = { model: 'dcgan-mnist', batchSize: 8, maxStepsPerEpoch: 5, seed: 12, images, progress: false, epochs: 3 };
  const straight = await runTraining({ ...common, outDir: path.join(tmp, 'mid-straight') });
  const losses = (r: { history: EpochLogs[] }) => r.history.map(({ epoch, dLoss, gLoss, realP, fakeP, steps }) => ({ epoch, dLoss, gLoss, realP, fakeP, steps }));

  // 1. SIGTERM during step 3 of epoch 2: saved with the epoch's progress, resumed at step 4.
  const signalled = path.join(tmp, 'mid-sigterm');
  const sendSigterm: import('../lib/training/loop').GanCallback = { onStepEnd: (step, _l, ctx) => { if (ctx.epoch === 2 && step === 3) process.emit('SIGTERM'); } };
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (() => true) as typeof process.stderr.write;
  const stopped = await runTraining({ ...common, outDir: signalled, callbacks: [stopOnInterrupt(), sendSigterm] }).finally(() => { process.stderr.write = write; });
  assert.equal(stopped.interrupted, true);
  const state = JSON.parse(fs.readFileSync(path.join(signalled, 'checkpoint', 'state.json'), 'utf8'));
  assert.equal(state.epoch, 1);
  assert.equal(state.within.steps, 3, 'the checkpoint knows how far into epoch 2 it was');
  const said: string[] = [];
  const log = console.log;
  console.log = (...xs: unknown[]) => { said.push(xs.join(' ')); };
  const resumed = await runTraining({ ...common, outDir: signalled, resume: true, progress: true }).finally(() => { console.log = log; });
  assert.match(said.join('\n'), /Resuming dcgan-mnist from .* at step 4 of epoch 2\./);
  assert.deepEqual(losses(resumed), losses(straight), 'the same losses and D outputs for every epoch');
  assert.deepEqual(flatWeights(resumed.models.generator), flatWeights(straight.models.generator), 'the generator, bit for bit');
  assert.deepEqual(flatWeights(resumed.models.discriminator), flatWeights(straight.models.discriminator), 'the discriminator, bit for bit');
  assert.equal(fs.readFileSync(path.join(signalled, 'log.csv'), 'utf8').trim().split('\n').length, 4, 'one CSV row per epoch: none duplicated, none missing');

  // 2. A crash (no clean stop) after a checkpoint every 2 steps: resumed from step 2 of epoch 3.
  const crashed = path.join(tmp, 'mid-crash');
  const crash: import('../lib/training/loop').GanCallback = { onStepEnd: (step, _l, ctx) => { if (ctx.epoch === 3 && step === 3) throw new Error('power cut'); } };
  await assert.rejects(runTraining({ ...common, outDir: crashed, checkpointEverySteps: 2, callbacks: [crash] }), /power cut/);
  const crashState = JSON.parse(fs.readFileSync(path.join(crashed, 'checkpoint', 'state.json'), 'utf8'));
  assert.deepEqual([crashState.epoch, crashState.within.steps], [2, 2]);
  const afterCrash = await runTraining({ ...common, outDir: crashed, resume: true });
  assert.deepEqual(losses(afterCrash), losses(straight));
  assert.deepEqual(flatWeights(afterCrash.models.generator), flatWeights(straight.models.generator));
  assert.deepEqual(flatWeights(afterCrash.models.discriminator), flatWeights(straight.models.discriminator));
  tf.dispose(images);
});

test('a parked run (its checkpoint copied into the repository) restores on another machine and continues as if never moved', async () => {
  await useWasm();
  const { parkRun, unparkRun } = await import('../lib/training/checkpoint');
  const images = tf.tidy(() => tf.randomUniform([40, 28, 28, 1], 0, 1, 'float32', 13)) as tf.Tensor4D;
  const common = { model: 'dcgan-mnist', batchSize: 8, maxStepsPerEpoch: 4, seed: 21, images, progress: false };
  const straight = await runTraining({ ...common, outDir: path.join(tmp, 'park-straight'), epochs: 3 });
  // Machine A trains into epoch 2 (a checkpoint every 3 steps), parks, and is lost.
  const machineA = path.join(tmp, 'park-a');
  const lost: import('../lib/training/loop').GanCallback = { onStepEnd: (step, _l, ctx) => { if (ctx.epoch === 2 && step === 4) throw new Error('machine lost'); } };
  await assert.rejects(runTraining({ ...common, outDir: machineA, epochs: 3, checkpointEverySteps: 3, callbacks: [lost] }), /machine lost/);
  const parkedDir = path.join(tmp, 'repo', 'data', 'in-progress', 'dcgan-mnist');
  const parked = await parkRun(machineA, parkedDir);
  assert.deepEqual([parked.epoch, parked.within?.steps], [1, 3]);
  fs.rmSync(machineA, { recursive: true });
  // Machine B restores it and continues.
  const machineB = path.join(tmp, 'park-b');
  assert.equal(unparkRun(parkedDir, machineB)?.epoch, 1);
  assert.equal(unparkRun(parkedDir, machineB), undefined, 'a second restore changes nothing: the run folder is as far');
  const continued = await runTraining({ ...common, outDir: machineB, epochs: 3, resume: true });
  assert.deepEqual(flatWeights(continued.models.generator), flatWeights(straight.models.generator));
  assert.deepEqual(flatWeights(continued.models.discriminator), flatWeights(straight.models.discriminator));
  assert.equal(fs.readFileSync(path.join(machineB, 'log.csv'), 'utf8').trim().split('\n').length, 4);
  tf.dispose(images);
});

test('scripts/train-pretrained.sh: a named recipe trains its system into a run folder of its own; an unknown run is refused', () => {
  const script = path.join(__dirname, '..', '..', 'scripts', 'train-pretrained.sh');
  const stub = path.join(tmp, 'train-stub.js');
  const argsFile = path.join(tmp, 'train-stub-args.json');
  // Stands in for the trainer: records its flags, trains nothing.
  fs.writeFileSync(stub, `require('fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));`);
  // And for the parker: this machine's real runs/ folders are never copied or restored here.
  const parkStub = path.join(tmp, 'park-stub.js');
  fs.writeFileSync(parkStub, '');
  const env = { ...process.env, GAN_TRAIN_JS: stub, GAN_PARK_JS: parkStub, GAN_PARK_DIR: path.join(tmp, 'no-parked-runs') };
  const run = spawnSync('bash', [script, 'dcgan-mnist-100'], { encoding: 'utf8', env, timeout: 60000 });
  assert.equal(run.status, 0, run.stderr);
  const flags = JSON.parse(fs.readFileSync(argsFile, 'utf8')) as string[];
  const flag = (name: string) => flags[flags.indexOf(name) + 1];
  assert.equal(flag('--model'), 'dcgan-mnist', "tutorial 000's system");
  assert.deepEqual([flag('--epochs'), flag('--batch-size')], ['100', '256'], "tutorial 000's own recipe");
  assert.equal(flag('--out'), 'runs/pretrained-dcgan-mnist-100', 'not the shipped run\'s folder');
  assert.equal(flags.includes('--lr'), false, "the system's own learning rate, as the tutorial's");
  fs.rmSync(argsFile);
  assert.equal(spawnSync('bash', [script, 'dcgan-mnist'], { encoding: 'utf8', env, timeout: 60000 }).status, 0);
  assert.equal(JSON.parse(fs.readFileSync(argsFile, 'utf8'))[1], 'dcgan-mnist', 'a system trains under its own name');
  const unknown = spawnSync('bash', [script, 'dcgan-mnist-1000'], { encoding: 'utf8', env, timeout: 60000 });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /no recipe for dcgan-mnist-1000 \(have: .*dcgan-mnist-100/);
});

test('--keep-best: the scored epoch with the lowest FID stays in best/ (compact), across a resume and a park; without scores it is refused', async () => {
  await useWasm();
  const { bestCheckpoint } = await import('../lib/training/callbacks');
  const { parkRun, unparkRun, readRunState, bestRunDir, saveCheckpoint } = await import('../lib/training/checkpoint');
  const runDir = path.join(tmp, 'keep-best');
  const models = buildSystem(getSystem('dcgan-mnist'));
  const history: EpochLogs[] = [];
  const ctx = { models, epochs: 4, stepsPerEpoch: 1, history, stopRequested: false, interrupted: false } as unknown as TrainContext;
  const best = bestCheckpoint({ runDir, model: 'dcgan-mnist' });
  // Each epoch leaves the generator's last bias at a value of its own, to tell the saved epoch by.
  const biasOf = (g: tf.LayersModel) => (g.getWeights().at(-1)!.dataSync() as Float32Array)[0];
  const endEpoch = async (epoch: number, fid: number | undefined, callback = best) => {
    const layer = models.generator.layers.at(-1)!;
    tf.tidy(() => layer.setWeights([...layer.getWeights().slice(0, -1), tf.fill(layer.getWeights().at(-1)!.shape, epoch / 8)]));
    const logs = { epoch, realP: 0.5, fakeP: 0.5, gLoss: 1, dLoss: 1, seconds: 1, steps: 1, ...(fid === undefined ? {} : { fid }) };
    history.push(logs);
    await callback.onEpochEnd!(epoch, logs, ctx);
  };
  await endEpoch(1, 50);
  await endEpoch(2, 40);
  await endEpoch(3, undefined);   // not scored: passed over
  await endEpoch(4, 45);
  const savedBeforeNaN = readRunState(bestRunDir(runDir)).savedAt;
  await endEpoch(5, NaN);         // a diverged generator's score: never the best
  const state = readRunState(bestRunDir(runDir));
  assert.equal(state.epoch, 2, 'the epoch of FID 40');
  assert.deepEqual(state.history.map((h) => h.fid), [50, 40], 'its history ends at that epoch');
  assert.equal(state.savedAt, savedBeforeNaN, 'NaN did not replace it');
  const saved = await loadModel(path.join(bestRunDir(runDir), 'checkpoint', 'generator'));
  assert.equal(biasOf(saved), 2 / 8, "epoch 2's generator");
  assert.ok(fs.readFileSync(path.join(bestRunDir(runDir), 'checkpoint', 'generator', 'model.json'), 'utf8').includes('float16'), 'compact, as a shipped run is');
  saved.dispose();
  // A resumed run (a fresh callback) compares with the scores in its history: 42 does not beat 40, 30 does.
  const resumed = bestCheckpoint({ runDir, model: 'dcgan-mnist' });
  await endEpoch(6, 42, resumed);
  assert.equal(readRunState(bestRunDir(runDir)).epoch, 2);
  // Parked and restored on another machine, best/ goes along.
  await saveCheckpoint(runDir, models, { model: 'dcgan-mnist', epoch: 6, history });
  const parked = path.join(tmp, 'keep-best-parked');
  await parkRun(runDir, parked);
  const elsewhere = path.join(tmp, 'keep-best-elsewhere');
  unparkRun(parked, elsewhere);
  assert.equal(readRunState(bestRunDir(elsewhere)).epoch, 2);
  await endEpoch(7, 30, resumed);
  assert.equal(readRunState(bestRunDir(runDir)).epoch, 7);
  const unscored = tf.zeros([8, 28, 28, 1]) as tf.Tensor4D;
  await assert.rejects(runTraining({ model: 'dcgan-mnist', outDir: path.join(tmp, 'keep-best-unscored'), images: unscored, epochs: 1, batchSize: 8, keepBest: true, progress: false }), /keepBest keeps the epoch with the lowest FID.*metricsEvery/);
  unscored.dispose();
});
