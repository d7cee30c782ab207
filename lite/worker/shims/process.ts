/**
 * `process` in the browser kernel: `env` (the site's settings and the page's query, e.g.
 * GAN_QUICK=1), signal handlers the kernel's interrupt triggers (`emit('SIGINT')`), and the
 * few other members the library touches. `exit` throws: a cell cannot end the kernel.
 */
type Listener = (...args: unknown[]) => void;
const listeners = new Map<string, Listener[]>();
const started = typeof performance !== 'undefined' ? performance.now() : Date.now();

export const browserProcess = {
  env: {} as Record<string, string | undefined>,
  argv: ['browser'],
  platform: 'browser',
  /** The convention of browser stand-ins for process (TypeScript and others test it before using Node's modules). */
  browser: true,
  pid: 1,
  exitCode: undefined as number | undefined,
  versions: {} as Record<string, string>,
  version: 'browser',
  cwd: () => '/notebooks',
  chdir: () => { throw new Error('process.chdir is not available in the browser kernel'); },
  on(event: string, fn: Listener) { listeners.set(event, [...(listeners.get(event) ?? []), fn]); return browserProcess; },
  once(event: string, fn: Listener) { const once: Listener = (...a) => { browserProcess.off(event, once); fn(...a); }; return browserProcess.on(event, once); },
  off(event: string, fn: Listener) { listeners.set(event, (listeners.get(event) ?? []).filter((l) => l !== fn)); return browserProcess; },
  removeListener(event: string, fn: Listener) { return browserProcess.off(event, fn); },
  listenerCount: (event: string) => (listeners.get(event) ?? []).length,
  emit(event: string, ...args: unknown[]) { const ls = listeners.get(event) ?? []; ls.forEach((l) => l(...args)); return ls.length > 0; },
  exit(code?: number): never { throw new Error(`process.exit(${code ?? 0}) called: a cell cannot end the browser kernel`); },
  hrtime: Object.assign((prev?: [number, number]) => {
    const ns = BigInt(Math.round(((typeof performance !== 'undefined' ? performance.now() : Date.now()) - started) * 1e6));
    const now: [number, number] = [Number(ns / 1000000000n), Number(ns % 1000000000n)];
    return prev ? [now[0] - prev[0], now[1] - prev[1]] : now;
  }, { bigint: () => BigInt(Math.round(((typeof performance !== 'undefined' ? performance.now() : Date.now()) - started) * 1e6)) }),
  cpuUsage: () => ({ user: 0, system: 0 }),
  memoryUsage: () => ({ rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }),
  uptime: () => ((typeof performance !== 'undefined' ? performance.now() : Date.now()) - started) / 1000,
  stdout: { write: (s: string) => { console.log(String(s).replace(/\n$/, '')); return true; }, isTTY: false, columns: 80 },
  stderr: { write: (s: string) => { console.error(String(s).replace(/\n$/, '')); return true; }, isTTY: false, columns: 80 },
  nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => queueMicrotask(() => fn(...args)),
};
export default browserProcess;
