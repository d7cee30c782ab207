/**
 * Notebook plumbing: one `setup()` call at the top of a lesson, and display helpers that show
 * images, figures, tables and model summaries inline in a tslab notebook. Outside a notebook (a
 * script, a test) the display helpers show nothing and return what they would have shown, so
 * the same code runs everywhere.
 *
 * Figures are shown as PNG, not SVG or HTML with scripts: JupyterLab does not render those
 * from an untrusted notebook, and a student who opens an executed notebook from the gallery
 * opens an untrusted notebook.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { initBackend, BackendInfo, BackendName } from './backend';
import { LessonMode, resolveLessonMode, setLessonMode, checksAreStrict, QUICK_ENV, MODE_ENV } from './config';
import { setGlobalSeed } from './random';
import { Figure, figureSvg } from './visual/plot';
import { PointSet, ScatterOptions, scatterSvg } from './visual/scatter';
import { dataFrameHtml, escapeHtml } from './visual/table';
import { collectedTrainableWeights, countWeights, isCompiled } from './tfjs-internals';

interface TslabDisplay {
  png(bytes: Uint8Array): void;
  gif(bytes: Uint8Array): void;
  html(html: string): void;
  svg(svg: string): void;
  text(text: string): void;
}

interface Tslab {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

/** The tslab module when this code runs inside a tslab kernel, else undefined. */
export function tslabModule(): Tslab | undefined {
  try {
    // tslab sets lastWriteDisplayData once its kernel is executing cells.
    const kernel = require('tslab/dist/jupyter') as { lastWriteDisplayData?: unknown };
    if (kernel.lastWriteDisplayData == null) return undefined;
    return require('tslab') as Tslab;
  } catch {
    return undefined;
  }
}

/** True when running inside a tslab notebook kernel. */
export function inNotebook(): boolean {
  return tslabModule() !== undefined;
}

// ---------------------------------------------------------------------------------------------
// setup()

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

/** The sizes of `mode`: `full`, with the mode's own values over it. */
export function sizesFor<S extends object>(mode: LessonMode, options: Pick<SetupOptions<S>, 'full' | 'class' | 'quick'>): S {
  const over = mode === 'quick' ? options.quick : mode === 'class' ? options.class : undefined;
  return { ...(options.full ?? {}), ...(over ?? {}) } as S;
}

/** The reason for the backend choice, in a few words. */
function shortReason(info: BackendInfo): string {
  if (info.reason.startsWith('GAN_BACKEND=')) return info.reason;
  if (info.reason.startsWith('requested')) return 'requested';
  if (info.name === 'native') return 'native TensorFlow';
  if (info.name === 'wasm') return 'tfjs-node not available';
  return 'wasm failed to load: slow';
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
  const mode = resolveLessonMode(options.mode ?? 'full');
  setLessonMode(mode);
  const backend = await initBackend(options.backend, { verbose: false, threads: options.threads });
  const sizes = sizesFor(mode, options);
  if (options.seed !== undefined) setGlobalSeed(options.seed);
  const strictChecks = checksAreStrict(mode);
  const listed = Object.keys(sizes).length ? `: ${formatSizes(sizes)}` : '';
  const seed = options.seed !== undefined ? ` · seed ${options.seed}` : '';
  const runDir = notebookRunDir(options.run ?? 'scratch', mode);
  const checks = strictChecks ? 'checks strict' : 'checks friendly';
  console.log(`Backend ${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'}; ${shortReason(backend)}) · ${mode} mode (${modeReason(mode, options.mode)})${listed}${seed} · ${checks}${options.run ? ` · runs in ${runDir}` : ''}`);
  return { tf, backend, mode, quick: mode === 'quick', strictChecks, sizes, runDir };
}

// ---------------------------------------------------------------------------------------------
// Raw display

/** Shows PNG bytes inline (no-op outside a notebook). */
export function showPng(bytes: Uint8Array): void {
  tslabModule()?.display.png(bytes);
}

/** Shows GIF bytes inline (no-op outside a notebook). */
export function showGif(bytes: Uint8Array): void {
  tslabModule()?.display.gif(bytes);
}

/** Shows HTML inline (no-op outside a notebook). */
export function showHtml(html: string): void {
  tslabModule()?.display.html(html);
}

/**
 * Shows SVG markup inline (no-op outside a notebook), as an <img> with a data URI: HTML
 * exports (nbconvert's clean_html) strip the elements of inline SVG output, so figures would
 * be empty in the gallery; an image survives in Jupyter, nbconvert and GitHub alike.
 * JupyterLab still shows no HTML output of an untrusted notebook: prefer `showFigure`.
 */
export function showSvg(svg: string): void {
  tslabModule()?.display.html(svgImageHtml(svg));
}

