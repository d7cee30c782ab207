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
