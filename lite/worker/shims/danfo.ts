/**
 * danfojs-node in the browser kernel: the DataFrame the lessons build (`lab.visual.labelCounts`)
 * and show (`dataFrameHtml`), as columns and row values. danfo's browser build would bring a
 * second TensorFlow.js and Plotly; anything beyond this says it needs Node.
 */
export class DataFrame {
  readonly columns: string[];
  readonly values: unknown[][];

  constructor(data: Record<string, unknown[]> | Array<Record<string, unknown>>) {
    if (Array.isArray(data)) {
      this.columns = [...new Set(data.flatMap((row) => Object.keys(row)))];
      this.values = data.map((row) => this.columns.map((c) => row[c]));
    } else {
      this.columns = Object.keys(data);
      const n = Math.max(0, ...this.columns.map((c) => data[c].length));
      this.values = Array.from({ length: n }, (_, i) => this.columns.map((c) => data[c][i]));
    }
    return new Proxy(this, {
      get: (target, key, receiver) => (key in target || typeof key === 'symbol' ? Reflect.get(target, key, receiver)
        : () => { throw new Error(`DataFrame.${String(key)} is not available in the browser kernel (JupyterLite), which has only columns and values: run this under tslab (npm run lab) for danfo.js.`); }),
    });
  }

  get shape(): [number, number] {
    return [this.values.length, this.columns.length];
  }

  /** Column `name` as an array (danfo's df[name].values). */
  column(name: string): unknown[] {
    const i = this.columns.indexOf(name);
    if (i < 0) throw new Error(`No column "${name}" (have: ${this.columns.join(', ')})`);
    return this.values.map((row) => row[i]);
  }
}

export default { DataFrame };
