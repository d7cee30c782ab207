/** `os` in the browser: what the library asks of it (CPU count for threads, names for logs). */
const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;
export const cpus = () => Array.from({ length: cores }, () => ({ model: 'browser', speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } }));
export const availableParallelism = () => cores;
export const platform = () => 'browser';
export const arch = () => 'wasm';
export const hostname = () => 'browser';
export const tmpdir = () => '/tmp';
export const homedir = () => '/home';
export const totalmem = () => 0;
export const freemem = () => 0;
export const EOL = '\n';
export default { cpus, availableParallelism, platform, arch, hostname, tmpdir, homedir, totalmem, freemem, EOL };
