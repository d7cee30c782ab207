/**
 * The bench's references: the same systems and training steps in PyTorch (the project's .venv,
 * scripts/bench_torch.py) and in tf.keras (.venv-keras, scripts/bench_keras.py), each run in its
 * own process and read back as one JSON line per model.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { projectPython, projectRoot } from '../config';
import type { BenchRow } from './bench';

export function torchAvailable(): boolean {
  return spawnSync(projectPython(), ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
}

export type TorchRef = Pick<BenchRow, 'torchMsPerIter' | 'torchGenForwardMs' | 'torchVersion'>;
export type KerasRef = Pick<BenchRow, 'kerasMsPerIter' | 'kerasGenForwardMs' | 'kerasCpuPercent' | 'kerasVersion'>;

export function runTorch(models: string[], iters: number, threads: number): Map<string, TorchRef> {
  const script = path.join(projectRoot(), 'scripts', 'bench_torch.py');
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
export function kerasPython(): string | undefined {
  const python = path.join(projectRoot(), '.venv-keras', 'bin', 'python');
  return fs.existsSync(python) ? python : undefined;
}

/** The same systems and steps in tf.keras (scripts/bench_keras.py, one JSON line per model). */
export function runKeras(python: string, models: string[], iters: number, threads: number): Map<string, KerasRef> {
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
