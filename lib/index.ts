/**
 * gan-lab: learn, run and teach GANs in TypeScript. The notebooks import everything from here.
 */
export * from './backend';
export * from './config';
export * from './io';
export * from './notebook';
export * from './data/idx';
export * from './data/mnist';
export * from './data/download';
export * from './data/cifar10';
export * from './data/images';
export * from './data/scale';
export * from './data/pipeline';
export * from './data/tfrecord';
export * from './visual/grid';
export * as dcganMnist from './models/dcgan-mnist';
export * as tf from '@tensorflow/tfjs';
export * from './visual/table';
export * as dcganFashion from './models/dcgan-fashion';
export * from './models/composite';
export * from './models/registry';
export * from './models/files';
export * from './random';
export * from './training/samples';
export * from './training/step';
export * from './training/loop';
export * from './training/callbacks';
export * from './training/checkpoint';
export * from './training/summarize';
export * from './training/run';
export * from './visual/gif';
export * from './visual/plot';
export * from './training/generate';
export * as conditionalModels from './models/conditional';
export * from './latent';
export * from './training/tape-step';
export * from './training/schedule';
export * as bigModels from './models/dcgan-big';
