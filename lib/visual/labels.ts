/**
 * Text on images: a column of row labels to the left of a grid (class names on the
 * class-ordered grids of conditional GANs). sharp renders the text from SVG with librsvg.
 */
import sharp from 'sharp';
import { escapeHtml } from './table';


/** The PNG with a white column of `labels` on its left, one label centred on each of `labels.length` equal rows. */
export async function labelGridRows(png: Buffer, labels: string[], columnWidth = 96): Promise<Buffer> {
  const { width, height } = await sharp(png).metadata();
  if (!width || !height) throw new Error('labelGridRows: not an image.');
  const pitch = height / labels.length;
  const fontSize = Math.max(9, Math.min(14, Math.floor(pitch * 0.35)));
  const text = labels
    .map((l, i) => `<text x="${columnWidth - 6}" y="${(i + 0.5) * pitch + fontSize * 0.35}" text-anchor="end" font-size="${fontSize}" font-family="DejaVu Sans, sans-serif">${escapeHtml(l)}</text>`)
    .join('');
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${columnWidth}" height="${height}"><rect width="100%" height="100%" fill="white"/>${text}</svg>`);
  return sharp(png)
    .extend({ left: columnWidth, background: { r: 255, g: 255, b: 255, alpha: 1 } })
    .composite([{ input: svg, left: 0, top: 0 }])
    .png()
    .toBuffer();
}
