/**
 * Loss curves. The figure is plotly data (nodeplotlib's types), so a person can open it
 * interactively with nodeplotlib (`npm run train -- --plot`); for notebooks, files and CI
 * the same figure is rendered to a static SVG that Jupyter, GitHub and nbconvert show.
 */
import sharp from 'sharp';
import type { Plot, Layout } from 'nodeplotlib';
import { escapeHtml as esc } from './table';

export interface Figure {
  data: Plot[];
  layout: Layout;
}

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

/** Line traces of `columns` of a history (one object per epoch) against `x`. */
export function historyFigure(history: Array<Record<string, number>>, columns: string[], title: string, x = 'epoch'): Figure {
  return {
    data: columns.map((c) => ({ type: 'scatter', mode: 'lines+markers', name: c, x: history.map((h) => h[x]), y: history.map((h) => h[c]) }) as Plot),
    layout: { title: { text: title }, xaxis: { title: { text: x } } } as Layout,
  };
}

/** The losses (and discriminator outputs) per epoch. */
export function lossFigure(history: Array<Record<string, number>>): Figure {
  return historyFigure(history, ['dLoss', 'gLoss', 'realP', 'fakeP'], 'Losses and discriminator outputs per epoch');
}


function niceTicks(lo: number, hi: number, count = 5, integers = false): number[] {
  if (!(hi > lo)) return [lo];
  const raw = integers ? Math.max(1, (hi - lo) / count) : (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) ticks.push(Number(t.toPrecision(10)));
  return ticks;
}

/** Renders the line traces of a figure as a standalone SVG document. */
export function figureSvg(fig: Figure, width = 640, height = 360): string {
  const m = { left: 56, right: 130, top: 36, bottom: 40 };
  const traces = fig.data.map((d) => ({ name: String(d.name ?? ''), x: (d.x as number[]) ?? [], y: (d.y as number[]) ?? [] }));
  const xs = traces.flatMap((t) => t.x).filter(Number.isFinite);
  const ys = traces.flatMap((t) => t.y).filter(Number.isFinite);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const sx = (v: number) => m.left + (x1 === x0 ? w / 2 : ((v - x0) / (x1 - x0)) * w);
  const sy = (v: number) => m.top + h - ((v - y0) / (y1 - y0)) * h;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`, `<rect width="100%" height="100%" fill="white"/>`];
  const title = (fig.layout.title as { text?: string } | undefined)?.text;
  if (title) parts.push(`<text x="${m.left}" y="20" font-size="14">${esc(title)}</text>`);
  for (const t of niceTicks(y0, y1)) parts.push(`<line x1="${m.left}" x2="${m.left + w}" y1="${sy(t)}" y2="${sy(t)}" stroke="#ddd"/><text x="${m.left - 6}" y="${sy(t) + 4}" text-anchor="end">${t}</text>`);
  // Epochs are whole numbers: no ticks at 1.2, 1.4...
  for (const t of niceTicks(x0, x1, 5, xs.every(Number.isInteger))) parts.push(`<text x="${sx(t)}" y="${m.top + h + 16}" text-anchor="middle">${t}</text>`);
  const xTitle = ((fig.layout.xaxis as { title?: { text?: string } } | undefined)?.title?.text) ?? '';
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${w}" height="${h}" fill="none" stroke="#888"/>`, `<text x="${m.left + w / 2}" y="${height - 6}" text-anchor="middle">${esc(xTitle)}</text>`);
  traces.forEach((tr, i) => {
    const color = COLORS[i % COLORS.length];
    const pts = tr.x.map((xv, k) => [xv, tr.y[k]]).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    if (pts.length) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map(([a, b]) => `${sx(a).toFixed(1)},${sy(b).toFixed(1)}`).join(' ')}"/>`);
    for (const [a, b] of pts) parts.push(`<circle cx="${sx(a).toFixed(1)}" cy="${sy(b).toFixed(1)}" r="2.5" fill="${color}"/>`);
    parts.push(`<line x1="${m.left + w + 12}" x2="${m.left + w + 32}" y1="${m.top + 10 + i * 18}" y2="${m.top + 10 + i * 18}" stroke="${color}" stroke-width="2"/><text x="${m.left + w + 38}" y="${m.top + 14 + i * 18}">${esc(tr.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** Opens the figure in a browser through nodeplotlib (interactive; starts a local server). */
export function plotInteractive(fig: Figure): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- nodeplotlib starts a server when loaded: only on request
  const { plot } = require('nodeplotlib') as typeof import('nodeplotlib');
  plot(fig.data, fig.layout);
}

/** A figure (`lossFigure`, `historyFigure`) rendered to PNG bytes: its SVG rasterised by sharp. */
export async function figurePng(fig: Figure, width = 640, height = 360): Promise<Buffer> {
  return sharp(Buffer.from(figureSvg(fig, width, height), 'utf8')).png().toBuffer();
}
