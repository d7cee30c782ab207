/**
 * Checkpoints: both networks (TensorFlow.js format), both optimizers' state, the history and
 * the random generator's state, in `<run>/checkpoint/`, written atomically so an interrupted
 * save leaves the previous checkpoint intact. Resuming rebuilds the GAN from them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import * as tf from '@tensorflow/tfjs';
import { loadModel, saveModel } from '../models/files';
import { encodeLog8, decodeLog8, log8Bytes, Log8Code } from '../models/log8';
import { prefetchHostFiles, writeFolderAtomic } from '../io';
import { GanModels } from '../models/gan';
import { GanSpec, assembleGan } from '../models/kinds';
import { EpochLogs, EpochProgress } from './loop';

export interface CheckpointState {
  model: string;
  /** Epochs completed. */
  epoch: number;
  history: EpochLogs[];
  randomState?: object;
  /** True when saved in the middle of epoch `epoch + 1` (its partial training is kept). */
  partial?: boolean;
  /** With `partial`: how far into epoch `epoch + 1` (a resume continues at the next step). */
  within?: EpochProgress;
  /**
   * Where the generator is, relative to the checkpoint folder, when it is not its own
   * `generator/`: a shipped checkpoint shares the shipped generator ('..') instead of a copy.
   */
  generatorDir?: string;
  savedAt: string;
}

export function checkpointDir(runDir: string): string {
  return path.join(runDir, 'checkpoint');
}

/** Where a run keeps its best scored epoch (`--keep-best`): a run folder of its own inside the run's. */
export function bestRunDir(runDir: string): string {
  return path.join(runDir, 'best');
}

/** The state of a run folder's checkpoint; throws, saying how to make one, when it is not a run. */
export function readRunState(runDir: string): CheckpointState {
  const file = path.join(checkpointDir(runDir), 'state.json');
  if (!fs.existsSync(file)) throw new Error(`${runDir} is not a training run folder (no ${file}). Train one first: npm run train -- --model dcgan-mnist --out ${runDir}`);
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CheckpointState;
}

/** A manifest entry of an optimizer file; `log8` marks one stored in a byte a value on a log scale (shipped checkpoints, see ../models/log8.ts). */
type OptimizerEntry = tf.io.WeightsManifestEntry & { log8?: Log8Code };

/**
 * An optimizer file's manifest: a run's is the list of entries (as tf.io writes them); a shipped
 * one's says that its `.bin` is gzipped as well (log8 bytes shrink to 73-82 %). The file keeps its
 * `.bin` name so that no web server serves it with a gzip Content-Encoding the browser would undo.
 */
type OptimizerManifest = OptimizerEntry[] | { gzip: true; entries: OptimizerEntry[] };

function valueCount(spec: tf.io.WeightsManifestEntry): number {
  return spec.shape.reduce((a, b) => a * b, 1);
}

