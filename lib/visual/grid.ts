/**
 * Image grids, as the tutorials draw them with matplotlib (`plt.subplot` + `imshow`), but as
 * PNG bytes that a notebook shows inline and a trainer writes to disk.
 */
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { writeFileAtomic } from '../io';

/** The value range of the pixels handed to a grid. */
import { PixelRange, toBytes } from '../pixels';

export type { PixelRange };

export interface GridOptions {
  /** Images per row (default: ceil(sqrt(n))). */
  cols?: number;
  /** Range of the input values (default '0-255'). */
  range?: PixelRange;
  /** Draw dark on light, like matplotlib's cmap='gray_r' (default false). */
  reverse?: boolean;
  /** Each pixel becomes a scale x scale block (default 1). */
  scale?: number;
  /** Pixels of background between images (default 1). */
  gap?: number;
}

/** An RGBA raster. */
export interface Raster {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Lays out `images` ([n, h, w, 1|3]) in a grid. Reads the tensor; does not dispose it. */
export function gridRaster(images: tf.Tensor4D, options: GridOptions = {}): Raster {
  const [n, h, w, c] = images.shape;
  if (c !== 1 && c !== 3) throw new Error(`gridRaster: images must have 1 or 3 channels, got shape [${images.shape.join(', ')}].`);
  const cols = options.cols ?? Math.ceil(Math.sqrt(n));
  const rows = Math.ceil(n / cols);
  const scale = options.scale ?? 1;
  const gap = options.gap ?? 1;
  const bytesT = toBytes(images, options.range ?? '0-255');
  const bytes = bytesT.dataSync();
  bytesT.dispose();
  const cellW = w * scale + gap;
  const cellH = h * scale + gap;
  const width = cols * cellW - gap;
  const height = rows * cellH - gap;
  const background = options.reverse ? 255 : 0;
  const rgba = new Uint8Array(width * height * 4).fill(background);
  for (let i = 0; i < n; i++) {
    const x0 = (i % cols) * cellW;
    const y0 = Math.floor(i / cols) * cellH;
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const src = ((i * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c;
        const dst = ((y0 + y) * width + x0 + x) * 4;
        for (let k = 0; k < 3; k++) {
          const v = bytes[src + (c === 3 ? k : 0)];
          rgba[dst + k] = options.reverse ? 255 - v : v;
        }
        rgba[dst + 3] = 255;
      }
    }
  }
  return { width, height, rgba };
}

/** Encodes a raster as PNG bytes (pngjs). */
export function encodePng(raster: Raster): Buffer {
  const png = new PNG({ width: raster.width, height: raster.height });
  png.data = Buffer.from(raster.rgba.buffer, raster.rgba.byteOffset, raster.rgba.byteLength);
  return PNG.sync.write(png);
}

/** Decodes PNG bytes to a raster (used by tests and by GIF assembly). */
export function decodePng(bytes: Buffer): Raster {
  const png = PNG.sync.read(bytes);
  return { width: png.width, height: png.height, rgba: new Uint8Array(png.data) };
}

/** A grid of images as PNG bytes. */
export function gridPng(images: tf.Tensor4D, options: GridOptions = {}): Buffer {
  return encodePng(gridRaster(images, options));
}

/** Writes a grid of images to a PNG file atomically and returns the bytes. */
export function saveGridPng(images: tf.Tensor4D, file: string, options: GridOptions = {}): Buffer {
  const bytes = gridPng(images, options);
  writeFileAtomic(file, bytes);
  return bytes;
}

/** True when the bytes start with PNG's signature and hold its header. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
}

/** A PNG's width and height, from its header. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  if (!isPng(png)) throw new Error('not a PNG image');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
