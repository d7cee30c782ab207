/** Training kernels for the wasm backend (filled in by issue 3). */
let registered = false;

export function registerTrainingKernels(): void {
  if (registered) return;
  registered = true;
}
