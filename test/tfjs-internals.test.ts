/**
 * The tfjs internals that lib/tfjs-internals.ts reads and writes, each checked on a real model:
 * a tfjs upgrade that renames or moves one fails here, by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { learningRateOf, setLearningRate, collectedTrainableWeights, isCompiled, compiledLoss, trainableVariables, countWeights, latentSizeOf, kernelProfiler, metricsForOutput } from '../lib/engine/tfjs-internals';
import { useTestBackend } from './helpers';

function tinyGan() {
  const g = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] });
  const d = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], activation: 'sigmoid' })] });
  d.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  const gan = tf.sequential({ layers: [g, d] });
  d.trainable = false;
  gan.compile({ optimizer: tf.train.adam(0.02), loss: 'binaryCrossentropy' });
  d.trainable = true;
  return { g, d, gan };
}

test('the learning rate is read and set in place, and the next update uses it', async () => {
  await useTestBackend();
  const opt = tf.train.adam(0.001);
  assert.equal(learningRateOf(opt), 0.001);
  setLearningRate(opt, 0.5);
  assert.equal(learningRateOf(opt), 0.5);
  const v = tf.variable(tf.scalar(1));
  opt.minimize(() => v.mul(2).asScalar());   // Adam's first step moves v by about lr
  assert.ok(Math.abs(v.dataSync()[0] - 0.5) < 1e-3, `Adam: v = ${v.dataSync()[0]}`);
  const sgd = tf.train.sgd(0.1);
  setLearningRate(sgd, 0.25);
  assert.equal(learningRateOf(sgd), 0.25);
  const w = tf.variable(tf.scalar(1));
  sgd.minimize(() => w.mul(2).asScalar());   // gradient 2: one step moves w by lr * 2
  assert.ok(Math.abs(w.dataSync()[0] - 0.5) < 1e-6, `SGD: w = ${w.dataSync()[0]}`);
  w.dispose();
  opt.dispose();
  sgd.dispose();
  v.dispose();
});

test("collected trainable weights leave the frozen discriminator out and ignore later flag changes; compiled loss and state", async () => {
  await useTestBackend();
  const { g, d, gan } = tinyGan();
  assert.equal(countWeights(collectedTrainableWeights(gan)!), g.countParams());
  assert.equal(countWeights(gan.trainableWeights), g.countParams() + d.countParams(), 'trainableWeights follows the live flag');
  assert.equal(countWeights(collectedTrainableWeights(d)!), d.countParams());
  assert.equal(collectedTrainableWeights(g), undefined);
  assert.equal(isCompiled(gan), true);
  assert.equal(isCompiled(g), false);
  assert.equal(compiledLoss(d), 'binaryCrossentropy');
  assert.equal(compiledLoss(gan), 'binaryCrossentropy');
  gan.dispose();
});

test('trainable variables are the tf.Variables the optimizer updates; the latent size comes from the first input', async () => {
  await useTestBackend();
  const { g, d } = tinyGan();
  const vars = trainableVariables(g);
  assert.equal(vars.length, 2);
  assert.ok(vars.every((v) => v instanceof tf.Variable));
  const grads = tf.variableGrads(() => (g.apply(tf.ones([2, 3])) as tf.Tensor).sum().asScalar(), vars);
  assert.deepEqual(Object.keys(grads.grads).sort(), vars.map((v) => v.name).sort());
  assert.equal(latentSizeOf(g), 3);
  const noise = tf.input({ shape: [7] });
  const label = tf.input({ shape: [1] });
  const conditional = tf.model({ inputs: [noise, label], outputs: tf.layers.concatenate().apply([noise, label]) as tf.SymbolicTensor });
  assert.equal(latentSizeOf(conditional), 7, 'a conditional generator: the noise input comes first');
  tf.dispose(Object.values(grads.grads));
  g.dispose();
  d.dispose();
});

test("tfjs's kernel profiler is where the bench's profile expects it", async () => {
  await useTestBackend();
  const profiler = kernelProfiler();
  assert.equal(typeof profiler.profileKernel, 'function');
});

test('metric functions for one output of a two-output model are computed for that output only', async () => {
  await useTestBackend();
  const input = tf.input({ shape: [2] });
  const real = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'real' }).apply(input) as tf.SymbolicTensor;
  const klass = tf.layers.dense({ units: 3, activation: 'softmax', name: 'klass' }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [real, klass] });
  function meanPrediction(_: tf.Tensor, yPred: tf.Tensor): tf.Tensor { return yPred.mean(); }
  model.compile({ optimizer: 'sgd', loss: ['binaryCrossentropy', 'sparseCategoricalCrossentropy'], metrics: metricsForOutput(model.outputNames[0], [meanPrediction]) });
  const out = (await model.trainOnBatch(tf.ones([4, 2]), [tf.ones([4, 1]), tf.zeros([4, 1])])) as number[];
  assert.ok(model.metricsNames.some((m) => m.includes('meanPrediction')), model.metricsNames.join(', '));
  assert.equal(out.length, model.metricsNames.length);
  assert.equal(model.metricsNames.filter((m) => m.includes('meanPrediction')).length, 1, 'only on the first output');
  model.dispose();
});