/** An <img> element that shows SVG markup. */
export function svgImageHtml(svg: string, alt = 'figure'): string {
  return `<img alt="${alt}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
}

/** A display that a long task overwrites in place (tslab.newDisplay), or undefined outside a notebook. */
export function newLiveDisplay(): TslabDisplay | undefined {
  return tslabModule()?.newDisplay();
}

// ---------------------------------------------------------------------------------------------
// Images and figures

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Shows a PNG image inline: a file path (e.g. a grid the trainer wrote) or PNG bytes (e.g.
 * `lab.gridPng(images)`). Throws if they are not a PNG.
 *
 * The show* helpers return nothing on purpose: tslab prints the value of a cell's last
 * expression, so a returned value would print under every figure.
 */
export function showImage(fileOrPngBytes: string | Uint8Array): void {
  const bytes = typeof fileOrPngBytes === 'string' ? fs.readFileSync(fileOrPngBytes) : Buffer.from(fileOrPngBytes);
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error(`showImage: ${typeof fileOrPngBytes === 'string' ? fileOrPngBytes : 'the bytes'} is not a PNG image.`);
  }
  showPng(bytes);
}

/** A figure (`lossFigure`, `historyFigure`) rendered to PNG bytes: its SVG rasterised by sharp. */
export async function figurePng(fig: Figure, width = 640, height = 360): Promise<Buffer> {
  return sharp(Buffer.from(figureSvg(fig, width, height), 'utf8')).png().toBuffer();
}

/**
 * Shows a figure of `lib/visual/plot` (loss curves, accuracies) inline as a PNG, which every
 * Jupyter front end shows, trusted or not (`figurePng` gives the bytes).
 */
export async function showFigure(fig: Figure, options: { width?: number; height?: number } = {}): Promise<void> {
  showPng(await figurePng(fig, options.width, options.height));
}

/** A scatter plot of 2-D point sets (`lib/visual/scatter`) as PNG bytes. */
export async function scatterPng(sets: PointSet[], options: ScatterOptions = {}): Promise<Buffer> {
  return sharp(Buffer.from(scatterSvg(sets, options), 'utf8')).png().toBuffer();
}

/** Shows a scatter plot of 2-D point sets inline (the real points and the generator's, say). */
export async function showScatter(sets: PointSet[], options: ScatterOptions = {}): Promise<void> {
  showPng(await scatterPng(sets, options));
}

/**
 * A picture that a training loop redraws in place (one output, updated, instead of a new image
 * per step): `const live = lab.liveImage(); ... live.show(png)`. Outside a notebook it shows
 * nothing.
 */
export function liveImage(): { show(png: Uint8Array): void } {
  const display = newLiveDisplay();
  return { show: (png) => display?.png(png) };
}

// ---------------------------------------------------------------------------------------------
// Tables

/** A danfo DataFrame, or anything with columns and rows of values. */
export type TableLike = { columns: string[]; values: unknown };

/** Rows as objects (one per row) become a table with the union of their keys as columns. */
function rowsTable(rows: Array<Record<string, unknown>>): TableLike {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { columns, values: rows.map((r) => columns.map((c) => (r[c] === undefined ? '' : r[c]))) };
}

/** The HTML table of a danfo DataFrame or of an array of row objects. */
export function tableHtml(table: TableLike | Array<Record<string, unknown>>, caption?: string): string {
  return dataFrameHtml(Array.isArray(table) ? rowsTable(table) : table, caption);
}

/**
 * Shows a table inline as HTML: a danfo DataFrame or an array of row objects
 * (`[{ step: 1, dLoss: 0.69 }, ...]`).
 */
export function showTable(table: TableLike | Array<Record<string, unknown>>, caption?: string): void {
  showHtml(tableHtml(table, caption));
}

// ---------------------------------------------------------------------------------------------
// Model summaries

export interface SummaryRow {
  /** The name shown: Keras-style (`conv2d_1`) for TensorFlow.js's automatic names, else the layer's own. */
  name: string;
  /** The layer's name in TensorFlow.js (`conv2d_Conv2D3`), which getLayer() takes. */
  tfName: string;
  /** Its class (`Conv2D`, `LeakyReLU`, `Sequential` for a nested model). */
  type: string;
  /** Keras-style output shape, e.g. `(None, 14, 14, 64)`. */
  outputShape: string;
  params: number;
}

export interface ModelSummary {
  name: string;
  rows: SummaryRow[];
  totalParams: number;
  /**
   * Parameters that `trainOnBatch` updates: for a compiled model the weights compile()
   * collected (so a discriminator frozen inside a composite model is not counted, even after
   * it was made trainable again for its own updates), else the weights marked trainable.
   */
  trainableParams: number;
  nonTrainableParams: number;
  html: string;
}


/** `[null, 14, 14, 64]` as `(None, 14, 14, 64)`; several outputs are listed. */
function kerasShape(shape: unknown): string {
  if (!Array.isArray(shape)) return String(shape);
  if (shape.length && Array.isArray(shape[0])) return shape.map(kerasShape).join(', ');
  return `(${shape.map((d) => (d == null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** snake_case of a class name as Keras and TensorFlow.js write it (`LeakyReLU` -> `leaky_re_lu`). */
function snake(name: string): string {
  const s = name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return s.startsWith('_') ? s.slice(1) : s;
}

/**
 * The rows of a Keras-style summary of `model`. TensorFlow.js names layers `conv2d_Conv2D3`
 * (a counter per class over the whole session); those automatic names are shown as a fresh
 * Keras session would name the layers of this model alone: `conv2d`, `conv2d_1`, ... Names the
 * code gave its layers are shown as given.
 */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const seen = new Map<string, number>();
  const rows: SummaryRow[] = model.layers.map((layer) => {
    const type = layer.getClassName();
    const prefix = snake(type);
    // Layers: `conv2d_Conv2D3`; nested models: `sequential_2`, `model_1`.
    const auto = new RegExp(`^${prefix}_${type}\\d+$`).test(layer.name) || (layer instanceof tf.LayersModel && /^(sequential|model)_\d+$/.test(layer.name));
    let name = layer.name;
    if (auto) {
      const k = seen.get(prefix) ?? 0;
      seen.set(prefix, k + 1);
      name = k === 0 ? prefix : `${prefix}_${k}`;
    }
    return { name, tfName: layer.name, type, outputShape: kerasShape(layer.outputShape), params: layer.countParams() };
  });
  const totalParams = countWeights(model.weights);
  const collected = collectedTrainableWeights(model);
  const compiled = isCompiled(model);
  const trainableParams = compiled ? countWeights(collected!) : countWeights(model.trainableWeights);
  const nonTrainableParams = totalParams - trainableParams;
  const fmt = (n: number) => n.toLocaleString('en');
  const cell = 'style="text-align:left;padding:2px 12px"';
  const num = 'style="text-align:right;padding:2px 12px"';
  const body = rows.map((r) => `<tr><td ${cell} title="TensorFlow.js name: ${escapeHtml(r.tfName)}">${escapeHtml(r.name)} (${escapeHtml(r.type)})</td><td ${cell}>${escapeHtml(r.outputShape)}</td><td ${num}>${fmt(r.params)}</td></tr>`).join('');
  const foot = [
    ['Total params', totalParams],
    [compiled ? 'Trainable params (updated by trainOnBatch)' : 'Trainable params', trainableParams],
    ['Non-trainable params', nonTrainableParams],
  ].map(([label, n]) => `<tr><th ${cell} colspan="2">${label}</th><td ${num}>${fmt(n as number)}</td></tr>`).join('');
  // TensorFlow.js names models sequential_1, sequential_2...; Keras would say "sequential".
  const modelName = /^(sequential|model)_\d+$/.test(model.name) ? model.name.replace(/_\d+$/, '') : model.name;
  const html = `<table><caption>Model: "${escapeHtml(modelName)}"</caption><thead><tr><th ${cell}>Layer (type)</th><th ${cell}>Output Shape</th><th ${num}>Param #</th></tr></thead><tbody>${body}</tbody><tfoot>${foot}</tfoot></table>`;
  return { name: modelName, rows, totalParams, trainableParams, nonTrainableParams, html };
}

/**
 * Shows a model summary as an HTML table (layer, type, output shape, parameters, totals), in
 * place of TensorFlow.js's 100-character text summary. `summarizeModel` gives the numbers.
 */
export function showSummary(model: tf.LayersModel): void {
  showHtml(summarizeModel(model).html);
}

// ---------------------------------------------------------------------------------------------
// Comparing results

type Comparable = tf.Tensor | tf.Tensor[] | tf.LayersModel | number | number[];

function asTensors(x: Comparable): Array<tf.Tensor | number> {
  if (x instanceof tf.LayersModel) return x.getWeights();
  if (Array.isArray(x)) return x as Array<tf.Tensor | number>;
  return [x];
}

/**
 * The largest absolute difference between two results: tensors, lists of tensors, numbers, or
 * two models (all their weights, in order). Throws if their shapes differ, so a changed layer
 * cannot pass as a small difference. `maxAbsDifference(mine, theLibrarys) < 1e-6`.
 */
export function maxAbsDifference(a: Comparable, b: Comparable): number {
  const xs = asTensors(a);
  const ys = asTensors(b);
  if (xs.length !== ys.length) throw new Error(`maxAbsDifference: ${xs.length} values against ${ys.length}.`);
  let max = 0;
  xs.forEach((x, i) => {
    const y = ys[i];
    const xShape = typeof x === 'number' ? [] : x.shape;
    const yShape = typeof y === 'number' ? [] : y.shape;
    if (xShape.join(',') !== yShape.join(',')) throw new Error(`maxAbsDifference: value ${i} has shape [${xShape}] against [${yShape}].`);
    const xv = typeof x === 'number' ? [x] : x.dataSync();
    const yv = typeof y === 'number' ? [y] : y.dataSync();
    for (let k = 0; k < xv.length; k++) {
      const d = Math.abs(xv[k] - yv[k]);
      if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
    }
  });
  return max;
}
