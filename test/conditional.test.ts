import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { useWasm } from './helpers';
import * as c from '../lib/models/class-conditional';
import { buildSystem, getSystem } from '../lib/systems/registry';
import { trainStep, updateGenerator } from '../lib/training/step';
import { generate, classGrid, classOrderedLabels } from '../lib/training/generate';
import { runTraining } from '../lib/systems/run';
import { decodePng } from '../lib/visual/grid';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-cond-test-'));

test('S3 (cgan-fashion) parameter counts from the tutorial\'s layer shapes', () => {
  const g = c.cganFashionGenerator(100);
  const d = c.cganFashionDiscriminator();
  // G: Embedding 10*50 = 500; Dense 50*49+49 = 2,499; Dense 100*6272+6272 = 633,472;
  //    ConvT 4*4*129*128+128 = 264,320; ConvT 4*4*128*128+128 = 262,272; Conv 7*7*128*1+1 = 6,273.
  assert.equal(g.countParams(), 500 + 2499 + 633472 + 264320 + 262272 + 6273);
  // D: Embedding 500; Dense 50*784+784 = 39,984; Conv 3*3*2*128+128 = 2,432; Conv 3*3*128*128+128 = 147,584; Dense 6272+1 = 6,273.
  assert.equal(d.countParams(), 500 + 39984 + 2432 + 147584 + 6273);
  assert.deepEqual(g.outputs[0].shape, [null, 28, 28, 1]);
});

test('S5 (cgan-mnist) parameter counts from the tutorial\'s layer shapes', () => {
  const g = c.cganMnistGenerator(100);
  const d = c.cganMnistDiscriminator();
  // G: Embedding 10*100 = 1,000; Dense 100*256+256 = 25,856; BN 4*256 = 1,024; Dense 256*512+512 = 131,584; BN 2,048;
  //    Dense 512*1024+1024 = 525,312; BN 4,096; Dense 1024*784+784 = 803,600.
  assert.equal(g.countParams(), 1000 + 25856 + 1024 + 131584 + 2048 + 525312 + 4096 + 803600);
  // D: Embedding 10*784 = 7,840; Dense 784*512+512 = 401,920; Dense 512*256+256 = 131,328; Dense 256+1 = 257.
  assert.equal(d.countParams(), 7840 + 401920 + 131328 + 257);
  // BatchNormalization(momentum=0.8), as the tutorial.
  const bn = g.layers.filter((l) => l.getClassName() === 'BatchNormalization');
  assert.equal(bn.length, 3);
  assert.ok(bn.every((l) => (l.getConfig() as { momentum: number }).momentum === 0.8));
});

test('S6 (acgan-mnist) parameter counts and two heads', () => {
  const g = c.acganGenerator(100);
  const d = c.acganDiscriminator();
  // G: Embedding 500; Dense 50*49+49 = 2,499; Dense 100*18816+18816 = 1,900,416; ConvT 5*5*385*192+192 = 1,848,192; BN 4*192 = 768; ConvT 5*5*192+1 = 4,801.
  assert.equal(g.countParams(), 500 + 2499 + 1900416 + 1848192 + 768 + 4801);
  // D: Conv 3*3*1*32+32 = 320; Conv 3*3*32*64+64 = 18,496; BN 256; Conv 3*3*64*128+128 = 73,856; BN 512;
  //    Conv 3*3*128*256+256 = 295,168; BN 1,024; heads 12544+1 = 12,545 and 12544*10+10 = 125,450.
  assert.equal(d.countParams(), 320 + 18496 + 256 + 73856 + 512 + 295168 + 1024 + 12545 + 125450);
  assert.deepEqual(d.outputs.map((o) => o.shape), [[null, 1], [null, 10]]);
});

