/**
 * One `setup()` call at the top of a lesson: the backend, the lesson's mode ('quick', 'class',
 * 'full') and its sizes, the seed, how strict the checks are, and the run folder, all said in
 * one line.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend, describeWorkers, BackendInfo, BackendName } from '../engine/backend';
import { LessonMode, resolveLessonMode, setLessonMode, checksAreStrict, sizesOverride, QUICK_ENV, MODE_ENV, SIZES_ENV } from '../config';
import { setGlobalSeed } from '../random';

export interface SetupOptions<S extends object> {
  /**
   * The lesson's size: 'quick' (a few steps, as CI runs it), 'class' (fits a classroom lesson)
   * or 'full' (the tutorial's own size). GAN_QUICK=1 and GAN_MODE still win over it.
   */
  mode?: LessonMode;
  /** The sizes of a full run (epochs, steps, batch...), kept in one place at the top of a notebook. */
  full?: S;
  /** What class mode changes in `full`. */
  class?: Partial<S>;
  /** What quick mode (GAN_QUICK=1, as CI runs the notebooks) changes in `full`. */
  quick?: Partial<S>;
  /** Seeds Math.random, and with it every unseeded TensorFlow.js random op (repeatable runs). */
  seed?: number;
  /** Force a backend (the GAN_BACKEND variable still wins); default: the fastest that loads. */
  backend?: BackendName | string;
  /** Worker threads for wasm (default: every core). */
  threads?: number;
  /**
   * Name of the notebook's run folder: `runDir` is `../runs/notebook-<run>-<mode>`, so that a
   * quick or class run never resumes (or spoils) a full one.
   */
  run?: string;
  /**
   * Why this lesson cannot run in the browser kernel (JupyterLite), in one sentence: there,
   * `setup` stops the lesson at its first cell with this, instead of it failing halfway.
   */
  needsNode?: string;
}

/** Set by the browser kernel (lite/worker) on its global scope. */
export const BROWSER_KERNEL_GLOBAL = '__ganLabBrowserKernel';

/** True inside the JupyterLite kernel. */
export function inBrowserKernel(): boolean {
  return (globalThis as Record<string, unknown>)[BROWSER_KERNEL_GLOBAL] === true;
}

export interface NotebookSetup<S extends object> {
  /** TensorFlow.js, the same module the library uses. */
  tf: typeof tf;
  /** The backend that was chosen, and why. */
  backend: BackendInfo;
  /** The mode this lesson runs in. */
  mode: LessonMode;
  /** True in quick mode. */
  quick: boolean;
  /** True when lesson checks throw on a difference (quick mode, CI) rather than print a note. */
  strictChecks: boolean;
  /** `full`, with the mode's values over it. */
  sizes: S;
  /** The run folder named by `run` (`../runs/notebook-scratch-<mode>` without it). */
  runDir: string;
}

/** The run folder of a notebook's run called `name` in `mode`, beside the notebooks. */
export function notebookRunDir(name: string, mode: LessonMode = resolveLessonMode()): string {
  return `../runs/notebook-${name}-${mode}`;
}

/** What `mode` changes in `full` (for full itself: all of `full`, so that GAN_SIZES=full restores its values). */
function overlayOf<S extends object>(mode: LessonMode, options: Pick<SetupOptions<S>, 'full' | 'class' | 'quick'>): Partial<S> {
  return (mode === 'quick' ? options.quick : mode === 'class' ? options.class : options.full) ?? {};
}

/**
 * The sizes of `mode`: `full`, with the mode's own values over it; with `sizesOf` (GAN_SIZES),
 * that mode's values (class mode's learning rate stays, quick's steps win) or the given sizes
 * over those in turn.
 */
export function sizesFor<S extends object>(mode: LessonMode, options: Pick<SetupOptions<S>, 'full' | 'class' | 'quick'>, sizesOf?: LessonMode | Record<string, unknown>): S {
  const over = typeof sizesOf === 'string' ? overlayOf(sizesOf, options) : (sizesOf ?? {});
  return { ...(options.full ?? {}), ...overlayOf(mode, options), ...over } as S;
}

/** `{a: 1, b: 2}` as `a=1, b=2`. */
function formatSizes(sizes: object): string {
  return Object.entries(sizes).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${typeof v === 'number' && Number.isInteger(v) ? v.toLocaleString('en') : String(v)}`).join(', ');
}

/** Why the lesson runs in `mode`, in a few words. */
function modeReason(mode: LessonMode, requested?: LessonMode): string {
  const quickEnv = process.env[QUICK_ENV];
  if (mode === 'quick' && quickEnv && quickEnv !== '0' && quickEnv.toLowerCase() !== 'false') return `${QUICK_ENV}=${quickEnv}`;
  if (process.env[MODE_ENV]) return `${MODE_ENV}=${process.env[MODE_ENV]}`;
  return requested ? 'set in this cell' : 'the default';
}

/**
 * The one call at the top of a notebook: initialises the TensorFlow.js backend (`initBackend`),
 * seeds the random generators if asked, picks the sizes of this run (quick, class or full mode),
 * and prints one line saying which backend, which mode and which sizes.
 *
 *     const { tf, sizes, runDir } = await lab.setup({ mode: 'class', seed: 1, run: 'dcgan-mnist',
 *       full: { steps: 234 }, class: { steps: 60 }, quick: { steps: 4 } });
 */
export async function setup<S extends object = Record<string, never>>(options: SetupOptions<S> = {}): Promise<NotebookSetup<S>> {
  if (options.needsNode && inBrowserKernel()) {
    throw new Error(`This lesson needs Node, not the browser: ${options.needsNode} Open it under tslab (npm run lab, or your course's JupyterHub).`);
  }
  const mode = resolveLessonMode(options.mode ?? 'full');
  setLessonMode(mode);
  const backend = await initBackend(options.backend, { verbose: false, threads: options.threads });
  const sizesOf = sizesOverride();
  const sizes = sizesFor(mode, options, sizesOf);
  if (options.seed !== undefined) setGlobalSeed(options.seed);
  const strictChecks = checksAreStrict(mode);
  const listed = Object.keys(sizes).length ? `: ${formatSizes(sizes)}` : '';
  const seed = options.seed !== undefined ? ` · seed ${options.seed}` : '';
  const runDir = notebookRunDir(options.run ?? 'scratch', mode);
  const checks = strictChecks ? 'checks strict' : 'checks friendly';
  console.log(`Backend ${backend.name} (${describeWorkers(backend)}; ${backend.brief}) · ${mode} mode (${modeReason(mode, options.mode)})${sizesOf === undefined ? '' : typeof sizesOf === 'string' ? ` with ${sizesOf} mode's sizes (${SIZES_ENV}=${sizesOf})` : ` with ${SIZES_ENV}=${JSON.stringify(sizesOf)}`}${listed}${seed} · ${checks}${options.run ? ` · runs in ${runDir}` : ''}`);
  return { tf, backend, mode, quick: mode === 'quick', strictChecks, sizes, runDir };
}
