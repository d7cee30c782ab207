import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { defineDiscriminator, defineGenerator, defineGan } from '../lib/models/dcgan-mnist';
import { compositeTrainableParams } from '../lib/models/composite';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { projectPython } from '../lib/config';

test('S0 parameter counts equal the tutorial (40,705 and 1,164,289)', () => {
  const d = defineDiscriminator();
  const g = defineGenerator(100);
  // D: conv 3*3*1*64+64 = 640; conv 3*3*64*64+64 = 36,928; dense 7*7*64+1 = 3,137.
  assert.equal(d.countParams(), 640 + 36928 + 3137);
  assert.equal(d.countParams(), 40705);
  // G: dense 100*6272+6272 = 633,472; two transposed convs 4*4*128*128+128 = 262,272; conv 7*7*128+1 = 6,273.
  assert.equal(g.countParams(), 633472 + 2 * 262272 + 6273);
  assert.equal(g.countParams(), 1164289);
  assert.deepEqual(g.outputs[0].shape, [null, 28, 28, 1]);
  d.dispose();
  g.dispose();
});

test('the composite model updates the generator and leaves the discriminator frozen', async () => {
  await tf.setBackend('cpu');
  const d = defineDiscriminator();
  const g = defineGenerator(8);
  const gan = defineGan(g, d);
  const dBefore = d.getWeights().map((w) => w.clone());
  const gBefore = g.getWeights().map((w) => w.clone());
  const z = tf.randomNormal([4, 8]);
  await gan.trainOnBatch(z, tf.ones([4, 1]));
  const changed = (a: tf.Tensor[], b: tf.Tensor[]) => a.some((w, i) => tf.notEqual(w, b[i]).any().dataSync()[0] === 1);
  assert.equal(changed(dBefore, d.getWeights()), false, 'discriminator weights moved during the generator update');
  assert.equal(changed(gBefore, g.getWeights()), true, 'generator weights did not move');
  // The discriminator still learns from its own updates.
  await d.trainOnBatch(tf.zeros([4, 28, 28, 1]), tf.zeros([4, 1]));
  assert.equal(changed(dBefore, d.getWeights()), true, 'discriminator did not learn from trainOnBatch');
});

test('the composite updates exactly the generator\'s 1,164,289 parameters (D frozen)', () => {
  const d = defineDiscriminator();
  const g = defineGenerator(100);
  const gan = defineGan(g, d);
  assert.equal(compositeTrainableParams(gan), 1164289);
});

// The PyTorch reference of S0 (scripts/reference_s0_torch.py) is how a run here is compared
// with a second framework at the same epoch; it must be the same networks, and it must run.
test('the PyTorch reference of S0 has the tutorial\'s parameter counts and trains', () => {
  const script = path.join(__dirname, '..', '..', 'scripts', 'reference_s0_torch.py');
  const counts = JSON.parse(execFileSync(projectPython(), [script, '--summary'], { encoding: 'utf8' }));
  assert.deepEqual(counts, { generator: 1164289, discriminator: 40705 });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'torch-s0-'));
  execFileSync(projectPython(), [script, '--epochs', '1', '--steps-per-epoch', '2', '--out', out, '--threads', '1'], { env: { ...process.env, OPENBLAS_NUM_THREADS: '1' } });
  const log = fs.readFileSync(path.join(out, 'log.csv'), 'utf8').trim().split('\n');
  assert.equal(log[0], 'epoch,d_loss,g_loss,seconds');
  const [epoch, dLoss, gLoss] = log[1].split(',').map(Number);
  assert.equal(epoch, 1);
  // Known answer: at Keras's initialisation D's logits are small, so D(x) is about 0.5 for every
  // image and both cross-entropies are about ln 2; two Adam steps at 2e-4 barely move them (seeds
  // 1-3 gave d 0.686-0.694, g 0.715-0.732). A wrong target, loss or sign moves them far from ln 2.
  assert.ok(Math.abs(dLoss - Math.LN2) < 0.03, `d_loss ${dLoss}, expected about ln 2 = 0.693`);
  assert.ok(Math.abs(gLoss - Math.LN2) < 0.06, `g_loss ${gLoss}, expected about ln 2 = 0.693`);
  assert.ok(fs.statSync(path.join(out, 'image_at_epoch_0001.png')).size > 1000);
  fs.rmSync(out, { recursive: true, force: true });
});
