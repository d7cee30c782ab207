/**
 * Where a training step's time goes: each kernel timed through tfjs's own profiler, summed per
 * kernel and per input shape, with the CPU use during its calls, and the time between kernels
 * (JavaScript, tfjs's engine, the binding). Used by `npm run bench -- --profile`.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelProfiler } from './tfjs-internals';

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
