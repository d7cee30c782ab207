/**
 * Sample-quality results as pictures and small tables for notebooks and the README: the scores
 * of several generators beside the real-versus-real baseline, and a class histogram as bars.
 */
import { QualityReport } from './evaluate';
import { escapeHtml as esc } from '../visual/table';


/** One table: a column per generator, the real-vs-real baseline last. */
export function qualityTableHtml(columns: Array<{ name: string; report: QualityReport }>, real: QualityReport, caption = 'Sample quality (domain classifier)'): string {
  const all = [...columns, { name: 'real vs real', report: real }];
  const rows: Array<[string, (r: QualityReport) => string]> = [
    ['FID ↓', (r) => r.fid.toFixed(2)],
    ['KID × 1000 ↓', (r) => `${(1000 * r.kid.mean).toFixed(2)} ± ${(1000 * r.kid.std).toFixed(2)}`],
    ['classes covered', (r) => `${r.coverage.covered}/10`],
    ['class entropy (max 2.303)', (r) => r.coverage.entropy.toFixed(3)],
    ['Inception Score ↑ (max 10)', (r) => r.inceptionScore.mean.toFixed(2)],
    ['conditional accuracy', (r) => (r.conditionalAccuracy ? `${(100 * r.conditionalAccuracy.overall).toFixed(1)}%` : '–')],
    ['samples', (r) => String(r.samples)],
  ];
  const head = `<tr><th></th>${all.map((c) => `<th>${esc(c.name)}</th>`).join('')}</tr>`;
  const body = rows.map(([label, f]) => `<tr><th style="text-align:left">${esc(label)}</th>${all.map((c) => `<td style="text-align:right">${esc(f(c.report))}</td>`).join('')}</tr>`).join('');
  return `<table><caption>${esc(caption)}</caption>${head}${body}</table>`;
}

/** A bar per class (e.g. the class histogram of generated samples) as a standalone SVG. */
export function barChartSvg(labels: string[], values: number[], title: string, width = 520, height = 240): string {
  const m = { left: 44, right: 12, top: 30, bottom: 52 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const max = Math.max(...values, 1e-9);
  const slot = w / values.length;
  const bars = values.map((v, i) => {
    const bh = (v / max) * h;
    const x = m.left + i * slot + slot * 0.15;
    const y = m.top + h - bh;
    return `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${bh.toFixed(1)}" fill="#1f77b4"/>` +
      `<text x="${(x + slot * 0.35).toFixed(1)}" y="${(y - 3).toFixed(1)}" text-anchor="middle" font-size="10">${v}</text>` +
      `<text transform="translate(${(x + slot * 0.35).toFixed(1)},${m.top + h + 12}) rotate(30)" font-size="10">${esc(labels[i])}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>` +
    `<text x="${m.left}" y="18" font-size="14">${esc(title)}</text><line x1="${m.left}" x2="${m.left + w}" y1="${m.top + h}" y2="${m.top + h}" stroke="#888"/>${bars.join('')}</svg>`;
}