function float32sOf(bytes: Buffer): Float32Array {
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** Stores the float32 entries of more than one value in log8 (scalars, like Adam's step count, stay exact). */
function packLog8(specs: OptimizerEntry[], data: Buffer): { specs: OptimizerEntry[]; data: Buffer } {
  const parts: Buffer[] = [];
  let offset = 0;
  const packed = specs.map((spec) => {
    const count = valueCount(spec);
    const entry = data.subarray(offset, offset + count * 4);
    offset += count * 4;
    if (spec.dtype !== 'float32' || count < 2) {
      parts.push(entry);
      return spec;
    }
    const { code, bytes } = encodeLog8(float32sOf(entry));
    parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { ...spec, log8: code };
  });
  return { specs: packed, data: Buffer.concat(parts) };
}

/** The inverse of packLog8: float32 entries that tf.io.decodeWeights reads. */
function unpackLog8(specs: OptimizerEntry[], data: Buffer): { specs: tf.io.WeightsManifestEntry[]; data: Buffer } {
  if (!specs.some((s) => s.log8)) return { specs, data };
  const parts: Buffer[] = [];
  let offset = 0;
  const plain = specs.map(({ log8, ...spec }) => {
    const count = valueCount(spec);
    const bytes = log8 ? log8Bytes(count, log8.block) : count * 4;
    const entry = data.subarray(offset, offset + bytes);
    offset += bytes;
    if (log8) parts.push(Buffer.from(decodeLog8(entry, count, log8).buffer));
    else parts.push(entry);
    return spec;
  });
  return { specs: plain, data: Buffer.concat(parts) };
}

async function writeOptimizer(opt: tf.Optimizer, file: string, options: CheckpointWriteOptions): Promise<void> {
  const named = await opt.getWeights();
  // Adam's first and second moments carry the same names: number them so none is lost by name.
  const encoded = await tf.io.encodeWeights(named.map((w, i) => ({ name: `${i}|${w.name}`, tensor: w.tensor })));
  let specs: OptimizerEntry[] = encoded.specs;
  let data = Buffer.from(encoded.data as ArrayBuffer);
  if (options.compact) ({ specs, data } = packLog8(specs, data));
  const manifest: OptimizerManifest = options.compact ? { gzip: true, entries: specs } : specs;
  fs.writeFileSync(`${file}.bin`, options.compact ? zlib.gzipSync(data, { level: 9 }) : data);
  fs.writeFileSync(`${file}.json`, JSON.stringify(manifest));
  // The moments are the optimizer's live variables; only the iteration count is a fresh tensor.
  tf.dispose(named.map((n) => n.tensor).filter((t) => !(t instanceof tf.Variable)));
}

function gunzipOptimizer(stored: Buffer, file: string): Buffer {
  try {
    return Buffer.from(zlib.gunzipSync(stored));
  } catch (err) {
    throw new Error(`${file}.bin is not the gzip stream its manifest says (${(err as Error).message}): the file is damaged or cut short. Ship the checkpoint again (npm run pretrained -- --with-checkpoint).`);
  }
}

async function readOptimizer(opt: tf.Optimizer, file: string): Promise<void> {
  await prefetchHostFiles([`${file}.json`, `${file}.bin`], "the optimizer's state");
  const manifest = JSON.parse(fs.readFileSync(`${file}.json`, 'utf8')) as OptimizerManifest;
  const stored = fs.readFileSync(`${file}.bin`);
  const { specs, data } = Array.isArray(manifest) ? unpackLog8(manifest, stored) : unpackLog8(manifest.entries, gunzipOptimizer(stored, file));
  const decoded = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), specs);
  const ordered = Object.entries(decoded)
    .map(([key, tensor]) => ({ index: Number(key.slice(0, key.indexOf('|'))), name: key.slice(key.indexOf('|') + 1), tensor }))
    .sort((a, b) => a.index - b.index);
  await opt.setWeights(ordered.map(({ name, tensor }) => ({ name, tensor })));
}

export interface CheckpointWriteOptions {
  /**
   * For a checkpoint that ships in the repository: networks as float16 (half the bytes),
   * optimizer state in log8 and gzipped (about a fifth). A resume from it trains on, but is no longer
   * bit-identical.
   */
  compact?: boolean;
  /**
   * Do not write the generator: it is already saved, with these very weights, at this path
   * relative to the checkpoint folder (a shipped checkpoint: '..', the shipped generator).
   */
  sharedGenerator?: string;
}

/** The folder of a checkpoint's generator: its own `generator/`, or the one it shares. */
function generatorDirOf(dir: string, state: Pick<CheckpointState, 'generatorDir'>): string {
  return path.join(dir, state.generatorDir ?? 'generator');
}

/** Saves everything needed to resume. */
export async function saveCheckpoint(runDir: string, models: GanModels, state: Omit<CheckpointState, 'savedAt'>, options: CheckpointWriteOptions = {}): Promise<void> {
  await writeFolderAtomic(checkpointDir(runDir), async (tmp) => {
    if (options.sharedGenerator === undefined) await saveModel(models.generator, path.join(tmp, 'generator'), { float16: options.compact });
    await saveModel(models.discriminator, path.join(tmp, 'discriminator'), { float16: options.compact });
    await writeOptimizer(models.discriminator.optimizer, path.join(tmp, 'optimizer-discriminator'), options);
    await writeOptimizer(models.gan.optimizer, path.join(tmp, 'optimizer-gan'), options);
    // A state read from a shipped checkpoint carries its generatorDir; this checkpoint has its own generator unless told to share.
    const { generatorDir: _, ...own } = state as CheckpointState;
    const generatorDir = options.sharedGenerator === undefined ? {} : { generatorDir: options.sharedGenerator };
    fs.writeFileSync(path.join(tmp, 'state.json'), JSON.stringify({ ...own, ...generatorDir, savedAt: new Date().toISOString() }, null, 1));
  });
}

