/**
 * Tutorial 003's command-line flags: parsing (with the tutorial's own spellings), the system
 * they configure, and a real trainer process that honours the log and model paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { useWasm } from './helpers';
import { parseArgs, FlagSpec } from '../lib/cli/args';
import { getSystem, buildSystem } from '../lib/systems/registry';
import { configureSystem } from '../lib/systems/configure';
import { runTraining } from '../lib/systems/run';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-flags-test-'));
const repo = path.resolve(__dirname, '..', '..');

test('flags accept tutorial 003 spellings and reject bad booleans', () => {
  const specs: FlagSpec[] = [
    { name: 'dataset-path', type: 'string', help: 'd', aliases: ['DatasetPath'] },
    { name: 'batch-size', type: 'int', help: 'b', aliases: ['BATCH_SIZE'] },
    { name: 'bbox', type: 'boolean', help: 'x' },
  ];
  assert.deepEqual(parseArgs(['--DatasetPath', '/data/celeba', '--BATCH_SIZE=64', '--bbox=false'], specs), { 'dataset-path': '/data/celeba', 'batch-size': 64, bbox: false });
  assert.throws(() => parseArgs(['--bbox=maybe'], specs), /--bbox takes no value or =true \/ =false; got "maybe"/);
});

test('configureSystem: input size, noise dimension and lr reshape dcgan-64', () => {
  const s = configureSystem(getSystem('dcgan-64'), { imageSize: 32, latentDim: 16, learningRate: 0.001 });
  assert.deepEqual(s.imageShape, [32, 32, 1]);
  const { generator, discriminator } = s.buildNetworks();
  assert.deepEqual(generator.inputs[0].shape, [null, 16]);
  assert.deepEqual(generator.outputs[0].shape, [null, 32, 32, 1]);
  assert.deepEqual(discriminator.inputs[0].shape, [null, 32, 32, 1]);
  // The schedule keeps tutorial 003's shape around the new base rate.
  assert.equal(s.schedule!(1), 0.001);
  assert.ok(Math.abs(s.schedule!(11) - 0.0001) < 1e-12);
  assert.ok(Math.abs(s.schedule!(26) - 0.000001) < 1e-15);
  const opt = s.optimizer() as unknown as { learningRate: number };
  assert.equal(opt.learningRate, 0.001);
  // The tutorial's own size keeps the tutorial's networks (parameter counts in big-models.test).
  const same = configureSystem(getSystem('dcgan-64'), {}).buildNetworks();
  assert.equal(same.generator.countParams(), getSystem('dcgan-64').buildNetworks().generator.countParams());
  // Other systems take a noise dimension too.
  const s0 = buildSystem(configureSystem(getSystem('dcgan-mnist'), { latentDim: 8 }));
  assert.deepEqual(s0.generator.inputs[0].shape, [null, 8]);
  tf.disposeVariables();
});

test('configureSystem: bad combinations say what is wrong', () => {
  const s4 = getSystem('dcgan-64');
  assert.throws(() => configureSystem(s4, { imageSize: 48 }), /power of two from 16 to 256 \(tutorial 003: 64\); got 48/);
  assert.throws(() => configureSystem(getSystem('dcgan-mnist'), { imageType: 'MNIST' }), /apply to dcgan-64 \(tutorial 003\), not dcgan-mnist/);
  // The library names an option as a notebook writes it; the trainer passes its flags' spellings (below).
  assert.throws(() => configureSystem(s4, { imageType: 'img_align_celeba' }), /imageType img_align_celeba needs datasetPath: the CelebA folder holding img_align_celeba\//);
  assert.throws(() => configureSystem(s4, { imageType: 'MNIST', bbox: true }), /bbox crops CelebA/);
  assert.throws(() => configureSystem(s4, { learningRate: 2 }), /learningRate must be between 0 and 1/);
  const flags = { latentDim: '--noise-dim', learningRate: '--lr', lrDecayEpochs: '--lr-decay-epochs', lrDecayFactor: '--lr-decay-factor', imageSize: '--input-size', imageType: '--image-type', datasetPath: '--dataset-path', partition: '--partition', bbox: '--bbox' };
  assert.throws(() => configureSystem(s4, { imageType: 'img_align_celeba' }, flags), /--image-type img_align_celeba needs --dataset-path/);
  assert.throws(() => configureSystem(getSystem('dcgan-cifar10'), { datasetPath: '/x' }), /not supported for dcgan-cifar10/);
  assert.throws(() => configureSystem(getSystem('dcgan-mnist'), { lrDecayEpochs: [5, 3] }), /lrDecayEpochs must list increasing epoch numbers, e\.g\. 5,8; got 5,3\./);
  assert.throws(() => configureSystem(getSystem('dcgan-mnist'), { lrDecayEpochs: [5], lrDecayFactor: 2 }), /lrDecayFactor must be between 0 and 1/);
  assert.throws(() => configureSystem(s4, { lrDecayEpochs: [5] }), /dcgan-64 has its own learning-rate schedule/);
});

test('--lr-decay-epochs: a step decay from the base learning rate, logged per epoch', () => {
  const s0 = configureSystem(getSystem('dcgan-mnist'), { learningRate: 0.0006, lrDecayEpochs: [5, 8], lrDecayFactor: 0.3 });
  const lrs = [1, 5, 6, 8, 9, 10].map((e) => s0.schedule!(e));
  [0.0006, 0.0006, 0.00018, 0.00018, 0.000054, 0.000054].forEach((want, i) => assert.ok(Math.abs(lrs[i] - want) < 1e-12, `epoch ${[1, 5, 6, 8, 9, 10][i]}: ${lrs[i]}`));
  // Without --lr, from the tutorial's own rate (0.0002), tenfold by default.
  const tutorial = configureSystem(getSystem('dcgan-mnist'), { lrDecayEpochs: [3] });
  assert.ok(Math.abs(tutorial.schedule!(4) - 0.00002) < 1e-12 && Math.abs(tutorial.schedule!(3) - 0.0002) < 1e-12);
  assert.equal(getSystem('dcgan-mnist').schedule, undefined, 'the registry entry is not changed');
  // Configuring makes no tensor (they would land on whatever backend is active before the run picks one).
  const before = tf.memory().numTensors;
  configureSystem(getSystem('dcgan-mnist'), { lrDecayEpochs: [3] });
  assert.equal(tf.memory().numTensors, before);
});

test('dcgan-64 on a CelebA PNG folder: partition, size and colour come from the flags', async () => {
  await useWasm();
  const root = path.join(tmp, 'celeba');
  fs.mkdirSync(path.join(root, 'img_align_celeba_png'), { recursive: true });
  for (const [i, name] of ['000001', '000002', '000003'].entries()) {
    await sharp({ create: { width: 178, height: 218, channels: 3, background: { r: 80 * i, g: 200, b: 30 } } }).png().toFile(path.join(root, 'img_align_celeba_png', `${name}.png`));
  }
  // The partition list names .jpg files, as the official one does.
  fs.writeFileSync(path.join(root, 'list_eval_partition.txt'), '000001.jpg 0\n000002.jpg 0\n000003.jpg 1\n');
  const s = configureSystem(getSystem('dcgan-64'), { imageType: 'img_align_celeba_png', datasetPath: root, partition: 'train', imageSize: 16 });
  const { images } = await s.loadImages();
  assert.deepEqual(images.shape, [2, 16, 16, 3]);
  const [min, max] = [images.min().dataSync()[0], images.max().dataSync()[0]];
  assert.ok(min >= -1 && max <= 1 && max > 0.5, `scaled to [-1, 1], got ${min}..${max}`);
  const result = await runTraining({ model: s, outDir: path.join(tmp, 'celeba-run'), images, epochs: 1, batchSize: 2, progress: false });
  assert.deepEqual(result.models.generator.outputs[0].shape, [null, 16, 16, 3]);
  assert.equal(result.history.length, 1);
  images.dispose();
  tf.disposeVariables();
});

test('the trainer writes the log to --log-path and models to --model-path, and rejects a bad value', () => {
  const logDir = path.join(tmp, 'logs');
  const modelDir = path.join(tmp, 'models');
  const outDir = path.join(tmp, 'out');
  const train = (args: string[]) => execFileSync(process.execPath, [path.join(repo, 'build/lib/cli/train.js'), ...args], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  train(['--model', 'dcgan-64', '--ImageType', 'MNIST', '--Partition', 'test', '--DisInSize', '16', '--noise_dim', '8', '--BATCH_SIZE', '4', '--lr', '0.001',
    '--limit', '8', '--epochs', '1', '--steps-per-epoch', '1', '--out', outDir, '--LOG_PATH', logDir, '--MODEL_PATH', modelDir, '--threads', '1']);
  const log = fs.readFileSync(path.join(logDir, 'log.csv'), 'utf8').trim().split('\n');
  assert.equal(log[0], 'epoch,Real_P,Fake_P,Gen_loss,Dis_loss,seconds,lr');
  assert.equal(log[1].split(',').at(-1), '0.001000');
  assert.ok(fs.existsSync(path.join(modelDir, 'checkpoint', 'state.json')));
  const model = JSON.parse(fs.readFileSync(path.join(modelDir, 'generator', 'model.json'), 'utf8'));
  assert.match(JSON.stringify(model.modelTopology), /"batch_input_shape":\[null,8\]/);
  assert.ok(fs.existsSync(path.join(outDir, 'image_at_epoch_0001.png')));
  assert.ok(!fs.existsSync(path.join(outDir, 'log.csv')), 'the log went to --log-path only');
  assert.throws(() => train(['--model', 'dcgan-64', '--DisInSize', '48']), (err: { stderr: string; status: number }) => {
    assert.equal(err.status, 1);
    assert.match(err.stderr, /power of two from 16 to 256/);
    return true;
  });
  // The trainer's errors name its flags (the library's name the options).
  assert.throws(() => train(['--model', 'dcgan-64', '--ImageType', 'MNIST', '--bbox']), (err: { stderr: string; status: number }) => {
    assert.equal(err.status, 1);
    assert.match(err.stderr, /--bbox crops CelebA/);
    return true;
  });
  assert.throws(() => train(['--model', 'dcgan-mnist', '--batch-size', '33', '--out', path.join(tmp, 'odd')]), (err: { stderr: string }) => {
    assert.match(err.stderr, /Batch size 33 does not work for dcgan-mnist: it must be an even integer/);
    return true;
  });
});

test('the trainer stops cleanly on SIGTERM, saves, exits 130, and the same command resumes', async () => {
  const outDir = path.join(tmp, 'sigterm');
  const args = [path.join(repo, 'build/lib/cli/train.js'), '--model', 'cgan-mnist', '--limit', '64', '--batch-size', '8', '--epochs', '40', '--out', outDir, '--threads', '1'];
  const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    // Stop as soon as the first epoch is done, as a CI cancellation or `kill` would.
    if (/Epoch 1\/40/.test(out) && !child.killed) child.kill('SIGTERM');
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 130, `a stopped run exits 130, not 0 (a script chaining runs must not go on to the next): ${err}`);
  assert.match(err, /SIGTERM: stopping after this step/);
  assert.match(out, /Stopped after epoch \d+ in .* Run the same command to resume\./);
  const state = JSON.parse(fs.readFileSync(path.join(outDir, 'checkpoint', 'state.json'), 'utf8'));
  assert.ok(state.epoch >= 1 && state.epoch < 40, `saved after epoch ${state.epoch}`);
  const resumed = execFileSync(process.execPath, [...args.slice(0, 1), ...args.slice(1).map((a) => (a === '40' ? String(state.epoch + 1) : a))], { cwd: repo, encoding: 'utf8' });
  // A stop inside an epoch resumes at the next step of that epoch (mid-epoch checkpoints); one
  // that came with an epoch's last step, after that epoch.
  const where = state.within ? `at step ${state.within.steps + 1} of epoch ${state.epoch + 1}` : `after epoch ${state.epoch}`;
  assert.match(resumed, new RegExp(`Resuming cgan-mnist from .* ${where}\\.`));
  assert.match(resumed, new RegExp(`Finished after epoch ${state.epoch + 1}`));
});
