#!/usr/bin/env node
/**
 * npm run bench [-- --model NAME] [--backend native|wasm|cpu] [--threads N] [--iters N] [--json] [--profile]
 *
 * Milliseconds per training iteration (the tutorial's batch size; D on half real + half fake,
 * then G through the frozen D) for each system on each backend that loads and each thread
 * count, plus the generator's forward time, the CPU use during the timed iterations and the
 * arithmetic rate reached (convolution and dense FLOPs of the step, from the layer shapes); and,
 * with PyTorch from the project's .venv, the same architectures in PyTorch, and with tf.keras
 * from .venv-keras (bash scripts/setup-keras.sh), the same architectures and training steps in
 * Keras on the TensorFlow build the native backend uses, in the same run, as ratios (ours / theirs).
 * Each measurement runs in its own process, since a backend's thread count is fixed at start.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { projectPython, projectRoot } from '../config';
import { FlagSpec, ParsedArgs, runCli } from './args';
import { writeFileAtomic } from '../io';
import { initBackend, loadNativeBinding, BackendName, parseBackendName } from '../backend';
import { SYSTEMS, GanSystem, getSystem, buildSystem } from '../systems/registry';
import { GanModels, NUM_CLASSES, generateLatentPoints, runGenerator } from '../models/gan';
import { kindOf } from '../models/kinds';
import { trainStep } from '../training/step';
import { tapeStep } from '../training/tape-step';
import { kernelProfiler } from '../tfjs-internals';

export interface BenchRow {
  model: string;
  backend: string;
  threads: number;
  batch: number;
  msPerIter: number;
  genForwardMs: number;
  /** Tensors alive after the timed iterations minus before: 0 means memory is flat. */
  tensorLeak: number;
  /** CPU time (user + system, all threads of the process) over wall time of the timed iterations, in percent. */
  cpuPercent: number;
  /** Convolution and dense FLOPs of one iteration (see `stepFlops`), in GFLOP. */
  gflopPerIter: number;
  /** gflopPerIter / seconds per iteration. */
  gflops: number;
  torchMsPerIter?: number;
  torchGenForwardMs?: number;
  torchVersion?: string;
  /** ours / PyTorch */
  ratio?: number;
  kerasMsPerIter?: number;
  kerasGenForwardMs?: number;
  kerasCpuPercent?: number;
  kerasVersion?: string;
  /** ours / Keras */
  kerasRatio?: number;
  /** With --profile: one step's kernels, most time first. */
  profile?: StepProfile;
}

export interface KernelProfile {
  kernel: string;
  count: number;
  /** Wall time of all its calls in the step. */
  totalMs: number;
  /** CPU time of the process during its calls over their wall time: ~100 one thread busy, ~200 two. */
  cpuPercent: number;
}

export interface StepProfile {
  /** Wall time of the profiled step (kernels run one by one and are timed, so above msPerIter). */
  stepMs: number;
  /** Sum of the kernels' wall times: the rest of stepMs is JavaScript between kernels (dispatch, tidy, optimizer bookkeeping). */
  kernelMs: number;
  kernels: KernelProfile[];
  /** The same calls split by their inputs' shapes (`shapes`: e.g. "8x4x4x1024 4x4x512x1024"), the 20 largest: which layer a kernel's time is. */
  largestCalls: Array<KernelProfile & { shapes: string }>;
}

/** The shapes of a kernel call's tensor inputs, as "AxB CxD". */
function inputShapes(inputs: unknown): string {
  return Object.values((inputs ?? {}) as Record<string, { shape?: number[] } | undefined>)
    .map((t) => (t && Array.isArray(t.shape) ? (t.shape.length ? t.shape.join('x') : 'scalar') : '?'))
    .join(' ');
}

/**
 * Profiles one call of `step`: every kernel TensorFlow.js runs, with its wall time and the
 * process's CPU time while it ran (all threads: wasm's worker threads, TensorFlow's pool), so a
 * kernel at ~100% ran on one core. Kernels run synchronously when dispatched on the wasm and
 * native backends, so timing around the engine's per-kernel hook measures each one.
 */
