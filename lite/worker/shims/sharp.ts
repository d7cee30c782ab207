/**
 * `sharp` in the browser kernel, for what the lessons' figures need: an SVG turned into PNG by
 * the kernel's rasteriser (the page draws it on a canvas; a Web Worker cannot decode SVG), PNG
 * bytes passed through, and a PNG's size. Anything else says it needs Node.
 */
import { Buffer } from 'buffer';
import { isPng, pngSize } from '../../../lib/visual/grid';

/** Where the kernel puts its SVG rasteriser: (svg text) => PNG bytes. */
export const RASTER_GLOBAL = '__ganLabRasterSvg';

type Rasteriser = (svg: string) => Promise<Uint8Array>;

function needsNode(what: string): never {
  throw new Error(`sharp's ${what} is not available in the browser kernel (JupyterLite): run this lesson under tslab (npm run lab) for it.`);
}

export default function sharp(input: Uint8Array) {
  const bytes = new Uint8Array(input);
  const image = {
    png: () => image,
    async toBuffer(): Promise<Buffer> {
      if (isPng(bytes)) return Buffer.from(bytes);
      const rasterise = (globalThis as Record<string, unknown>)[RASTER_GLOBAL] as Rasteriser | undefined;
      if (!rasterise) needsNode('rendering without a page to draw on');
      return Buffer.from(await rasterise(new TextDecoder().decode(bytes)));
    },
    async metadata(): Promise<{ width: number; height: number; format: string }> {
      if (!isPng(bytes)) needsNode('metadata of anything but PNG');
      return { ...pngSize(bytes), format: 'png' };
    },
    composite: () => needsNode('composite'),
    extend: () => needsNode('extend'),
    resize: () => needsNode('resize'),
    raw: () => needsNode('raw'),
  };
  return image;
}