/** True when `runDir` holds a checkpoint. */
export function hasCheckpoint(runDir: string): boolean {
  return fs.existsSync(path.join(checkpointDir(runDir), 'state.json'));
}

/** Loads a checkpoint into freshly compiled models of `system`. */
export async function loadCheckpoint(runDir: string, system: GanSpec & { name: string }): Promise<{ models: GanModels; state: CheckpointState }> {
  const dir = checkpointDir(runDir);
  const fail = (why: string) => new Error(`Cannot resume from ${dir}: ${why}. Move the run folder aside to start afresh, or pass another --out.`);
  let state: CheckpointState;
  try {
    state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
  } catch (err) {
    throw fail(`state.json is unreadable (${(err as Error).message})`);
  }
  if (state.model !== system.name) throw fail(`it belongs to model "${state.model}", not "${system.name}"`);
  try {
    const generator = await loadModel(generatorDirOf(dir, state));
    const discriminator = await loadModel(path.join(dir, 'discriminator'));
    const models = assembleGan(system, generator, discriminator);
    await readOptimizer(models.discriminator.optimizer, path.join(dir, 'optimizer-discriminator'));
    await readOptimizer(models.gan.optimizer, path.join(dir, 'optimizer-gan'));
    return { models, state };
  } catch (err) {
    throw fail((err as Error).message);
  }
}

/**
 * Loads a checkpoint into models that already exist (a lesson's own networks, which its step
 * function closes over): their weights and both optimizers' state. Throws, saying what to do,
 * when the checkpoint's networks have other shapes than these.
 */
export async function loadCheckpointInto(runDir: string, models: GanModels, modelName: string): Promise<CheckpointState> {
  const dir = checkpointDir(runDir);
  const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as CheckpointState;
  const fail = (why: string) => new Error(`Cannot resume from ${dir}: ${why}. Start afresh (resume: false) or give this run another folder.`);
  if (state.model !== modelName) throw fail(`it belongs to model "${state.model}", not "${modelName}"`);
  for (const [which, target] of [['generator', models.generator], ['discriminator', models.discriminator]] as const) {
    const saved = await loadModel(which === 'generator' ? generatorDirOf(dir, state) : path.join(dir, which));
    const weights = saved.getWeights();
    const shapes = (ws: tf.Tensor[]) => ws.map((w) => `[${w.shape}]`).join(' ');
    if (shapes(weights) !== shapes(target.getWeights())) {
      saved.dispose();
      throw fail(`its ${which} has other weights than yours (${shapes(weights)} against ${shapes(target.getWeights())}): the network was changed since it was saved`);
    }
    target.setWeights(weights);
    saved.dispose();
  }
  await readOptimizer(models.discriminator.optimizer, path.join(dir, 'optimizer-discriminator'));
  await readOptimizer(models.gan.optimizer, path.join(dir, 'optimizer-gan'));
  return state;
}

/** How far a checkpoint is: completed epochs, then steps into the next one. */
export function checkpointProgress(state: Pick<CheckpointState, 'epoch' | 'within'>): [number, number] {
  return [state.epoch, state.within?.steps ?? 0];
}

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
}

/** Copies a saved model (model.json and the weight files it names) from one folder into another. */
function copyModelFiles(from: string, to: string): void {
  const topology = JSON.parse(fs.readFileSync(path.join(from, 'model.json'), 'utf8')) as { weightsManifest: Array<{ paths: string[] }> };
  fs.mkdirSync(to, { recursive: true });
  for (const name of ['model.json', ...topology.weightsManifest.flatMap((group) => group.paths)]) fs.copyFileSync(path.join(from, name), path.join(to, name));
}

/**
 * Copies the checkpoint of `fromRunDir` into `toRunDir` as a checkpoint of its own: a generator
 * it shares (a shipped checkpoint's) is copied into its `generator/`.
 */
