#!/usr/bin/env node
/**
 * npm run bench [-- --model NAME] [--backend native|wasm|cpu] [--threads N] [--iters N] [--json]
 *
 * Milliseconds per training iteration (the tutorial's batch size; D on half real + half fake,
 * then G through the frozen D) for each system on each backend that loads and each thread
 * count, plus the generator's forward time; and, with PyTorch from the project's .venv,
 * the same architectures in PyTorch in the same run, as a ratio (ours / PyTorch).
 * Each measurement runs in its own process, since a backend's thread count is fixed at start.
 */
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { projectPython } from '../config';
import { initBackend, loadNativeBinding, BackendName, parseBackendName } from '../backend';
import { SYSTEMS, getSystem, buildSystem } from '../models/registry';
import { trainStep } from '../training/step';
import { generateLatentPoints, runGenerator } from '../training/samples';

interface Args {
  models: string[];
  backends?: BackendName[];
  threads?: number[];
  iters: number;
  json: boolean;
  child: boolean;
}

export interface BenchRow {
  model: string;
  backend: string;
  threads: number;
  batch: number;
  msPerIter: number;
  genForwardMs: number;
  /** Tensors alive after the timed iterations minus before: 0 means memory is flat. */
  tensorLeak: number;
  torchMsPerIter?: number;
  torchGenForwardMs?: number;
  ratio?: number;
}

const USAGE = 'Usage: npm run bench -- [--model NAME] [--backend native|wasm|cpu] [--threads N] [--iters N] [--json]';

function parseArgs(argv: string[]): Args {
  const args: Args = { models: [], iters: 3, json: false, child: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value. ${USAGE}`);
      return v;
    };
    const positive = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got "${v}".`);
      return n;
    };
    if (flag === '--model') args.models.push(getSystem(value()).name);
    else if (flag === '--backend') (args.backends ??= []).push(parseBackendName(value()));
    else if (flag === '--threads') (args.threads ??= []).push(positive(value()));
    else if (flag === '--iters') args.iters = positive(value());
    else if (flag === '--json') args.json = true;
    else if (flag === '--child') args.child = true;
    else if (flag === '--help' || flag === '-h') { console.log(USAGE); process.exit(0); }
    else throw new Error(`Unknown option "${flag}". ${USAGE}`);
  }
  if (args.models.length === 0) args.models = Object.keys(SYSTEMS);
  return args;
}

async function timeAsync(fn: () => Promise<unknown>, iters: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < iters; i++) await fn();
  return (performance.now() - t) / iters;
}

/** Runs in the child process: one model, one backend, one thread count. */
async function measure(model: string, backend: BackendName, threads: number, iters: number): Promise<BenchRow> {
  const info = await initBackend(backend, { threads, verbose: false });
  const system = getSystem(model);
  const models = buildSystem(system);
  const half = system.split === 'half' ? system.batchSize / 2 : system.batchSize;
  const real = tf.randomUniform([half, ...system.imageShape], system.range === '0-1' ? 0 : -1, 1) as tf.Tensor4D;
  const labels = system.kind === 'plain' ? undefined : (tf.randomUniform([half], 0, 10, 'int32') as tf.Tensor1D);
  const stepOptions = { generatorBatch: system.batchSize, labels };
  const step = system.step ?? trainStep;
  await step(models, real, stepOptions); // warm-up: kernels set up, weights packed
  const tensorsBefore = tf.memory().numTensors;
  const msPerIter = await timeAsync(() => step(models, real, stepOptions), iters);
  const tensorLeak = tf.memory().numTensors - tensorsBefore;
  const forward = async () => {
    // Conditional generators get the same random labels as the training step.
    const out = tf.tidy(() => runGenerator(models.generator, generateLatentPoints(system.latentDim, half), labels));
    await out.data();
    out.dispose();
  };
  await forward();
  const genForwardMs = await timeAsync(forward, iters);
  return { model, backend, threads: info.threads, batch: system.batchSize, msPerIter: Math.round(msPerIter), genForwardMs: Math.round(genForwardMs), tensorLeak };
}

