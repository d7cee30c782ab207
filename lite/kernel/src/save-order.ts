/** What the page keeps of a kernel's run folders in JupyterLite's drive (pure: tested in Node, test/lite-run-folders.test.ts). */

export interface KeptFile {
  /** path in the drive (`runs/notebook-dcgan-mnist-class/log.csv`) */
  path: string;
  data: Uint8Array;
}

/**
 * A batch in the order that keeps a checkpoint whole: a `state.json` that will be rewritten is
 * deleted first and written last, so a batch cut short (the page closed, the storage full)
 * leaves a checkpoint without its state, which the library does not resume from, never a
 * state beside other weights.
 */
export function saveOrder(writes: KeptFile[]): { first: string[]; files: KeptFile[] } {
  const isState = (w: KeptFile) => w.path.endsWith('/state.json');
  return { first: writes.filter(isState).map((w) => w.path), files: [...writes.filter((w) => !isState(w)), ...writes.filter(isState)] };
}
