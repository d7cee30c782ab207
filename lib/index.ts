/**
 * gan-lab: learn, run and teach GANs in TypeScript. The notebooks import everything from here
 * as `lab`. Flat: what every lesson uses. Below it, one namespace per concern, so that
 * `lab.` completion reads as a table of contents.
 */

// What every lesson uses.
export * as tf from '@tensorflow/tfjs';
export { setup, showPng, showGif, showHtml, showSvg, showImage, showFigure, showTable, showSummary, showScatter, scatterPng, liveImage, maxAbsDifference } from './notebook';
export { quickOr, isQuickMode, lessonMode } from './config';
export { setGlobalSeed } from './random';
export { initBackend } from './backend';
export { getSystem, buildSystem } from './systems/registry';
export { runTraining } from './systems/run';
export { loadPretrained } from './systems/pretrained-run';
export { generateLatentPoints, runGenerator } from './models/gan';
export { trainStep } from './training/step';
export { tapeStep } from './training/tape-step';
export { gridPng } from './visual/grid';

// By concern, bottom layer first.
export * as backend from './backend';
export * as config from './config';
export * as files from './io';
export * as random from './random';
export * as data from './data';
export * as visual from './visual';
export * as models from './models';
export * as training from './training';
export * as metrics from './metrics';
export * as systems from './systems';
export * as notebook from './notebook';
export * as check from './lessons/check';
