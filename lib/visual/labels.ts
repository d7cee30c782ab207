/**
 * Text on images: a column of row labels to the left of a grid (class names on the
 * class-ordered grids of conditional GANs), and images side by side with captions. Each is one SVG
 * (sharp draws it with librsvg under Node; the browser kernel's page draws it on a canvas).
 */
import sharp from 'sharp';
import { escapeHtml } from './table';
import { pngSize } from './grid';


/** An SVG <image> of PNG bytes at (x, y), its own size. */
function embedded(png: Uint8Array, x: number, y: number): string {
  const { width, height } = pngSize(png);
  return `<image x="${x}" y="${y}" width="${width}" height="${height}" image-rendering="pixelated" href="data:image/png;base64,${Buffer.from(png).toString('base64')}"/>`;
}

/**
 * One SVG drawn to PNG. Each figure here is a single SVG document (text, and the images as
 * data URIs) so that the same code draws it under Node (sharp, librsvg) and in the browser
 * kernel (the page's canvas).
 */
function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg, 'utf8')).png().toBuffer();
}

/** The PNG with a white column of `labels` on its left, one label centred on each of `labels.length` equal rows. */
export async function labelGridRows(png: Buffer, labels: string[], columnWidth = 96): Promise<Buffer> {
  const { width, height } = pngSize(png);
  const pitch = height / labels.length;
  const fontSize = Math.max(9, Math.min(14, Math.floor(pitch * 0.35)));
  const text = labels
    .map((l, i) => `<text x="${columnWidth - 6}" y="${(i + 0.5) * pitch + fontSize * 0.35}" text-anchor="end" font-size="${fontSize}" font-family="DejaVu Sans, sans-serif">${escapeHtml(l)}</text>`)
    .join('');
  return svgToPng(`<svg xmlns="http://www.w3.org/2000/svg" width="${columnWidth + width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${text}${embedded(png, columnWidth, 0)}</svg>`);
}

/** The PNGs side by side on white, each with its caption (one or more lines) above it. */
export async function sideBySide(pngs: Buffer[], captions: string[][], gap = 24): Promise<Buffer> {
  const sizes = pngs.map(pngSize);
  const fontSize = 14;
  const captionHeight = Math.max(...captions.map((c) => c.length)) * (fontSize + 4) + 8;
  const width = sizes.reduce((s, m) => s + m.width, 0) + gap * (pngs.length + 1);
  const height = Math.max(...sizes.map((m) => m.height)) + captionHeight + gap;
  const parts: string[] = [];
  let x = gap;
  pngs.forEach((png, i) => {
    const w = sizes[i].width;
    parts.push(...captions[i].map((line, k) => `<text x="${x + w / 2}" y="${gap / 2 + (k + 1) * (fontSize + 4)}" text-anchor="middle" font-size="${fontSize}" font-family="DejaVu Sans, sans-serif">${escapeHtml(line)}</text>`));
    parts.push(embedded(png, x, captionHeight + gap / 2));
    x += w + gap;
  });
  return svgToPng(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`);
}
