/**
 * Showing results inline in a tslab notebook. Outside a notebook (a script, a test) these
 * functions do nothing, so the same library code runs everywhere.
 */

interface TslabDisplay {
  png(bytes: Uint8Array): void;
  gif(bytes: Uint8Array): void;
  html(html: string): void;
  svg(svg: string): void;
  text(text: string): void;
}

interface Tslab {
  display: TslabDisplay;
  newDisplay(): TslabDisplay;
}

/** The tslab module when this code runs inside a tslab kernel, else undefined. */
export function tslabModule(): Tslab | undefined {
  try {
    // tslab sets lastWriteDisplayData once its kernel is executing cells.
    const kernel = require('tslab/dist/jupyter') as { lastWriteDisplayData?: unknown };
    if (kernel.lastWriteDisplayData == null) return undefined;
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