function torchAvailable(): boolean {
  return spawnSync(projectPython(), ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

function runTorch(models: string[], iters: number, threads: number): Map<string, { torchMsPerIter: number; torchGenForwardMs: number }> {
  const script = path.resolve(__dirname, '../../../scripts/bench_torch.py');
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1' };
  // Set on some processors for old OpenBLAS builds; they slow a current one down (PERF-NOTES.md).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const res = spawnSync(projectPython(), [script, '--iters', String(iters), '--threads', String(threads), ...models.flatMap((m) => ['--model', m])], { env, encoding: 'utf8' });
  const out = new Map<string, { torchMsPerIter: number; torchGenForwardMs: number }>();
  if (res.status !== 0) {
    console.error(`PyTorch reference failed: ${res.stderr.trim().split('\n').slice(-3).join(' ')}`);
    return out;
  }
  for (const line of res.stdout.trim().split('\n').filter(Boolean)) {
    const row = JSON.parse(line);
    out.set(row.model, { torchMsPerIter: row.torchMsPerIter, torchGenForwardMs: row.torchGenForwardMs });
  }
  return out;
}

function printTable(rows: BenchRow[]): void {
  const header = ['model', 'backend', 'threads', 'batch', 'ms/iter', 'G fwd ms', 'torch ms/iter', 'ours/torch', 'leak'];
  const lines = rows.map((r) => [r.model, r.backend, String(r.threads), String(r.batch), String(r.msPerIter), String(r.genForwardMs),
    r.torchMsPerIter !== undefined ? String(r.torchMsPerIter) : '-', r.ratio !== undefined ? r.ratio.toFixed(2) : '-', String(r.tensorLeak)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [header, ...lines]) console.log(l.map((c, i) => c.padStart(widths[i])).join('  '));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const row = await measure(args.models[0], args.backends![0], args.threads![0], args.iters);
    console.log(JSON.stringify(row));
    return;
  }
  const cores = os.cpus().length;
  let backends = args.backends;
  if (!backends) {
    backends = ['wasm'];
    if (!loadNativeBinding()) backends.unshift('native');
    // The cpu backend is the correctness reference; at these batch sizes one iteration takes minutes.
    console.error('note: cpu skipped (pure JavaScript, minutes per iteration); add --backend cpu to include it');
  }
  const plan: Array<[string, BackendName, number]> = [];
  for (const model of args.models) {
    for (const backend of backends) {
      const threadCounts = backend === 'wasm' ? (args.threads ?? Array.from({ length: cores }, (_, i) => i + 1)) : [args.threads?.[0] ?? cores];
      for (const t of threadCounts) plan.push([model, backend, t]);
    }
  }
  const torch = torchAvailable() ? runTorch(args.models, args.iters, cores) : undefined;
  if (!torch) console.error('note: PyTorch reference skipped (run npm run setup: .venv has PyTorch)');
  const rows: BenchRow[] = [];
  for (const [model, backend, threads] of plan) {
    const res = spawnSync(process.execPath, [__filename, '--child', '--model', model, '--backend', backend, '--threads', String(threads), '--iters', String(args.iters)], { encoding: 'utf8' });
    const line = res.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
    if (res.status !== 0 || !line) {
      console.error(`${model} on ${backend} (${threads} threads) failed: ${res.stderr.trim().split('\n').slice(-3).join(' ')}`);
      continue;
    }
    const row: BenchRow = JSON.parse(line);
    const ref = torch?.get(model);
    if (ref) Object.assign(row, ref, { ratio: Math.round((row.msPerIter / ref.torchMsPerIter) * 100) / 100 });
    rows.push(row);
    if (args.json) console.log(JSON.stringify(row));
  }
  if (!args.json) printTable(rows);
  if (rows.length === 0) process.exitCode = 1;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
