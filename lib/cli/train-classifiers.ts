#!/usr/bin/env node
/**
 * npm run train-classifiers [-- --domain mnist|fashion-mnist --epochs N]
 *
 * Trains the domain classifiers that the sample-quality metrics use, on the real training
 * sets, reports their test-set accuracy and writes them (TF.js format) to data/classifiers/.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../engine/backend';
import { loadMnist, loadFashionMnist } from '../data/mnist';
import { scaleToUnit } from '../data/scale';
import { setGlobalSeed } from '../random';
import { defineDomainClassifier, compileClassifier, classifierAccuracy, saveDomainClassifier, ClassifierDomain, CLASSIFIER_ROOT } from '../metrics/classifier';
import { FlagsOf, runCli, flags } from './args';
import { setLearningRate } from '../engine/tfjs-internals';

const FLAGS = flags([
  { name: 'domain', type: 'string', help: 'which classifier to train (default: both)', choices: ['mnist', 'fashion-mnist'] },
  { name: 'epochs', type: 'int', help: 'epochs (default: 6 for MNIST, 8 for Fashion-MNIST)', min: 1 },
  { name: 'lr', type: 'number', help: 'Adam learning rate of the first epoch', min: 1e-6, max: 0.1, default: 0.001 },
  { name: 'lr-decay', type: 'number', help: 'learning rate factor per epoch', min: 0.01, max: 1, default: 0.6 },
  { name: 'batch-size', type: 'int', help: 'batch size', min: 8, default: 128 },
  { name: 'limit', type: 'int', help: 'use only the first N training images (trial runs; the result is not saved)', min: 100 },
  { name: 'out', type: 'string', help: 'folder that receives <domain>/model.json', default: CLASSIFIER_ROOT },
  { name: 'seed', type: 'int', help: 'random seed', default: 1 },
]);

async function trainOne(domain: ClassifierDomain, args: FlagsOf<typeof FLAGS>, backend: string): Promise<void> {
  const load = domain === 'mnist' ? loadMnist : loadFashionMnist;
  const limit = args.limit;
  const ds = await load({ limit });
  const x = scaleToUnit(ds.train.images) as tf.Tensor4D;
  const testX = scaleToUnit(ds.test.images) as tf.Tensor4D;
  const epochs = args.epochs ?? (domain === 'mnist' ? 6 : 8);
  const lr = args.lr;
  const decay = args['lr-decay'];
  const batchSize = args['batch-size'];
  setGlobalSeed(args.seed);
  const model = defineDomainClassifier();
  compileClassifier(model, lr);
  const started = Date.now();
  const steps = Math.ceil(x.shape[0] / batchSize);
  console.log(`${domain}: ${x.shape[0]} training images, ${epochs} epochs of ${steps} steps (batch ${batchSize})`);
  const y = ds.train.labels.toFloat();
  await model.fit(x, y, {
    epochs,
    batchSize,
    shuffle: true,
    verbose: 0,
    callbacks: {
      // Exponential decay per epoch: the last epochs settle instead of bouncing around the minimum.
      onEpochBegin: async (epoch) => {
        setLearningRate(model.optimizer, lr * decay ** epoch);
      },
      onBatchEnd: async (batch, logs) => {
        if (process.stdout.isTTY && batch % 20 === 0) process.stdout.write(`\r  step ${batch}/${steps} loss ${logs?.loss.toFixed(4)} acc ${logs?.acc.toFixed(4)}   `);
      },
      onEpochEnd: async (epoch, logs) => {
        const acc = classifierAccuracy(model, testX, ds.test.labels.dataSync());
        console.log(`${process.stdout.isTTY ? '\r' : ''}  epoch ${epoch + 1}/${epochs}: loss ${logs?.loss.toFixed(4)} train acc ${logs?.acc.toFixed(4)} test acc ${acc.toFixed(4)} (${((Date.now() - started) / 1000).toFixed(0)} s)        `);
      },
    },
  });
  const testAccuracy = classifierAccuracy(model, testX, ds.test.labels.dataSync());
  const trainSeconds = (Date.now() - started) / 1000;
  console.log(`${domain}: test accuracy ${(100 * testAccuracy).toFixed(2)}% on ${testX.shape[0]} test images, ${trainSeconds.toFixed(0)} s`);
  if (limit === undefined) {
    await saveDomainClassifier(model, { domain, epochs, batchSize, learningRate: lr, lrDecay: decay, testAccuracy, trainSeconds, backend, trainedAt: new Date().toISOString() }, args.out);
    console.log(`Wrote ${args.out}/${domain}/`);
  } else {
    console.log('(--limit: trial run, not saved)');
  }
  tf.dispose([x, y, testX, ds.train.images, ds.train.labels, ds.test.images, ds.test.labels]);
  model.dispose();
}

async function main(args: FlagsOf<typeof FLAGS>): Promise<void> {
  await initBackend();
  const domains: ClassifierDomain[] = args.domain ? [args.domain] : ['mnist', 'fashion-mnist'];
  for (const d of domains) await trainOne(d, args, tf.getBackend());
}

runCli('npm run train-classifiers --', FLAGS, main);
