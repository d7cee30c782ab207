/** Shared helpers for tests that compare the wasm backend with the cpu reference. */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/engine/backend';

let wasmReady: Promise<unknown> | undefined;

/** Activates wasm with our kernels (once per process), quietly. */
export async function useWasm(): Promise<void> {
  if (!wasmReady) wasmReady = initBackend('wasm', { verbose: false, threads: 2 });
  await wasmReady;
  await tf.setBackend('wasm');
}

/**
 * The backend that backend-independent tests run on: GAN_TEST_BACKEND (native or wasm; default
 * wasm). scripts/test.sh runs those tests once on each, so code that works on one backend only
 * is caught. The kernel tests stay wasm against cpu.
 */
export async function useTestBackend(): Promise<void> {
  const wanted = process.env.GAN_TEST_BACKEND ?? 'wasm';
  if (wanted === 'wasm') return useWasm();
  if (!nativeReady) nativeReady = initBackend(wanted, { verbose: false });
  await nativeReady;
  await tf.setBackend('tensorflow');
}
let nativeReady: Promise<unknown> | undefined;

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
}

/** A deterministic pseudo-random generator (mulberry32), so failures are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-1, 1) of the given shape. */
export function randomValues(shape: number[], next: () => number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = next() * 2 - 1;
  return v;
}

/** max |a - b| / max |b|: the error relative to the reference's scale. */
export function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** The code cells of a lesson in notebooks/, as the source text a kernel receives. */
export function notebookCodeCells(notebook: string): string[] {
  const file = path.resolve(__dirname, '..', '..', 'notebooks', notebook);
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Array<{ cell_type: string; source: string | string[] }> };
  return nb.cells.filter((c) => c.cell_type === 'code').map((c) => ([] as string[]).concat(c.source).join(''));
}