export async function profileStep(step: () => Promise<unknown>): Promise<StepProfile> {
  const profiler = kernelProfiler();
  const original = profiler.profileKernel;
  const totals = new Map<string, { count: number; wall: number; cpu: number }>();
  const byShape = new Map<string, { kernel: string; shapes: string; count: number; wall: number; cpu: number }>();
  // Kernels run inside others (a wasm kernel's Identity, fusedMatMul__op around _FusedMatMul):
  // each call counts its own time only (exclusive of the calls inside it), so nothing counts
  // twice; the op scopes named ...__op are wrappers, not kernels, and are left out.
  const open: Array<{ innerWall: number; innerCpu: number }> = [];
  profiler.profileKernel = function (name: string, inputs: unknown, f: () => unknown) {
    const frame = { innerWall: 0, innerCpu: 0 };
    open.push(frame);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    try {
      return original.call(this, name, inputs, f);
    } finally {
      const wall = performance.now() - wallBefore;
      const used = process.cpuUsage(cpuBefore);
      const cpu = (used.user + used.system) / 1000;
      open.pop();
      const parent = open[open.length - 1];
      if (parent) {
        parent.innerWall += wall;
        parent.innerCpu += cpu;
      }
      if (!name.endsWith('__op')) {
        const t = totals.get(name) ?? { count: 0, wall: 0, cpu: 0 };
        t.count++;
        t.wall += wall - frame.innerWall;
        t.cpu += cpu - frame.innerCpu;
        totals.set(name, t);
        const shapes = inputShapes(inputs);
        const key = `${name} ${shapes}`;
        const c = byShape.get(key) ?? { kernel: name, shapes, count: 0, wall: 0, cpu: 0 };
        c.count++;
        c.wall += wall - frame.innerWall;
        c.cpu += cpu - frame.innerCpu;
        byShape.set(key, c);
      }
    }
  };
  const started = performance.now();
  try {
    await tf.profile(async () => { await step(); });
  } finally {
    profiler.profileKernel = original;
  }
  const stepMs = performance.now() - started;
  const summarize = (t: { count: number; wall: number; cpu: number }) => ({ count: t.count, totalMs: Math.round(t.wall * 10) / 10, cpuPercent: t.wall > 0 ? Math.round((t.cpu / t.wall) * 100) : 0 });
  const kernels = [...totals].map(([kernel, t]) => ({ kernel, ...summarize(t) })).sort((a, b) => b.totalMs - a.totalMs);
  const largestCalls = [...byShape.values()].map((c) => ({ kernel: c.kernel, shapes: c.shapes, ...summarize(c) })).sort((a, b) => b.totalMs - a.totalMs).slice(0, 20);
  return { stepMs: Math.round(stepMs), kernelMs: Math.round(kernels.reduce((sum, k) => sum + k.totalMs, 0)), kernels, largestCalls };
}

const FLAGS: FlagSpec[] = [
  { name: 'model', type: 'string', help: 'a system to time (default: all seven)', choices: Object.keys(SYSTEMS), repeatable: true },
  { name: 'backend', type: 'string', help: 'a backend to time it on (default: native where it loads, and wasm)', choices: ['native', 'wasm', 'cpu'], repeatable: true },
  { name: 'threads', type: 'int', help: 'wasm threads (default: 1 up to the number of cores); native uses the first or all cores', min: 1, repeatable: true },
  { name: 'iters', type: 'int', help: 'timed iterations after one warm-up iteration', min: 1, default: 3 },
  { name: 'limit-min', type: 'int', help: 'minutes one row (model, backend, threads) may take before it is stopped and reported as not finished', min: 1, default: 20 },
  { name: 'json', type: 'boolean', help: 'print one JSON object per row instead of the table' },
  { name: 'profile', type: 'boolean', help: 'also profile one training step: per kernel its count, total ms and CPU use (threads busy); writes artifacts/profile/MODEL-BACKEND-Nt.json' },
  { name: 'child', type: 'boolean', help: 'measure one model, backend and thread count in this process', hidden: true },
];

/**
 * Multiply-add FLOPs (2 per multiply-add) of one sample through a model's convolutions,
 * transposed convolutions and dense layers, nested models included. Bias adds, activations,
 * BatchNorm, embeddings and the optimizer's updates are left out (a few percent at most here).
 */
export function forwardFlops(model: tf.LayersModel): number {
  let flops = 0;
  const prod = (dims: Array<number | null>) => dims.reduce((a: number, b) => a * (b ?? 1), 1);
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      flops += forwardFlops(layer);
      continue;
    }
    const kernel = layer.weights.find((w) => /kernel/.test(w.originalName ?? w.name))?.shape;
    if (!kernel) continue;
    const name = layer.getClassName();
    // Shapes where the layer was first applied (every application has the same ones here).
    const inputShape = (layer.getInputAt(0) as tf.SymbolicTensor).shape;
    if (name === 'Conv2D') {
      const [, h, w] = (layer.getOutputAt(0) as tf.SymbolicTensor).shape as number[]; // [kh, kw, in, out]
      flops += 2 * h * w * prod(kernel);
    } else if (name === 'Conv2DTranspose') {
      const [, h, w] = inputShape as number[]; // [kh, kw, out, in]: every input pixel scatters a kh x kw x out patch
      flops += 2 * h * w * prod(kernel);
    } else if (name === 'Dense') {
      // [batch, ..., in]: the kernel applies to each row
      flops += 2 * prod(inputShape.slice(1, -1)) * prod(kernel);
    }
  }
  return flops;
}

