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
import { projectRoot } from '../config';
import { FlagsOf, runCli, flags } from './args';
import { writeFileAtomic } from '../io';
import { initBackend, nativeBindingProblem, BackendName, parseBackendName } from '../engine/backend';
import { SYSTEMS, getSystem, buildSystem } from '../systems/registry';
import { NUM_CLASSES, generateLatentPoints, runGenerator } from '../models/gan';
import { kindOf } from '../models/kinds';
import { trainStep } from '../training/step';
import { profileStep, StepProfile } from '../engine/profile';
import { stepFlops } from '../systems/flops';
import { torchAvailable, runTorch, kerasPython, runKeras } from './bench-references';

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
  /** wasm: a 1024x1024 by 1024x1024 matMul's rate in this process (XNNPACK's best here), GFLOP/s. */
  peakGflops?: number;
  /** wasm: the step's time if all its convolution and dense FLOPs ran at peakGflops. */
  boundMs?: number;
  /** wasm: msPerIter / boundMs (issue 33's goal: at most 1.3). */
  boundRatio?: number;
}

/**
 * The bound issue 19 measured wasm against: the time a step would take if every convolution
 * and matrix product ran at the best rate XNNPACK reaches on this machine (a large square
 * matMul), and how far the step is from it.
 */
export function wasmBound(gflopPerIter: number, peakGflops: number, msPerIter: number): { boundMs: number; boundRatio: number } {
  if (!(peakGflops > 0) || !(gflopPerIter > 0)) throw new Error(`wasmBound: needs a positive rate and FLOP count (got ${peakGflops} GFLOP/s, ${gflopPerIter} GFLOP)`);
  const boundMs = (gflopPerIter / peakGflops) * 1000;
  return { boundMs: Math.round(boundMs), boundRatio: Math.round((msPerIter / boundMs) * 100) / 100 };
}

/** The active backend's best rate on an n x n by n x n matMul (of `tries` after a warm-up), GFLOP/s. */
export async function matMulPeakGflops(n = 1024, tries = 3): Promise<number> {
  const [a, b] = [tf.randomUniform([n, n]), tf.randomUniform([n, n])];
  let best = Infinity;
  for (let i = 0; i <= tries; i++) {
    const t = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
    if (i > 0) best = Math.min(best, performance.now() - t);
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (best / 1000) / 1e9;
}

const FLAGS = flags([
  { name: 'model', type: 'string', help: 'a system to time (default: all seven)', choices: Object.keys(SYSTEMS), repeatable: true },
  { name: 'backend', type: 'string', help: 'a backend to time it on (default: native where it loads, and wasm)', choices: ['native', 'wasm', 'cpu'], repeatable: true },
  { name: 'threads', type: 'int', help: 'wasm threads (default: 1 up to the number of cores); native uses the first or all cores', min: 1, repeatable: true },
  { name: 'iters', type: 'int', help: 'timed iterations after one warm-up iteration', min: 1, default: 3 },
  { name: 'limit-min', type: 'int', help: 'minutes one row (model, backend, threads) may take before it is stopped and reported as not finished', min: 1, default: 20 },
  { name: 'json', type: 'boolean', help: 'print one JSON object per row instead of the table' },
  { name: 'profile', type: 'boolean', help: 'also profile one training step: per kernel its count, total ms and CPU use (threads busy); writes artifacts/profile/MODEL-BACKEND-Nt.json' },
  { name: 'child', type: 'boolean', help: 'measure one model, backend and thread count in this process', hidden: true },
]);

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
  const peakGflops = backend === 'wasm' ? await matMulPeakGflops() : undefined;
  return {
    ...(stepProfile ? { profile: stepProfile } : {}),
    ...(peakGflops ? { peakGflops: Math.round(peakGflops * 10) / 10, ...wasmBound(gflopPerIter, peakGflops, msPerIter) } : {}),
    model, backend, threads: info.threads, batch: system.batchSize, msPerIter: Math.round(msPerIter), genForwardMs: Math.round(genForwardMs), tensorLeak,
    cpuPercent, gflopPerIter: Math.round(gflopPerIter * 100) / 100, gflops: Math.round((gflopPerIter / (msPerIter / 1000)) * 10) / 10,
  };
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
  const header = ['model', 'backend', 'threads', 'batch', 'ms/iter', 'G fwd ms', 'CPU %', 'GFLOP/s', 'bound ms', 'ours/bound', 'torch ms/iter', 'ours/torch', 'keras ms/iter', 'ours/keras', 'leak'];
  const opt = (v: number | undefined, digits?: number) => (v === undefined ? '-' : digits === undefined ? String(v) : v.toFixed(digits));
  const lines = rows.map((r) => [r.model, r.backend, String(r.threads), String(r.batch), String(r.msPerIter), String(r.genForwardMs), String(r.cpuPercent), r.gflops.toFixed(1),
    opt(r.boundMs), opt(r.boundRatio, 2), opt(r.torchMsPerIter), opt(r.ratio, 2), opt(r.kerasMsPerIter), opt(r.kerasRatio, 2), String(r.tensorLeak)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [header, ...lines]) console.log(l.map((c, i) => c.padStart(widths[i])).join('  '));
  const torch = rows.find((r) => r.torchVersion)?.torchVersion;
  const keras = rows.find((r) => r.kerasVersion)?.kerasVersion;
  const versions = [torch && `PyTorch ${torch}`, keras && `Keras ${keras} (train_on_batch)`].filter(Boolean).join(', ');
  const peaks = [...new Set(rows.filter((r) => r.peakGflops).map((r) => r.peakGflops))];
  const bound = peaks.length ? `; bound (wasm): the step at XNNPACK's best rate here, a 1024^3 matMul's ${peaks.join(', ')} GFLOP/s` : '';
  console.log(`(GFLOP/s: the step's convolution and dense FLOPs over its time${bound}${versions ? `; ${versions}` : ''})`);
}

async function main(args: FlagsOf<typeof FLAGS>): Promise<void> {
  const models = args.model ?? Object.keys(SYSTEMS);
  const iters = args.iters;
  const requested = args.threads;
  if (args.child) {
    const row = await measure(models[0], parseBackendName(args.backend![0]), requested![0], iters, args.profile === true);
    console.log(JSON.stringify(row));
    return;
  }
  const cores = os.cpus().length;
  let backends = args.backend?.map(parseBackendName);
  if (!backends) {
    backends = ['wasm'];
    if (!nativeBindingProblem()) backends.unshift('native');
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
  const limitMin = args['limit-min'];
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
