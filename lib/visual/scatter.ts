/**
 * Scatter plots of 2-D points as SVG (rendered to PNG by the notebook helpers): the real
 * distribution and the generator's drawn over each other, the way GAN Lab shows a GAN on 2-D
 * data while it trains.
 */
import sharp from 'sharp';
import { escapeHtml } from './table';

export interface PointSet {
  /** [x, y] pairs. */
  points: ArrayLike<number>[] | Float32Array;
  /** Legend label. */
  label: string;
  /** CSS colour (default: one of a small palette). */
  color?: string;
  /** Dot radius in pixels (default 2). */
  radius?: number;
}

export interface ScatterOptions {
  title?: string;
  /** Axis limits (default [-2, 2] on both axes). */
  xLimits?: [number, number];
  yLimits?: [number, number];
  width?: number;
  height?: number;
}

const PALETTE = ['#9e9e9e', '#d62728', '#1f77b4', '#2ca02c'];

/** The points of a set as [x, y] pairs (a flat Float32Array is read two by two). */
export function pairsOf(points: PointSet['points']): Array<[number, number]> {
  if (points instanceof Float32Array) {
    const out: Array<[number, number]> = [];
    for (let i = 0; i + 1 < points.length; i += 2) out.push([points[i], points[i + 1]]);
    return out;
  }
  return Array.from(points, (p) => [p[0], p[1]] as [number, number]);
}

/** An SVG scatter plot of one or more point sets, drawn in order (later sets on top), with a legend. */
export function scatterSvg(sets: PointSet[], options: ScatterOptions = {}): string {
  const width = options.width ?? 360;
  const height = options.height ?? 360;
  const [x0, x1] = options.xLimits ?? [-2, 2];
  const [y0, y1] = options.yLimits ?? [-2, 2];
  const left = 30;
  const top = options.title ? 26 : 8;
  const plotW = width - left - 8;
  const plotH = height - top - 24;
  const px = (x: number) => left + ((x - x0) / (x1 - x0)) * plotW;
  const py = (y: number) => top + plotH - ((y - y0) / (y1 - y0)) * plotH;
  const inside = ([x, y]: [number, number]) => Number.isFinite(x) && Number.isFinite(y) && x >= x0 && x <= x1 && y >= y0 && y <= y1;
  const dots = sets.map((set, i) => {
    const color = set.color ?? PALETTE[i % PALETTE.length];
    const r = set.radius ?? 2;
    const circles = pairsOf(set.points).filter(inside).map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="${r}"/>`).join('');
    return `<g fill="${color}" fill-opacity="0.6">${circles}</g>`;
  }).join('');
  const legend = sets.map((set, i) => {
    const color = set.color ?? PALETTE[i % PALETTE.length];
    const x = left + 8 + i * 150;
    return `<circle cx="${x}" cy="${height - 10}" r="4" fill="${color}"/><text x="${x + 8}" y="${height - 6}" font-size="12">${escapeHtml(set.label)}</text>`;
  }).join('');
  const title = options.title ? `<text x="${width / 2}" y="17" font-size="14" text-anchor="middle">${escapeHtml(options.title)}</text>` : '';
  const ticks = [x0, (x0 + x1) / 2, x1].map((v) => `<text x="${px(v)}" y="${top + plotH + 12}" font-size="10" text-anchor="middle">${v}</text>`).join('')
    + [y0, (y0 + y1) / 2, y1].map((v) => `<text x="${left - 4}" y="${py(v) + 3}" font-size="10" text-anchor="end">${v}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${title}<rect x="${left}" y="${top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>${ticks}${dots}${legend}</svg>`;
}

/** A scatter plot of 2-D point sets (`lib/visual/scatter`) as PNG bytes. */
export async function scatterPng(sets: PointSet[], options: ScatterOptions = {}): Promise<Buffer> {
  return sharp(Buffer.from(scatterSvg(sets, options), 'utf8')).png().toBuffer();
}
