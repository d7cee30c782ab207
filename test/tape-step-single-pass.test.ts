/**
 * Tutorial 003's step with ONE forward pass (lib/training/tape-step.ts over
 * lib/engine/two-losses.ts): the gradients of the step that ran a forward pass per loss (kept
 * here as the reference), BatchNormalization's moving statistics moved once per forward pass of
 * the tutorial, no tensor left behind, and the real dcgan-64 system still training.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { relativeError, rng, randomValues, useCpu, useTestBackend } from './helpers';
import { GanModels, generateLatentPoints } from '../lib/models/gan';
import { StepOptions } from '../lib/training/step';
import { tapeStep } from '../lib/training/tape-step';
import { gradientsOfLosses } from '../lib/engine/two-losses';
import { trainableVariables } from '../lib/engine/tfjs-internals';
import { setGlobalSeed } from '../lib/random';
import { buildSystem, getSystem } from '../lib/systems/registry';
import { configureSystem } from '../lib/systems/configure';

const LATENT = 3;

function bce(target: number, p: tf.Tensor): tf.Scalar {
  return tf.losses.logLoss(tf.fill(p.shape, target), p, undefined, 1e-7) as tf.Scalar;
}

/** The step as it was before the single pass: one `tf.variableGrads` (so one forward pass) per loss. */
async function twoPassTapeStep(models: GanModels, real: tf.Tensor4D, options: StepOptions = {}) {
  const n = options.generatorBatch ?? real.shape[0];
  const gVars = trainableVariables(models.generator);
  const dVars = trainableVariables(models.discriminator);
  const z = generateLatentPoints(models.latentDim, n);
  const realTarget = options.realLabel ?? 1;
  let realP = 0;
  let fakeP = 0;
  const fakeForD = tf.tidy(() => models.generator.apply(z, { training: true }) as tf.Tensor);
  const d = tf.variableGrads(() => {
    const onReal = models.discriminator.apply(real, { training: true }) as tf.Tensor;
    const onFake = models.discriminator.apply(fakeForD, { training: true }) as tf.Tensor;
    realP = onReal.mean().dataSync()[0];
    fakeP = onFake.mean().dataSync()[0];
    return bce(realTarget, onReal).add(bce(0, onFake)) as tf.Scalar;
  }, dVars);
  const g = tf.variableGrads(() => {
    const fake = models.generator.apply(z, { training: true }) as tf.Tensor;
    return bce(1, models.discriminator.apply(fake, { training: true }) as tf.Tensor);
  }, gVars);
  models.discriminator.optimizer.applyGradients(d.grads);
  models.gan.optimizer.applyGradients(g.grads);
  const losses = { dLoss: d.value.dataSync()[0], gLoss: g.value.dataSync()[0], realP, fakeP };
  tf.dispose([z, fakeForD, d.value, g.value, ...Object.values(d.grads), ...Object.values(g.grads)]);
  return losses;
}

const layer = (l: tf.layers.Layer, x: tf.SymbolicTensor) => l.apply(x) as tf.SymbolicTensor;

/** A tiny generator (3 -> 8x8x1) and discriminator, with BatchNormalization after each hidden layer or without. */
function tinyNetworks(batchNorm: boolean): { generator: tf.LayersModel; discriminator: tf.LayersModel } {
  const norm = (x: tf.SymbolicTensor) => (batchNorm ? layer(tf.layers.batchNormalization({ momentum: 0.5 }), x) : x);
  const z = tf.input({ shape: [LATENT] });
  let g = norm(layer(tf.layers.dense({ units: 2 * 2 * 4 }), z));
  g = layer(tf.layers.reshape({ targetShape: [2, 2, 4] }), layer(tf.layers.leakyReLU({ alpha: 0.3 }), g));
  g = layer(tf.layers.leakyReLU({ alpha: 0.3 }), norm(layer(tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), g)));
  g = layer(tf.layers.conv2dTranspose({ filters: 1, kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }), g);
  const image = tf.input({ shape: [8, 8, 1] });
  let d = layer(tf.layers.leakyReLU({ alpha: 0.3 }), layer(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), image));
  d = layer(tf.layers.leakyReLU({ alpha: 0.3 }), norm(layer(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), d)));
  d = layer(tf.layers.dense({ units: 1, activation: 'sigmoid' }), layer(tf.layers.flatten(), d));
  return { generator: tf.model({ inputs: z, outputs: g }), discriminator: tf.model({ inputs: image, outputs: d }) };
}

