/**
 * The lessons' display helpers: a figure, a scatter plot, a table or a model summary shown
 * inline as PNG or HTML, built from lib/visual and lib/models/summary over the primitives of
 * lib/display.ts. They return nothing on purpose: tslab prints the value of a cell's last
 * expression, so a returned value would print under every figure.
 */
import * as tf from '@tensorflow/tfjs';
import { showPng, showHtml } from '../display';
import { Figure, figurePng } from '../visual/plot';
import { PointSet, ScatterOptions, scatterPng } from '../visual/scatter';
import { TableLike, tableHtml } from '../visual/table';
import { summarizeModel } from '../models/summary';

/**
 * Shows a figure of `lib/visual/plot` (loss curves, accuracies) inline as a PNG, which every
 * Jupyter front end shows, trusted or not (`figurePng` gives the bytes).
 */
export async function showFigure(fig: Figure, options: { width?: number; height?: number } = {}): Promise<void> {
  showPng(await figurePng(fig, options.width, options.height));
}

/** Shows a scatter plot of 2-D point sets inline (the real points and the generator's, say). */
export async function showScatter(sets: PointSet[], options: ScatterOptions = {}): Promise<void> {
  showPng(await scatterPng(sets, options));
}

/**
 * Shows a table inline as HTML: a danfo DataFrame or an array of row objects
 * (`[{ step: 1, dLoss: 0.69 }, ...]`).
 */
export function showTable(table: TableLike | Array<Record<string, unknown>>, caption?: string): void {
  showHtml(tableHtml(table, caption));
}

/**
 * Shows a model summary as an HTML table (layer, type, output shape, parameters, totals), in
 * place of TensorFlow.js's 100-character text summary. `summarizeModel` gives the numbers.
 */
export function showSummary(model: tf.LayersModel): void {
  showHtml(summarizeModel(model).html);
}
