/**
 * Keras-style model summaries: each layer's name, class, output shape and parameters, and the
 * totals, with "trainable" counted as Keras counts it for a compiled model (what compile()
 * collected: a discriminator frozen inside a composite stays out). The HTML is what
 * `lab.showSummary` shows.
 */
import * as tf from '@tensorflow/tfjs';
import { escapeHtml } from '../visual/table';
import { collectedTrainableWeights, countWeights, isCompiled } from '../engine/tfjs-internals';

export interface SummaryRow {
  /** The name shown: Keras-style (`conv2d_1`) for TensorFlow.js's automatic names, else the layer's own. */
  name: string;
  /** The layer's name in TensorFlow.js (`conv2d_Conv2D3`), which getLayer() takes. */
  tfName: string;
  /** Its class (`Conv2D`, `LeakyReLU`, `Sequential` for a nested model). */
  type: string;
  /** Keras-style output shape, e.g. `(None, 14, 14, 64)`. */
  outputShape: string;
  params: number;
}

export interface ModelSummary {
  name: string;
  rows: SummaryRow[];
  totalParams: number;
  /**
   * Parameters that `trainOnBatch` updates: for a compiled model the weights compile()
   * collected (so a discriminator frozen inside a composite model is not counted, even after
   * it was made trainable again for its own updates), else the weights marked trainable.
   */
  trainableParams: number;
  nonTrainableParams: number;
  html: string;
}


/** `[null, 14, 14, 64]` as `(None, 14, 14, 64)`; several outputs are listed. */
function kerasShape(shape: unknown): string {
  if (!Array.isArray(shape)) return String(shape);
  if (shape.length && Array.isArray(shape[0])) return shape.map(kerasShape).join(', ');
  return `(${shape.map((d) => (d == null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** snake_case of a class name as Keras and TensorFlow.js write it (`LeakyReLU` -> `leaky_re_lu`). */
function snake(name: string): string {
  const s = name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return s.startsWith('_') ? s.slice(1) : s;
}

/**
 * The rows of a Keras-style summary of `model`. TensorFlow.js names layers `conv2d_Conv2D3`
 * (a counter per class over the whole session); those automatic names are shown as a fresh
 * Keras session would name the layers of this model alone: `conv2d`, `conv2d_1`, ... Names the
 * code gave its layers are shown as given.
 */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const seen = new Map<string, number>();
  const rows: SummaryRow[] = model.layers.map((layer) => {
    const type = layer.getClassName();
    const prefix = snake(type);
    // Layers: `conv2d_Conv2D3`; nested models: `sequential_2`, `model_1`.
    const auto = new RegExp(`^${prefix}_${type}\\d+$`).test(layer.name) || (layer instanceof tf.LayersModel && /^(sequential|model)_\d+$/.test(layer.name));
    let name = layer.name;
    if (auto) {
      const k = seen.get(prefix) ?? 0;
      seen.set(prefix, k + 1);
      name = k === 0 ? prefix : `${prefix}_${k}`;
    }
    return { name, tfName: layer.name, type, outputShape: kerasShape(layer.outputShape), params: layer.countParams() };
  });
  const totalParams = countWeights(model.weights);
  const collected = collectedTrainableWeights(model);
  const compiled = isCompiled(model);
  const trainableParams = compiled ? countWeights(collected!) : countWeights(model.trainableWeights);
  const nonTrainableParams = totalParams - trainableParams;
  const fmt = (n: number) => n.toLocaleString('en');
  const cell = 'style="text-align:left;padding:2px 12px"';
  const num = 'style="text-align:right;padding:2px 12px"';
  const body = rows.map((r) => `<tr><td ${cell} title="TensorFlow.js name: ${escapeHtml(r.tfName)}">${escapeHtml(r.name)} (${escapeHtml(r.type)})</td><td ${cell}>${escapeHtml(r.outputShape)}</td><td ${num}>${fmt(r.params)}</td></tr>`).join('');
  const foot = [
    ['Total params', totalParams],
    [compiled ? 'Trainable params (updated by trainOnBatch)' : 'Trainable params', trainableParams],
    ['Non-trainable params', nonTrainableParams],
  ].map(([label, n]) => `<tr><th ${cell} colspan="2">${label}</th><td ${num}>${fmt(n as number)}</td></tr>`).join('');
  // TensorFlow.js names models sequential_1, sequential_2...; Keras would say "sequential".
  const modelName = /^(sequential|model)_\d+$/.test(model.name) ? model.name.replace(/_\d+$/, '') : model.name;
  const html = `<table><caption>Model: "${escapeHtml(modelName)}"</caption><thead><tr><th ${cell}>Layer (type)</th><th ${cell}>Output Shape</th><th ${num}>Param #</th></tr></thead><tbody>${body}</tbody><tfoot>${foot}</tfoot></table>`;
  return { name: modelName, rows, totalParams, trainableParams, nonTrainableParams, html };
}