for (const name of ['cgan-fashion', 'cgan-mnist', 'acgan-mnist']) {
  test(`${name}: a training step updates G through the composite and leaves D frozen there`, async () => {
    await useWasm();
    const models = buildSystem(getSystem(name));
    const real = tf.randomUniform([4, 28, 28, 1], -1, 1) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 3, 7, 9], 'int32');
    const dBefore = models.discriminator.getWeights().map((w) => w.clone());
    const gBefore = models.generator.getWeights().map((w) => w.clone());
    const losses = await trainStep(models, real, { labels, generatorBatch: 8 });
    assert.ok(Number.isFinite(losses.dLoss) && Number.isFinite(losses.gLoss));
    const moved = (a: tf.Tensor[], m: tf.LayersModel) => a.some((w, i) => tf.notEqual(w, m.getWeights()[i]).any().dataSync()[0] === 1);
    assert.ok(moved(dBefore, models.discriminator), 'D learned from its own updates');
    assert.ok(moved(gBefore, models.generator), 'G learned through the composite');
    // The generator's update must not move D at all, BatchNorm statistics included.
    const dMid = models.discriminator.getWeights().map((w) => w.clone());
    const gMid = models.generator.getWeights().map((w) => w.clone());
    await updateGenerator(models, 8);
    assert.equal(moved(dMid, models.discriminator), false, 'D moved during the composite update');
    assert.ok(moved(gMid, models.generator));
  });
}

test('generate by class and a class-ordered grid', async () => {
  await useWasm();
  const g = c.cganFashionGenerator(100);
  const sevens = generate(g, { label: 7, n: 5, seed: 1 });
  assert.deepEqual(sevens.shape, [5, 28, 28, 1]);
  // The label changes the image: the same latent points with another class give other pixels.
  const twos = generate(g, { label: 2, n: 5, seed: 1 });
  assert.ok(tf.sub(sevens, twos).abs().max().dataSync()[0] > 0);
  assert.throws(() => generate(g, { n: 2 }), /conditional; pass \{ label \}/);
  assert.throws(() => generate(g, { label: 12 }), /label must be an integer 0-9/);
  assert.deepEqual(classOrderedLabels(3, 2), [0, 0, 1, 1, 2, 2]);
  const grid = classGrid(g, { perClass: 4 });
  assert.deepEqual(grid.shape, [40, 28, 28, 1]);
  // Row k repeats the latent points of row 0: column 0 of rows 0 and 1 differ only by class.
  const first = grid.slice(0, 1);
  const again = generate(g, { label: 0, n: 4, seed: 42 }).slice(0, 1);
  assert.ok(tf.sub(first, again).abs().max().dataSync()[0] < 1e-5);
});

test('conditional training through the same loop writes a class-ordered epoch grid', async () => {
  await useWasm();
  const images = tf.randomUniform([32, 28, 28, 1], -1, 1) as tf.Tensor4D;
  const labels = tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 10), 'int32');
  const outDir = path.join(tmp, 'cgan');
  const result = await runTraining({ model: 'cgan-mnist', outDir, epochs: 1, batchSize: 8, maxStepsPerEpoch: 2, images, labels, progress: false, seed: 1 });
  assert.equal(result.history.length, 1);
  const png = decodePng(fs.readFileSync(path.join(outDir, 'image_at_epoch_0001.png')));
  // 10 rows (classes) x 10 columns of 56-pixel cells (scale 2) with 2-pixel gaps, and a
  // 96-pixel column of class names on the left.
  assert.equal(png.height, 10 * 56 + 9 * 2);
  assert.equal(png.width, 96 + 10 * 56 + 9 * 2);
  // The name column holds dark text on white in every row.
  for (let row = 0; row < 10; row++) {
    let dark = 0;
    for (let y = row * 58; y < row * 58 + 56; y++) for (let x = 0; x < 96; x++) if (png.rgba[(y * png.width + x) * 4] < 100) dark++;
    assert.ok(dark > 10, `no class name beside row ${row}`);
  }
  await assert.rejects(runTraining({ model: 'cgan-mnist', outDir: path.join(tmp, 'nolabels'), epochs: 1, batchSize: 8, images, progress: false }), /trains on labelled images: pass \{ labels \}/);
});
