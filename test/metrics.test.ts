/**
 * Sample-quality metrics: the numerics against their definitions (and SciPy from the
 * project's .venv), the committed classifiers against their accuracy targets, and
 * the whole evaluation on real data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { rng, useWasm } from './helpers';
import { projectPython } from '../lib/config';
import { featureStats, frechetDistance } from '../lib/metrics/frechet';
import { kernelInceptionDistance, mmdPolynomial, featureScale } from '../lib/metrics/kid';
import { inceptionScore, modeCoverage, conditionalAccuracy } from '../lib/metrics/scores';
import { loadDomainClassifier, classifierAccuracy, readClassifierInfo } from '../lib/metrics/classifier';
import { loadReference, evaluateGenerator, realBaseline, Reference } from '../lib/metrics/evaluate';
import { balancedSubset, discriminatorFeatures, linearProbeAccuracy } from '../lib/metrics/probe';
import { loadMnist, loadFashionMnist } from '../lib/data/mnist';
import { scaleToUnit } from '../lib/data/scale';
import { getSystem, buildSystem } from '../lib/systems/registry';
import { runTraining } from '../lib/systems/run';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-metrics-test-'));
const repo = path.resolve(__dirname, '..', '..');

/**
 * n rows of dim correlated features: uniform noise (drawn with `seed`) through a fixed random
 * mixing (drawn with `mixSeed`: the same mixSeed is the same distribution), shifted by `shift`.
 */
function randomFeatures(n: number, dim: number, seed: number, shift = 0, mixSeed = 1000): Float32Array {
  const m = rng(mixSeed);
  const mix = Array.from({ length: dim * dim }, () => m() - 0.5);
  const r = rng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const u = Array.from({ length: dim }, () => r() * 2 - 1);
    for (let j = 0; j < dim; j++) {
      let v = u[j];
      for (let k = 0; k < dim; k++) v += mix[j * dim + k] * u[k];
      out[i * dim + j] = v + shift;
    }
  }
  return out;
}

test('Fréchet distance: 0 for a set against itself; |mu1 - mu2|² for equal covariances', () => {
  const dim = 12;
  const a = randomFeatures(400, dim, 1);
  const sa = featureStats(a, dim);
  assert.ok(frechetDistance(sa, sa) < 1e-6, `self distance ${frechetDistance(sa, sa)}`);
  // The same set shifted by 0.5 in every feature: same covariance, mean distance 12 * 0.25 = 3.
  const shifted = featureStats(a.map((v) => v + 0.5), dim);
  assert.ok(Math.abs(frechetDistance(sa, shifted) - 3) < 1e-4, `shifted distance ${frechetDistance(sa, shifted)}`);
  // A different distribution is farther than a second sample of the same one.
  const same = featureStats(randomFeatures(400, dim, 2), dim);
  const other = featureStats(randomFeatures(400, dim, 3).map((v) => v * 2), dim);
  assert.ok(frechetDistance(sa, other) > 5 * frechetDistance(sa, same));
});


test('Fréchet distance equals scipy sqrtm formula to 1e-3 relative', () => {
  const dim = 16;
  const a = randomFeatures(300, dim, 4);
  const b = randomFeatures(250, dim, 5, 0.2).map((v, i) => v * (1 + (i % dim) / 20));
  const file = path.join(tmp, 'features.json');
  fs.writeFileSync(file, JSON.stringify({ a: Array.from(a), b: Array.from(b), dim }));
  const script = [
    'import json, sys, numpy as np, scipy.linalg',
    'd = json.load(open(sys.argv[1])); k = d["dim"]',
    'a = np.array(d["a"], dtype=np.float64).reshape(-1, k); b = np.array(d["b"], dtype=np.float64).reshape(-1, k)',
    'm1, m2 = a.mean(0), b.mean(0); s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)',
    'covmean = scipy.linalg.sqrtm(s1 @ s2).real',
    'print(float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)))',
  ].join('\n');
  const reference = Number(execFileSync(projectPython(), ['-c', script, file], { encoding: 'utf8' }).trim());
  const ours = frechetDistance(featureStats(a, dim), featureStats(b, dim));
  assert.ok(Math.abs(ours - reference) / reference < 1e-3, `ours ${ours}, scipy ${reference}`);
});

