/**
 * A network described in a line: its layers' classes in order and its parameter count, and what
 * differs between two networks in words ("Dropout: 0 here, 2 in the library's"). Training runs
 * print it so that a student sees which network is being trained, and lesson checks use it to
 * say what a changed cell changed.
 */
import * as tf from '@tensorflow/tfjs';

export interface NetworkDescription {
  /** Layer classes in order (nested models flattened; input layers left out). */
  layers: string[];
  params: number;
}

/** The classes of `model`'s layers, in order, nested models flattened. */
function layerClasses(model: tf.LayersModel): string[] {
  return model.layers.flatMap((layer) => {
    if (layer instanceof tf.LayersModel) return layerClasses(layer);
    const name = layer.getClassName();
    return name === 'InputLayer' ? [] : [name];
  });
}

export function describeNetwork(model: tf.LayersModel): NetworkDescription {
  return { layers: layerClasses(model), params: model.countParams() };
}

/** `Conv2D, LeakyReLU, Conv2D, ...` with runs shortened: `Conv2D, LeakyReLU x2`. */
export function layerList(layers: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < layers.length; ) {
    let j = i;
    while (j < layers.length && layers[j] === layers[i]) j++;
    out.push(j - i > 1 ? `${layers[i]} x${j - i}` : layers[i]);
    i = j;
  }
  return out.join(', ');
}

/**
 * What differs between `mine` and `reference`, in words, or [] when they have the same layers
 * in the same order and the same parameter count.
 */
export function networkDifferences(mine: NetworkDescription, reference: NetworkDescription, referenceName = "the library's"): string[] {
  const out: string[] = [];
  const count = (layers: string[]) => layers.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
  const a = count(mine.layers);
  const b = count(reference.layers);
  for (const cls of new Set([...a.keys(), ...b.keys()])) {
    const here = a.get(cls) ?? 0;
    const there = b.get(cls) ?? 0;
    if (here !== there) out.push(`${cls}: ${here} here, ${there} in ${referenceName}`);
  }
  if (!out.length && mine.layers.join() !== reference.layers.join()) out.push(`the same layers in another order (${layerList(mine.layers)})`);
  if (mine.params !== reference.params) out.push(`${mine.params.toLocaleString('en')} parameters, ${reference.params.toLocaleString('en')} in ${referenceName}`);
  return out;
}
