/** Animated GIFs of training progress, encoded with gifenc. */
import * as fs from 'fs';
import { GIFEncoder, quantize, applyPalette } from 'gifenc';
import { decodePng, Raster } from './grid';
import { writeFileAtomic } from '../io';

export interface GifOptions {
  /** Milliseconds per frame (default 200). */
  delayMs?: number;
  /** How long the last frame stays (default 1000 ms). */
  lastDelayMs?: number;
}

/** Encodes equally sized RGBA frames as a looping GIF. */
export function encodeGif(frames: Raster[], options: GifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new Error('encodeGif: no frames.');
  const { width, height } = frames[0];
  const gif = GIFEncoder();
  frames.forEach((frame, i) => {
    if (frame.width !== width || frame.height !== height) throw new Error(`encodeGif: frame ${i} is ${frame.width}x${frame.height}, the first is ${width}x${height}.`);
    const palette = quantize(frame.rgba, 256);
    const index = applyPalette(frame.rgba, palette);
    const delay = i === frames.length - 1 ? options.lastDelayMs ?? 1000 : options.delayMs ?? 200;
    gif.writeFrame(index, width, height, { palette, delay });
  });
  gif.finish();
  return gif.bytes();
}

/** Assembles PNG files (e.g. image_at_epoch_*.png, in order) into a GIF file; returns its bytes. */
export function gifFromPngFiles(pngFiles: string[], outFile: string, options: GifOptions = {}): Uint8Array {
  if (pngFiles.length === 0) throw new Error(`No images to assemble into ${outFile}: train at least one epoch first.`);
  const bytes = encodeGif(pngFiles.map((f) => decodePng(fs.readFileSync(f))), options);
  writeFileAtomic(outFile, bytes);
  return bytes;
}
