/**
 * Showing things in a notebook: whether this code runs in a tslab kernel, and the primitives
 * that put PNG, GIF, HTML and SVG into the cell's output, or into one output that a long task
 * redraws in place. Outside a notebook (a script, a test) they show nothing, so the same code
 * runs everywhere. The lessons' richer helpers (figures, tables, model summaries) build on these
 * in lib/lessons/show.ts; `setup()` is in lib/lessons/setup.ts.
 *
 * Figures are shown as PNG, not SVG or HTML with scripts: JupyterLab does not render those
 * from an untrusted notebook, and a student who opens an executed notebook from the gallery
 * opens an untrusted notebook.
 */
import * as fs from 'fs';

export interface TslabDisplay {
  png(bytes: Uint8Array): void;
  gif(bytes: Uint8Array): void;
  html(html: string): void;
  svg(svg: string): void;
  text(text: string): void;
}

export interface Tslab {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

/**
 * Where a kernel other than tslab (the JupyterLite kernel, lite/worker) puts its display
 * functions: an object shaped as tslab's, on globalThis.
 */
export const DISPLAY_GLOBAL = '__ganLabDisplay';

/** The tslab module when this code runs inside a tslab kernel (or a kernel that stands in for it), else undefined. */
export function tslabModule(): Tslab | undefined {
  const standIn = (globalThis as Record<string, unknown>)[DISPLAY_GLOBAL] as Tslab | undefined;
  if (standIn) return standIn;
  try {
    // tslab sets lastWriteDisplayData once its kernel is executing cells.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab exists only inside its kernel; a static import would load it everywhere
    const kernel = require('tslab/dist/jupyter') as { lastWriteDisplayData?: unknown };
    if (kernel.lastWriteDisplayData == null) return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
    return require('tslab') as Tslab;
  } catch {
    return undefined;
  }
}

/** True when running inside a tslab notebook kernel. */
export function inNotebook(): boolean {
  return tslabModule() !== undefined;
}

/** Shows PNG bytes inline (no-op outside a notebook). */
export function showPng(bytes: Uint8Array): void {
  tslabModule()?.display.png(bytes);
}

/** Shows GIF bytes inline (no-op outside a notebook). */
export function showGif(bytes: Uint8Array): void {
  tslabModule()?.display.gif(bytes);
}

/** Shows HTML inline (no-op outside a notebook). */
export function showHtml(html: string): void {
  tslabModule()?.display.html(html);
}

/**
 * Shows SVG markup inline (no-op outside a notebook), as an <img> with a data URI: HTML
 * exports (nbconvert's clean_html) strip the elements of inline SVG output, so figures would
 * be empty in the gallery; an image survives in Jupyter, nbconvert and GitHub alike.
 * JupyterLab still shows no HTML output of an untrusted notebook: prefer `showFigure`.
 */
export function showSvg(svg: string): void {
  tslabModule()?.display.html(svgImageHtml(svg));
}

/** An <img> element that shows SVG markup. */
export function svgImageHtml(svg: string, alt = 'figure'): string {
  return `<img alt="${alt}" src="data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}">`;
}

/** A display that a long task overwrites in place (tslab.newDisplay), or undefined outside a notebook. */
export function newLiveDisplay(): TslabDisplay | undefined {
  return tslabModule()?.newDisplay();
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Shows a PNG image inline: a file path (e.g. a grid the trainer wrote) or PNG bytes (e.g.
 * `lab.gridPng(images)`). Throws if they are not a PNG.
 *
 * The show* helpers return nothing on purpose: tslab prints the value of a cell's last
 * expression, so a returned value would print under every figure.
 */
export function showImage(fileOrPngBytes: string | Uint8Array): void {
  const bytes = typeof fileOrPngBytes === 'string' ? fs.readFileSync(fileOrPngBytes) : Buffer.from(fileOrPngBytes);
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw new Error(`showImage: ${typeof fileOrPngBytes === 'string' ? fileOrPngBytes : 'the bytes'} is not a PNG image.`);
  }
  showPng(bytes);
}

/**
 * A picture that a training loop redraws in place (one output, updated, instead of a new image
 * per step): `const live = lab.liveImage(); ... live.show(png)`. Outside a notebook it shows
 * nothing.
 */
export function liveImage(): { show(png: Uint8Array): void } {
  const display = newLiveDisplay();
  return { show: (png) => display?.png(png) };
}