test('KID: the unbiased MMD² with the cubic kernel, written out as a double loop', async () => {
  await useWasm();
  const m = 20;
  const d = 5;
  const x = randomFeatures(m, d, 6);
  const y = randomFeatures(m, d, 7, 0.3);
  const k = (p: Float32Array, i: number, q: Float32Array, j: number) => {
    let dot = 0;
    for (let t = 0; t < d; t++) dot += p[i * d + t] * q[j * d + t];
    return (dot / d + 1) ** 3;
  };
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      if (i !== j) {
        xx += k(x, i, x, j);
        yy += k(y, i, y, j);
      }
      xy += k(x, i, y, j);
    }
  }
  const expected = (xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m);
  const got = mmdPolynomial(tf.tensor2d(x, [m, d]), tf.tensor2d(y, [m, d]));
  assert.ok(Math.abs(got - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `got ${got}, expected ${expected}`);
  // Two samples of one distribution: near 0 (unbiased); a shifted one: clearly positive.
  const same = kernelInceptionDistance(randomFeatures(600, d, 8), randomFeatures(600, d, 9), d, { subsets: 10, subsetSize: 300 });
  const shifted = kernelInceptionDistance(randomFeatures(600, d, 8), randomFeatures(600, d, 9, 0.5), d, { subsets: 10, subsetSize: 300 });
  assert.ok(Math.abs(same.mean) < 3 * same.std + 0.01, `same-distribution KID ${same.mean} ± ${same.std}`);
  assert.ok(shifted.mean > 10 * Math.abs(same.mean) && shifted.mean > 0.05, `shifted KID ${shifted.mean}`);
  // Scaling the features by s scales the kernel's dot products: the same as dividing d by s².
  const big = randomFeatures(m, d, 6).map((v) => v * 10);
  const scaled = kernelInceptionDistance(big, y.map((v) => v * 10), d, { subsets: 1, subsetSize: m, scale: 0.1 });
  assert.ok(Math.abs(scaled.mean - expected) < 1e-3 * Math.max(1, Math.abs(expected)), `scaled ${scaled.mean} vs ${expected}`);
  assert.ok(Math.abs(featureScale(new Float32Array([3, -3, 3, -3])) - 1 / 3) < 1e-12);
});

test('Inception Score, mode coverage and conditional accuracy on known probabilities', () => {
  const oneHot = (classes: number[]) => {
    const p = new Float32Array(classes.length * 10);
    classes.forEach((c, i) => (p[i * 10 + c] = 1));
    return p;
  };
  const even = oneHot(Array.from({ length: 1000 }, (_, i) => i % 10));
  assert.ok(Math.abs(inceptionScore(even).mean - 10) < 1e-6, 'confident and even: 10');
  assert.ok(Math.abs(inceptionScore(oneHot(new Array(1000).fill(3))).mean - 1) < 1e-6, 'one class: 1');
  assert.ok(Math.abs(inceptionScore(new Float32Array(10000).fill(0.1)).mean - 1) < 1e-6, 'no confidence: 1');
  const cov = modeCoverage(even);
  assert.deepEqual(cov.histogram, new Array(10).fill(100));
  assert.equal(cov.covered, 10);
  assert.ok(Math.abs(cov.entropy - Math.log(10)) < 1e-9);
  // 995 of class 0 and 5 of class 1: class 1 has 0.5% of samples, under the 1% threshold.
  const collapsed = modeCoverage(oneHot([...new Array(995).fill(0), ...new Array(5).fill(1)]));
  assert.equal(collapsed.covered, 1);
  const acc = conditionalAccuracy(oneHot([0, 1, 2, 2]), [0, 1, 2, 3]);
  assert.equal(acc.overall, 0.75);
  assert.deepEqual(acc.perClass.slice(0, 4), [1, 1, 1, 0]);
});

