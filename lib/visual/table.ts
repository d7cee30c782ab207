/**
 * Tables and captioned image grids for notebooks. DataFrames come from danfojs-node; they
 * are rendered as HTML tables, which Jupyter, JupyterLab, VS Code and nbconvert all show.
 */
import * as tf from '@tensorflow/tfjs';
import { gridPng, GridOptions } from './grid';

/** What a danfo.js DataFrame looks like to the table helpers (columns and a values array). */
export type TableLike = { columns: string[]; values: unknown };

/** danfojs-node, loaded on first use (it takes a moment to load). */
export function danfo(): typeof import('danfojs-node') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use: it takes a moment to load
  return require('danfojs-node');
}

/** Escapes text for HTML and SVG (element text and attribute values). */
export const escapeHtml = (s: unknown) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** An HTML table of a danfo DataFrame (or anything with columns and values). */
export function dataFrameHtml(df: TableLike, caption?: string): string {
  const head = `<tr>${df.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const rows = (df.values as unknown[][]).map((row) => `<tr>${row.map((v) => `<td>${escapeHtml(typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : v)}</td>`).join('')}</tr>`).join('');
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

/** A DataFrame of how many examples each class has: columns label, name, count, share. */
export function labelCounts(labels: tf.Tensor1D, classNames?: string[]): InstanceType<ReturnType<typeof danfo>['DataFrame']> {
  const values = labels.dataSync();
  const k = Math.max(classNames?.length ?? 0, ...Array.from(values, (v) => v + 1));
  const counts = new Array<number>(k).fill(0);
  for (const v of values) counts[v]++;
  const { DataFrame } = danfo();
  return new DataFrame({
    label: counts.map((_, i) => i),
    name: counts.map((_, i) => classNames?.[i] ?? String(i)),
    count: counts,
    share: counts.map((c) => c / values.length),
  });
}

/** An HTML grid of images, each with a caption (e.g. its class name). */
export function captionedGridHtml(images: tf.Tensor4D, captions: string[], options: GridOptions & { cols?: number } = {}): string {
  const n = images.shape[0];
  const cols = options.cols ?? Math.ceil(Math.sqrt(n));
  const cells: string[] = [];
  for (let i = 0; i < n; i++) {
    const one = images.slice(i, 1) as tf.Tensor4D;
    const png = gridPng(one, { ...options, cols: 1, gap: 0 }).toString('base64');
    one.dispose();
    cells.push(`<td style="text-align:center;padding:4px"><img src="data:image/png;base64,${png}" style="image-rendering:pixelated"/><br/><small>${escapeHtml(captions[i] ?? '')}</small></td>`);
  }
  const rows: string[] = [];
  for (let r = 0; r < cells.length; r += cols) rows.push(`<tr>${cells.slice(r, r + cols).join('')}</tr>`);
  return `<table>${rows.join('')}</table>`;
}

/** A class-ordered grid (row k = class k) as an HTML table with each row's class name. */
export function classRowsHtml(images: tf.Tensor4D, classNames: string[], options: GridOptions = {}): string {
  const perClass = images.shape[0] / classNames.length;
  if (!Number.isInteger(perClass)) throw new Error(`classRowsHtml: ${images.shape[0]} images do not split into ${classNames.length} rows.`);
  const rows = classNames.map((name, k) => {
    const row = images.slice(k * perClass, perClass) as tf.Tensor4D;
    const png = gridPng(row, { ...options, cols: perClass }).toString('base64');
    row.dispose();
    return `<tr><td style="text-align:right;padding-right:8px">${escapeHtml(name)}</td><td><img src="data:image/png;base64,${png}" style="image-rendering:pixelated"/></td></tr>`;
  });
  return `<table>${rows.join('')}</table>`;
}

/** Rows as objects (one per row) become a table with the union of their keys as columns. */
function rowsTable(rows: Array<Record<string, unknown>>): TableLike {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { columns, values: rows.map((r) => columns.map((c) => (r[c] === undefined ? '' : r[c]))) };
}

/** The HTML table of a danfo DataFrame or of an array of row objects. */
export function tableHtml(table: TableLike | Array<Record<string, unknown>>, caption?: string): string {
  return dataFrameHtml(Array.isArray(table) ? rowsTable(table) : table, caption);
}
