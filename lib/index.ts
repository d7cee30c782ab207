/**
 * gan-lab: learn, run and teach GANs in TypeScript. The notebooks import everything from here
 * as `lab`. Flat: what every lesson uses. Below it, one namespace per concern, so that
 * `lab.` completion reads as a table of contents.
 */

// What the lessons use: set-up, display helpers, the backend and seeds (quickOr for scripts).
export * as tf from '@tensorflow/tfjs';
export { setup, notebookRunDir } from './lessons/setup';
export { showPng, showGif, showHtml, showSvg, showImage, liveImage, inNotebook } from './display';
export { showFigure, showTable, showSummary, showScatter } from './lessons/show';
export { scatterPng } from './visual/scatter';
export { maxAbsDifference } from './lessons/difference';
export { quickOr, isQuickMode, lessonMode } from './config';
export { setGlobalSeed } from './random';
export { initBackend } from './engine/backend';
export { getSystem, buildSystem } from './systems/registry';
export { runTraining } from './systems/run';
export { loadPretrained } from './systems/pretrained-run';
export { generateLatentPoints, runGenerator } from './models/gan';
export { trainStep } from './training/step';
export { tapeStep } from './training/tape-step';
export { gridPng } from './visual/grid';

// By concern, bottom layer first.
export * as backend from './engine/backend';
export * as config from './config';
export * as io from './io';
export * as pixels from './pixels';
export * as random from './random';
export * as data from './data';
export * as visual from './visual';
export * as models from './models';
export * as training from './training';
export * as metrics from './metrics';
export * as systems from './systems';
export * as check from './lessons/check';