/** GanModels around two networks, each optimizer an SGD (its update is the gradient, scaled). */
function assemble(generator: tf.LayersModel, discriminator: tf.LayersModel): GanModels {
  discriminator.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy' });
  const gan = tf.sequential({ layers: [generator, discriminator] });
  discriminator.trainable = false;
  gan.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy' });
  discriminator.trainable = true;
  return { generator, discriminator, gan, latentDim: LATENT };
}

/** `count` GANs with the same weights (BatchNormalization's moving statistics included). */
function sameWeightGans(batchNorm: boolean, count: number): GanModels[] {
  const first = tinyNetworks(batchNorm);
  return Array.from({ length: count }, (_, i) => {
    const nets = i === 0 ? first : tinyNetworks(batchNorm);
    nets.generator.setWeights(first.generator.getWeights());
    nets.discriminator.setWeights(first.discriminator.getWeights());
    return assemble(nets.generator, nets.discriminator);
  });
}

/** Records (copies of) the gradients an optimizer is given, in the order of `model`'s trainable variables. */
function recordGradients(optimizer: tf.Optimizer, model: tf.LayersModel): Float32Array[][] {
  const seen: Float32Array[][] = [];
  const apply = optimizer.applyGradients.bind(optimizer);
  optimizer.applyGradients = (grads) => {
    const byName = grads as tf.NamedTensorMap;
    seen.push(trainableVariables(model).map((v) => byName[v.name].dataSync() as Float32Array));
    apply(grads);
  };
  return seen;
}

const realBatch = (n: number, seed: number) => tf.tensor4d(randomValues([n, 8, 8, 1], rng(seed)), [n, 8, 8, 1]);
const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => w.dataSync() as Float32Array);

function assertClose(actual: ArrayLike<number>[], reference: ArrayLike<number>[], what: string, tolerance = 1e-5): void {
  assert.equal(actual.length, reference.length, `${what}: count`);
  reference.forEach((r, i) => {
    const err = relativeError(actual[i], r);
    assert.ok(err <= tolerance, `${what} ${i}: relative error ${err}`);
  });
}

test('without dropout or BatchNormalization, the single pass gives the two-pass step\'s gradients, losses and weights', async () => {
  await useCpu();
  const [single, reference] = sameWeightGans(false, 2);
  const recorded = [single, reference].map((m) => ({ d: recordGradients(m.discriminator.optimizer, m.discriminator), g: recordGradients(m.gan.optimizer, m.generator) }));
  const real = realBatch(4, 1);
  const stepOptions: StepOptions[] = [{}, { realLabel: 0.9 }, { generatorBatch: 6 }];
  for (const [k, options] of stepOptions.entries()) {
    setGlobalSeed(100 + k);
    const got = await tapeStep(single, real, options);
    setGlobalSeed(100 + k);
    const want = await twoPassTapeStep(reference, real, options);
    for (const key of ['dLoss', 'gLoss', 'realP', 'fakeP'] as const) {
      assert.ok(Math.abs(got[key] - want[key]) <= 1e-5 * Math.abs(want[key]), `step ${k} ${key}: ${got[key]} vs ${want[key]}`);
    }
    assertClose(recorded[0].d[k], recorded[1].d[k], `step ${k}: D gradient`);
    assertClose(recorded[0].g[k], recorded[1].g[k], `step ${k}: G gradient`);
  }
  assertClose(weightsOf(single.generator), weightsOf(reference.generator), 'G weight after 3 steps');
  assertClose(weightsOf(single.discriminator), weightsOf(reference.discriminator), 'D weight after 3 steps');
  real.dispose();
});

/** BatchNormalization's moving means and variances of a model. */
const movingStatistics = (model: tf.LayersModel) => model.nonTrainableWeights.map((w) => w.read().dataSync() as Float32Array);

test('BatchNormalization\'s moving statistics move as by ONE training-mode forward pass of G, D on real, D on fake', async () => {
  await useCpu();
  const [single, reference, twoPass] = sameWeightGans(true, 3);
  const real = realBatch(4, 2);
  setGlobalSeed(7);
  await tapeStep(single, real);
  // The reference: the tutorial's forward pass, once, in its order.
  setGlobalSeed(7);
  tf.tidy(() => {
    const generated = reference.generator.apply(generateLatentPoints(LATENT, 4), { training: true }) as tf.Tensor;
    reference.discriminator.apply(real, { training: true });
    reference.discriminator.apply(generated, { training: true });
  });
  setGlobalSeed(7);
  await twoPassTapeStep(twoPass, real);
  for (const [net, layers] of [['generator', 2], ['discriminator', 1]] as const) {
    const stats = movingStatistics(single[net]);
    assert.equal(stats.length, 2 * layers, `${net}: a mean and a variance per BatchNormalization layer`);
    assertClose(stats, movingStatistics(reference[net]), `${net} moving statistic`, 1e-6);
    // The two-pass step ran G twice and D on the fakes twice: its statistics moved further.
    const further = movingStatistics(twoPass[net]).map((s, i) => relativeError(s, movingStatistics(reference[net])[i]));
    assert.ok(further.some((e) => e > 1e-3), `${net}: the two-pass step should have moved its statistics more (${further.join(', ')})`);
  }
  real.dispose();
});