/**
 * FLOPs of one training iteration of `system` as `npm run bench` runs it, counting a trained
 * network's forward and backward pass (input and weight gradients) as 3 forward passes, the
 * frozen D under the generator's update as 2 (forward and input gradients), a forward pass only
 * (the fake images for D) as 1. Keras-style step (B = batch, n = images D sees of each kind):
 * G forward on n, D trained on 2n, G trained through D on B. Tutorial 003's tape step (S4): G
 * forward and D trained on B real + B fake, then G trained through D on B (G runs twice).
 */
export function stepFlops(system: GanSystem, models: GanModels): number {
  const g = forwardFlops(models.generator);
  const d = forwardFlops(models.discriminator);
  const b = system.batchSize;
  if (system.step === tapeStep) return b * (g + 3 * d * 2) + b * (3 * g + 2 * d);
  const n = system.split === 'half' ? b / 2 : b;
  return n * g + 2 * n * 3 * d + b * (3 * g + 2 * d);
}

async function timeAsync(fn: () => Promise<unknown>, iters: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < iters; i++) await fn();
  return (performance.now() - t) / iters;
}

/** Runs in the child process: one model, one backend, one thread count. */
async function measure(model: string, backend: BackendName, threads: number, iters: number, profile = false): Promise<BenchRow> {
  const info = await initBackend(backend, { threads, verbose: false });
  const system = getSystem(model);
  const models = buildSystem(system);
  const half = system.split === 'half' ? system.batchSize / 2 : system.batchSize;
  const real = tf.randomUniform([half, ...system.imageShape], system.range === '0-1' ? 0 : -1, 1) as tf.Tensor4D;
  const labels = kindOf(system.kind).usesLabels ? (tf.randomUniform([half], 0, NUM_CLASSES, 'int32') as tf.Tensor1D) : undefined;
  const stepOptions = { generatorBatch: system.batchSize, labels };
  const step = system.step ?? trainStep;
  await step(models, real, stepOptions); // warm-up: kernels set up, weights packed
  const tensorsBefore = tf.memory().numTensors;
  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  const msPerIter = await timeAsync(() => step(models, real, stepOptions), iters);
  const cpu = process.cpuUsage(cpuBefore); // microseconds, every thread of this process (wasm workers, TensorFlow's pool)
  const cpuPercent = Math.round(((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 100);
  const tensorLeak = tf.memory().numTensors - tensorsBefore;
  const gflopPerIter = stepFlops(system, models) / 1e9;
  const forward = async () => {
    // Conditional generators get the same random labels as the training step.
    const out = tf.tidy(() => runGenerator(models.generator, generateLatentPoints(system.latentDim, half), labels));
    await out.data();
    out.dispose();
  };
  await forward();
  const genForwardMs = await timeAsync(forward, iters);
  const stepProfile = profile ? await profileStep(() => step(models, real, stepOptions)) : undefined;
  return {
    ...(stepProfile ? { profile: stepProfile } : {}),
    model, backend, threads: info.threads, batch: system.batchSize, msPerIter: Math.round(msPerIter), genForwardMs: Math.round(genForwardMs), tensorLeak,
    cpuPercent, gflopPerIter: Math.round(gflopPerIter * 100) / 100, gflops: Math.round((gflopPerIter / (msPerIter / 1000)) * 10) / 10,
  };
}

function torchAvailable(): boolean {
  return spawnSync(projectPython(), ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

type TorchRef = Pick<BenchRow, 'torchMsPerIter' | 'torchGenForwardMs' | 'torchVersion'>;
type KerasRef = Pick<BenchRow, 'kerasMsPerIter' | 'kerasGenForwardMs' | 'kerasCpuPercent' | 'kerasVersion'>;

function runTorch(models: string[], iters: number, threads: number): Map<string, TorchRef> {
  const script = path.resolve(__dirname, '../../../scripts/bench_torch.py');
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  // Set on some processors for old OpenBLAS builds; they slow a current one down.
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const res = spawnSync(projectPython(), [script, '--iters', String(iters), '--threads', String(threads), ...models.flatMap((m) => ['--model', m])], { env, encoding: 'utf8' });
  const out = new Map<string, TorchRef>();
  if (res.status !== 0) {
    console.error(`PyTorch reference failed: ${res.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return out;
  }
  for (const line of res.stdout.trim().split('\n').filter(Boolean)) {
    const row = JSON.parse(line);
    out.set(row.model, { torchMsPerIter: row.torchMsPerIter, torchGenForwardMs: row.torchGenForwardMs, torchVersion: row.torch });
  }
  return out;
}

/** .venv-keras's Python (bash scripts/setup-keras.sh), or undefined when it is not set up. */
function kerasPython(): string | undefined {
  const python = path.join(projectRoot(), '.venv-keras', 'bin', 'python');
  return fs.existsSync(python) ? python : undefined;
}

/** The same systems and steps in tf.keras (scripts/bench_keras.py, one JSON line per model). */
function runKeras(python: string, models: string[], iters: number, threads: number): Map<string, KerasRef> {
  const script = path.join(projectRoot(), 'scripts', 'bench_keras.py');
  const env: NodeJS.ProcessEnv = { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' };
  const res = spawnSync(python, [script, '--iters', String(iters), '--threads', String(threads), ...models.flatMap((m) => ['--model', m])], { env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = new Map<string, KerasRef>();
  // Lines of the models that finished count even when a later one failed.
  for (const line of (res.stdout ?? '').split('\n').filter((l) => l.startsWith('{'))) {
    const row = JSON.parse(line);
    out.set(row.model, { kerasMsPerIter: row.kerasMsPerIter, kerasGenForwardMs: row.kerasGenForwardMs, kerasCpuPercent: row.kerasCpuPercent, kerasVersion: row.kerasVersion });
  }
  if (res.status !== 0) {
    const why = res.error ? res.error.message : (res.stderr ?? '').trim().split('\n').slice(-3).join(' ');
    console.error(`Keras reference failed: ${why} (bash scripts/setup-keras.sh --force recreates .venv-keras)`);
  }
  return out;
}

function profileFile(row: BenchRow): string {
  return path.join(projectRoot(), 'artifacts', 'profile', `${row.model}-${row.backend}-${row.threads}t.json`);
}

function writeProfile(row: BenchRow): void {
  const file = profileFile(row);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const { model, backend, threads, batch, msPerIter, cpuPercent, profile } = row;
  writeFileAtomic(file, `${JSON.stringify({ model, backend, threads, batch, msPerIter, cpuPercent, ...profile, measuredAt: new Date().toISOString(), machine: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}` }, null, 1)}\n`);
}

/** The kernels that took 90% of the step, with the ones that ran on one core marked. */
function printProfile(row: BenchRow, share = 0.9): void {
  const p = row.profile!;
  console.log(`\n${row.model} on ${row.backend} (${row.threads} threads), batch ${row.batch}: one step ${p.stepMs} ms profiled, kernels ${p.kernelMs} ms, between kernels ${p.stepMs - p.kernelMs} ms (${profileFile(row)})`);
  console.log(`${'kernel'.padEnd(28)}${'calls'.padStart(7)}${'ms'.padStart(10)}${'share'.padStart(8)}${'CPU %'.padStart(8)}`);
  let covered = 0;
  for (const k of p.kernels) {
    if (covered >= share * p.kernelMs) break;
    covered += k.totalMs;
    const oneCore = row.threads > 1 && k.cpuPercent < 130 && k.totalMs > 0.02 * p.kernelMs ? '  <- one core' : '';
    console.log(`${k.kernel.padEnd(28)}${String(k.count).padStart(7)}${k.totalMs.toFixed(1).padStart(10)}${`${((100 * k.totalMs) / p.kernelMs).toFixed(1)}%`.padStart(8)}${String(k.cpuPercent).padStart(8)}${oneCore}`);
  }
  console.log('largest calls by input shapes:');
  for (const c of p.largestCalls.slice(0, 6)) console.log(`  ${c.kernel} ${c.shapes}: ${c.count} x, ${c.totalMs.toFixed(1)} ms, ${c.cpuPercent}% CPU`);
}

function printTable(rows: BenchRow[]): void {
  const header = ['model', 'backend', 'threads', 'batch', 'ms/iter', 'G fwd ms', 'CPU %', 'GFLOP/s', 'torch ms/iter', 'ours/torch', 'keras ms/iter', 'ours/keras', 'leak'];
  const opt = (v: number | undefined, digits?: number) => (v === undefined ? '-' : digits === undefined ? String(v) : v.toFixed(digits));
  const lines = rows.map((r) => [r.model, r.backend, String(r.threads), String(r.batch), String(r.msPerIter), String(r.genForwardMs), String(r.cpuPercent), r.gflops.toFixed(1),
    opt(r.torchMsPerIter), opt(r.ratio, 2), opt(r.kerasMsPerIter), opt(r.kerasRatio, 2), String(r.tensorLeak)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [header, ...lines]) console.log(l.map((c, i) => c.padStart(widths[i])).join('  '));
  const torch = rows.find((r) => r.torchVersion)?.torchVersion;
  const keras = rows.find((r) => r.kerasVersion)?.kerasVersion;
  const versions = [torch && `PyTorch ${torch}`, keras && `Keras ${keras} (train_on_batch)`].filter(Boolean).join(', ');
  console.log(`(GFLOP/s: the step's convolution and dense FLOPs over its time${versions ? `; ${versions}` : ''})`);
}

async function main(args: ParsedArgs): Promise<void> {
  const models = (args.model as string[] | undefined) ?? Object.keys(SYSTEMS);
  const iters = args.iters as number;
  const requested = args.threads as number[] | undefined;
  if (args.child) {
    const row = await measure(models[0], parseBackendName((args.backend as string[])[0]), requested![0], iters, args.profile === true);
    console.log(JSON.stringify(row));
    return;
  }
  const cores = os.cpus().length;
  let backends = (args.backend as string[] | undefined)?.map(parseBackendName);
  if (!backends) {
    backends = ['wasm'];
    if (!loadNativeBinding()) backends.unshift('native');
    // The cpu backend is the correctness reference; at these batch sizes one iteration takes minutes.
    console.error('note: cpu skipped (pure JavaScript, minutes per iteration); add --backend cpu to include it');
  }
  const plan: Array<[string, BackendName, number]> = [];
  for (const model of models) {
    for (const backend of backends) {
      const threadCounts = backend === 'wasm' ? (requested ?? Array.from({ length: cores }, (_, i) => i + 1)) : [requested?.[0] ?? cores];
      for (const t of threadCounts) plan.push([model, backend, t]);
    }
  }
  const torch = torchAvailable() ? runTorch(models, iters, cores) : undefined;
  if (!torch) console.error('note: PyTorch reference skipped (npm run setup:dev installs it into .venv)');
  const keras = kerasPython();
  const kerasRefs = keras ? runKeras(keras, models, iters, cores) : undefined;
  if (!keras) console.error('note: Keras reference skipped (.venv-keras is missing: bash scripts/setup-keras.sh sets it up)');
  const rows: BenchRow[] = [];
  const limitMin = args['limit-min'] as number;
  for (const [model, backend, threads] of plan) {
    const res = spawnSync(process.execPath, [__filename, '--child', '--model', model, '--backend', backend, '--threads', String(threads), '--iters', String(iters), ...(args.profile ? ['--profile'] : [])], { encoding: 'utf8', timeout: limitMin * 60_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
    const line = (res.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (res.error && (res.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      console.error(`${model} on ${backend} (${threads} threads) did not finish its warm-up and ${iters} timed iterations in ${limitMin} min (--limit-min); stopped`);
      if (args.json) console.log(JSON.stringify({ model, backend, threads, batch: SYSTEMS[model].batchSize, unfinishedAfterMin: limitMin }));
      continue;
    }
    if (res.status !== 0 || !line) {
      console.error(`${model} on ${backend} (${threads} threads) failed: ${res.stderr.trim().split('\n').slice(-3).join(' ')}`);
      continue;
    }
    const row: BenchRow = JSON.parse(line);
    const ref = torch?.get(model);
    if (ref?.torchMsPerIter) Object.assign(row, ref, { ratio: Math.round((row.msPerIter / ref.torchMsPerIter) * 100) / 100 });
    const kref = kerasRefs?.get(model);
    if (kref?.kerasMsPerIter) Object.assign(row, kref, { kerasRatio: Math.round((row.msPerIter / kref.kerasMsPerIter) * 100) / 100 });
    rows.push(row);
    if (row.profile) writeProfile(row);
    if (args.json) console.log(JSON.stringify(row));
  }
  if (!args.json) {
    printTable(rows);
    for (const row of rows) if (row.profile) printProfile(row);
  }
  if (rows.length === 0) process.exitCode = 1;
}

if (require.main === module) runCli('npm run bench --', FLAGS, main);
