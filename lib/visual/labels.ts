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

/** The PNGs side by side on white, each with its caption (one or more lines) above it. */
export async function sideBySide(pngs: Buffer[], captions: string[][], gap = 24): Promise<Buffer> {
  const metas = await Promise.all(pngs.map((p) => sharp(p).metadata()));
  const fontSize = 14;
  const captionHeight = Math.max(...captions.map((c) => c.length)) * (fontSize + 4) + 8;
  const width = metas.reduce((s, m) => s + (m.width ?? 0), 0) + gap * (pngs.length + 1);
  const height = Math.max(...metas.map((m) => m.height ?? 0)) + captionHeight + gap;
  const layers: Array<{ input: Buffer; left: number; top: number }> = [];
  let x = gap;
  pngs.forEach((png, i) => {
    const w = metas[i].width ?? 0;
    const lines = captions[i].map((line, k) => `<text x="${w / 2}" y="${(k + 1) * (fontSize + 4)}" text-anchor="middle" font-size="${fontSize}" font-family="DejaVu Sans, sans-serif">${escapeHtml(line)}</text>`).join('');
    layers.push({ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${captionHeight}">${lines}</svg>`), left: x, top: gap / 2 });
    layers.push({ input: png, left: x, top: captionHeight + gap / 2 });
    x += w + gap;
  });
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 255 } } }).composite(layers).png().toBuffer();
}