export function copyCheckpoint(fromRunDir: string, toRunDir: string): void {
  const from = checkpointDir(fromRunDir);
  const to = checkpointDir(toRunDir);
  const state = readRunState(fromRunDir);
  fs.rmSync(to, { recursive: true, force: true });
  copyTree(from, to);
  if (state.generatorDir === undefined) return;
  copyModelFiles(generatorDirOf(from, state), path.join(to, 'generator'));
  const { generatorDir: _, ...own } = state;
  fs.writeFileSync(path.join(to, 'state.json'), JSON.stringify(own, null, 1));
}

const REPLACED = 'checkpoint replaced during the copy';

/** When a run folder's checkpoint was saved; undefined while it has none (as during the rename that replaces it). */
function savedAtOf(runDir: string): string | undefined {
  try {
    return readRunState(runDir).savedAt;
  } catch {
    return undefined;
  }
}

/**
 * Copies the checkpoint of `fromRunDir`, the one saved at `savedAt`, into `toRunDir`. Throws
 * REPLACED when the trainer replaced it during the copy (the caller copies again); any other
 * failure as it is.
 */
function copySteadily(fromRunDir: string, toRunDir: string, savedAt: string): CheckpointState {
  try {
    copyTree(checkpointDir(fromRunDir), checkpointDir(toRunDir));
  } catch (err) {
    if (savedAtOf(fromRunDir) === savedAt) throw err;
    throw new Error(REPLACED);
  }
  const copied = readRunState(toRunDir);
  if (copied.savedAt !== savedAt || savedAtOf(fromRunDir) !== savedAt) throw new Error(REPLACED);
  return copied;
}

/**
 * Parks a run in `toDir` (e.g. `data/in-progress/<model>/`, committed to the repository): one
 * consistent snapshot of its checkpoint and log.csv, written atomically. The trainer replaces
 * its checkpoint with a rename while it runs; a snapshot taken across such a save is taken again.
 */
export async function parkRun(runDir: string, toDir: string): Promise<CheckpointState> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = readRunState(runDir).savedAt;
    const best = bestRunDir(runDir);
    const bestBefore = savedAtOf(best);
    let copied: CheckpointState | undefined;
    await writeFolderAtomic(toDir, (tmp) => {
      copied = copySteadily(runDir, tmp, before);
      const log = path.join(runDir, 'log.csv');
      if (fs.existsSync(log)) fs.copyFileSync(log, path.join(tmp, 'log.csv'));
      // The best epoch (--keep-best) goes along: compact, a few MB.
      if (bestBefore) copySteadily(best, bestRunDir(tmp), bestBefore);
    }).catch((err: Error) => {
      if (err.message !== REPLACED) throw err;
      copied = undefined;
    });
    if (copied) return copied;
  }
  throw new Error(`Could not take a steady copy of ${checkpointDir(runDir)}: it was replaced during each of 5 copies. Try again, or stop the run first.`);
}

/**
 * Restores a parked run into `runDir` when the run folder has no checkpoint or an older one;
 * returns the state restored, or undefined when the run folder was as far or further.
 */
export function unparkRun(parkedDir: string, runDir: string): CheckpointState | undefined {
  const parked = readRunState(parkedDir);
  if (hasCheckpoint(runDir)) {
    const [e1, s1] = checkpointProgress(readRunState(runDir));
    const [e2, s2] = checkpointProgress(parked);
    if (e1 > e2 || (e1 === e2 && s1 >= s2)) return undefined;
  }
  fs.mkdirSync(runDir, { recursive: true });
  fs.rmSync(checkpointDir(runDir), { recursive: true, force: true });
  copyTree(checkpointDir(parkedDir), checkpointDir(runDir));
  const log = path.join(parkedDir, 'log.csv');
  if (fs.existsSync(log)) fs.copyFileSync(log, path.join(runDir, 'log.csv'));
  // The run's best epoch is the parked one's (or none): an older best/ here may be another run's.
  fs.rmSync(bestRunDir(runDir), { recursive: true, force: true });
  if (hasCheckpoint(bestRunDir(parkedDir))) copyTree(checkpointDir(bestRunDir(parkedDir)), checkpointDir(bestRunDir(runDir)));
  return parked;
}