test('the committed domain classifiers reach their accuracy on the real test sets', async () => {
  await useWasm();
  for (const [domain, load, target] of [['mnist', loadMnist, 0.99], ['fashion-mnist', loadFashionMnist, 0.9]] as const) {
    const model = await loadDomainClassifier(domain);
    const ds = await load();
    const images = scaleToUnit(ds.test.images) as tf.Tensor4D;
    const accuracy = classifierAccuracy(model, images, ds.test.labels.dataSync());
    assert.equal(images.shape[0], 10000);
    assert.ok(accuracy >= target, `${domain}: ${accuracy} < ${target}`);
    assert.ok(Math.abs(accuracy - readClassifierInfo(domain)!.testAccuracy) < 0.002, 'info.json records what the weights do');
    tf.dispose([images, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
    model.dispose();
  }
  await assert.rejects(loadDomainClassifier('mnist', path.join(tmp, 'none')), /npm run train-classifiers -- --domain mnist/);
});

let mnistRef: Reference | undefined;

test('real against real scores near perfect; an untrained generator scores far worse', async () => {
  await useWasm();
  mnistRef = await loadReference('mnist');
  const real = await realBaseline(mnistRef, { samples: 2000, kidSubsets: 10 });
  assert.equal(real.coverage.covered, 10);
  assert.ok(real.inceptionScore.mean > 8, `real IS ${real.inceptionScore.mean}`);
  const g = buildSystem(getSystem('dcgan-mnist')).generator;
  const untrained = evaluateGenerator(g, '0-1', mnistRef, { samples: 2000, kidSubsets: 10 });
  assert.ok(untrained.fid > 10 * real.fid, `untrained FID ${untrained.fid} vs real ${real.fid}`);
  assert.ok(untrained.kid.mean > 10 * Math.abs(real.kid.mean));
  // The same seed draws the same samples: a score repeats exactly.
  assert.equal(evaluateGenerator(g, '0-1', mnistRef, { samples: 600, kidSubsets: 2 }).fid, evaluateGenerator(g, '0-1', mnistRef, { samples: 600, kidSubsets: 2 }).fid);
  assert.equal(untrained.conditionalAccuracy, undefined);
  // A conditional generator is asked for every class evenly and scored on it.
  const cg = buildSystem(getSystem('cgan-mnist')).generator;
  const cond = evaluateGenerator(cg, '-1-1', mnistRef, { samples: 500, kidSubsets: 2 });
  assert.ok(cond.conditionalAccuracy!.overall >= 0 && cond.conditionalAccuracy!.overall <= 1);
  assert.equal(cond.conditionalAccuracy!.perClass.length, 10);
  tf.disposeVariables();
});

test('linear probe: balanced subset, D features, better than chance on real MNIST', async () => {
  await useWasm();
  assert.deepEqual(balancedSubset([1, 0, 1, 0, 2, 1], 2, 3), [1, 3, 0, 2, 4]);
  assert.throws(() => discriminatorFeatures(buildSystem(getSystem('cgan-mnist')).discriminator), /unconditional discriminator/);
  const ds = await loadMnist({ limit: 2000 });
  const train = { images: scaleToUnit(ds.train.images) as tf.Tensor4D, labels: ds.train.labels };
  const test = { images: scaleToUnit(ds.test.images) as tf.Tensor4D, labels: ds.test.labels };
  const d = buildSystem(getSystem('dcgan-mnist')).discriminator;
  const accuracy = await linearProbeAccuracy(d, train, test, { perClass: 50, epochs: 60 });
  // Even random convolutional features separate digits far above chance (10%); the control:
  // the same probe trained on shuffled labels can only reach chance, so a probe that did not
  // use the labels (or mixed up the images' order) would fail one of the two.
  assert.ok(accuracy > 0.5, `probe accuracy ${accuracy}`);
  const shuffled = tf.tidy(() => tf.gather(train.labels, tf.tensor1d(Array.from({ length: train.labels.shape[0] }, (_, i) => (i * 7919) % train.labels.shape[0]), 'int32')));
  const control = await linearProbeAccuracy(d, { images: train.images, labels: shuffled as tf.Tensor1D }, test, { perClass: 50, epochs: 60 });
  assert.ok(control < 0.25, `probe on shuffled labels ${control}: it should be near chance`);
  shuffled.dispose();
  tf.dispose([train.images, test.images, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  tf.disposeVariables();
});

test('metrics in the training loop land in log.csv and metrics.svg; npm run evaluate scores the run', async () => {
  await useWasm();
  const outDir = path.join(tmp, 'run');
  const images = tf.randomUniform([32, 28, 28, 1]) as tf.Tensor4D;
  await runTraining({ model: 'dcgan-mnist', outDir, images, epochs: 2, batchSize: 8, maxStepsPerEpoch: 1, metricsEvery: 1, metricsSamples: 200, keepBest: true, progress: false });
  images.dispose();
  const [header, row1, row2] = fs.readFileSync(path.join(outDir, 'log.csv'), 'utf8').trim().split('\n');
  const cols = header.split(',');
  assert.ok(cols.includes('fid') && cols.includes('kid') && cols.includes('classesCovered'), header);
  const fid = cols.indexOf('fid');
  assert.ok(Number(row1.split(',')[fid]) > 0 && Number(row2.split(',')[fid]) > 0);
  // keepBest: the epoch of the lower of the two scores is in best/.
  const bestEpoch = Number(row1.split(',')[fid]) <= Number(row2.split(',')[fid]) ? 1 : 2;
  assert.equal(JSON.parse(fs.readFileSync(path.join(outDir, 'best', 'checkpoint', 'state.json'), 'utf8')).epoch, bestEpoch);
  assert.match(fs.readFileSync(path.join(outDir, 'metrics.svg'), 'utf8'), /<svg[\s\S]*FID per epoch/);
  execFileSync(process.execPath, [path.join(repo, 'build/lib/cli/evaluate.js'), '--run', outDir, '--samples', '300', '--no-probe'], { cwd: repo, stdio: 'pipe' });
  const metrics = JSON.parse(fs.readFileSync(path.join(outDir, 'metrics.json'), 'utf8'));
  assert.equal(metrics.model, 'dcgan-mnist');
  assert.equal(metrics.epoch, 2);
  assert.equal(metrics.generated.samples, 300);
  assert.ok(metrics.generated.fid > metrics.real.fid);
  const bad = spawnSync(process.execPath, [path.join(repo, 'build/lib/cli/evaluate.js'), '--run', tmp], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /is not a training run folder/);
  tf.disposeVariables();
});