test('no tensor is left behind: as many after the 10th step as after the 3rd, and the tape is released', async () => {
  await useCpu();
  const [models] = sameWeightGans(true, 1);
  const real = realBatch(4, 3);
  let afterThird = 0;
  for (let step = 1; step <= 10; step++) {
    await tapeStep(models, real, { generatorBatch: 5 });
    if (step === 3) afterThird = tf.memory().numTensors;
  }
  assert.equal(tf.memory().numTensors, afterThird);
  assert.equal((tf.engine() as unknown as { state: { activeTape: unknown } }).state.activeTape, null);
  real.dispose();
});

test('gradientsOfLosses: each loss for its own variables, as tf.variableGrads; shared nodes and identities; errors', async () => {
  await useCpu();
  const x = tf.tensor1d([0.5, -1, 2]);
  const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'twoLossesW');
  const v = tf.variable(tf.tensor1d([-1, 0.5, 1]), true, 'twoLossesV');
  // h is shared by both losses; `clone` (an identity, whose gradient is its dy) sits on both paths.
  const forward = () => {
    const h = x.mul(w).tanh().clone();
    return { a: h.mul(v).sum() as tf.Scalar, b: h.square().sum().mul(v.sum()) as tf.Scalar };
  };
  const before = tf.memory().numTensors;
  const { values, grads } = gradientsOfLosses(forward, { a: [w], b: [w, v] });
  const refA = tf.variableGrads(() => forward().a, [w]);
  const refB = tf.variableGrads(() => forward().b, [w, v]);
  assertClose([values.a.dataSync(), values.b.dataSync()], [refA.value.dataSync(), refB.value.dataSync()], 'loss');
  assert.deepEqual(Object.keys(grads.a), ['twoLossesW']);
  assertClose([grads.a.twoLossesW.dataSync()], [refA.grads.twoLossesW.dataSync()], 'dA/dw');
  assertClose([grads.b.twoLossesW.dataSync(), grads.b.twoLossesV.dataSync()], [refB.grads.twoLossesW.dataSync(), refB.grads.twoLossesV.dataSync()], 'dB/d(w, v)');
  tf.dispose([values, grads, refA.value, refA.grads, refB.value, refB.grads]);
  assert.equal(tf.memory().numTensors, before, 'everything returned was disposed: nothing else is left');
  assert.throws(() => gradientsOfLosses(() => ({ a: x.sum() as tf.Scalar }), { a: [w] }), /the loss does not depend on any of its 1 variables/);
  assert.throws(() => gradientsOfLosses(() => ({ a: x.mul(w) }), { a: [w] }), /must return the loss "a" as a scalar/);
  assert.throws(() => tf.grad((t: tf.Tensor) => gradientsOfLosses(() => ({ a: t.mul(w).sum() as tf.Scalar }), { a: [w] }).values.a)(x), /cannot run inside another gradient computation/);
  assert.equal(tf.memory().numTensors, before, 'a failed call leaves nothing behind');
  tf.dispose([x, w, v]);
});

test('the dcgan-64 system (16x16 networks) still trains with the single-pass step: finite losses, both networks move', async () => {
  await useTestBackend();
  const system = configureSystem(getSystem('dcgan-64'), { imageSize: 16, latentDim: 8 });
  assert.equal(system.step, tapeStep);
  const models = buildSystem(system);
  const real = tf.randomUniform([4, 16, 16, 1], -1, 1) as tf.Tensor4D;
  const before = [models.generator, models.discriminator].map((m) => m.getWeights().map((w) => w.clone()));
  for (let step = 0; step < 2; step++) {
    const losses = await system.step(models, real, {});
    for (const [name, value] of Object.entries(losses)) assert.ok(Number.isFinite(value), `step ${step}: ${name} = ${value}`);
    assert.ok(losses.realP! > 0 && losses.realP! < 1 && losses.fakeP! > 0 && losses.fakeP! < 1);
  }
  [models.generator, models.discriminator].forEach((m, k) => {
    assert.ok(m.getWeights().some((w, i) => tf.notEqual(w, before[k][i]).any().dataSync()[0] === 1), `${m.name} did not move`);
  });
  tf.dispose([real, ...before.flat()]);
  tf.disposeVariables();
});
