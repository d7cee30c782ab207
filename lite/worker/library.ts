/**
 * What the browser kernel's worker holds: one TensorFlow.js (the lessons' `tf` and the
 * library's are the same object), the library as the lessons import it ('gan-lab'), the cell
 * transform, and the file system the library writes to. Built for the browser by
 * scripts/build-lite.mjs, with Node's modules replaced by lite/worker/shims/.
 */
import * as tf from '@tensorflow/tfjs';
// Registers tfjs's WebGPU backend, the first choice of lab.setup where the browser has WebGPU.
import '@tensorflow/tfjs-backend-webgpu';
import { Buffer } from 'buffer';
import * as lab from '../../lib/index';
import * as fs from './shims/fs';
import * as path from 'path-browserify';
import * as mlMatrix from 'ml-matrix';
import assert from './shims/assert';
import { browserProcess } from './shims/process';
import { CellRunner, ModuleRegistry } from './transform';
import { DISPLAY_GLOBAL } from '../../lib/display';
import { BROWSER_KERNEL_GLOBAL } from '../../lib/lessons/setup';
import { RASTER_GLOBAL } from './shims/sharp';

// Registered at tfjs's top priority, WebGPU would be what a cell gets before lab.setup chose
// (a cell that loads data first); its start is asynchronous, so the cell's first synchronous op
// would fail, and where the browser has no WebGPU its failed start is printed in red. lab.setup
// asks for it by name (lib/engine/backend.ts), so it is registered again at the lowest priority.
const webgpu = tf.findBackendFactory('webgpu');
if (webgpu) {
  tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', webgpu, 0);
}

export { tf, lab, fs, browserProcess, CellRunner, DISPLAY_GLOBAL, RASTER_GLOBAL };

/** The Node globals a lesson's own cells use (`process.env`, `Buffer`), on the worker's global scope. */
export function installGlobals(): void {
  const g = globalThis as Record<string, unknown>;
  g[BROWSER_KERNEL_GLOBAL] = true;
  g.process ??= browserProcess;
  g.Buffer ??= Buffer;
}

/** The modules a cell may import, by the names the lessons use. */
export function lessonRegistry(extra: Record<string, unknown> = {}): ModuleRegistry {
  const modules: Record<string, unknown> = {
    '@tensorflow/tfjs': tf,
    'gan-lab': lab,
    fs,
    'node:fs': fs,
    path,
    'node:path': path,
    assert,
    'assert/strict': assert,
    'node:assert': assert,
    'node:assert/strict': assert,
    'ml-matrix': mlMatrix,
    ...extra,
  };
  return {
    load(specifier) {
      if (specifier in modules) return modules[specifier];
      throw new Error(`Cannot import "${specifier}" in the browser kernel: it has ${Object.keys(modules).join(', ')}.`);
    },
  };
}
