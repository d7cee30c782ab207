/**
 * Backpropagation that frees memory as it goes.
 *
 * TensorFlow.js 4.22's `engine.gradients` (behind `tf.variableGrads`, `tf.grad`, and every
 * `optimizer.minimize`, so every `trainOnBatch`) keeps two things alive until the whole backward
 * pass has ended: each tape node's saved activations, and the gradient of every intermediate
 * tensor. A node's saved tensors and its outputs' gradients are read once, when that node is
 * processed, so holding them to the end roughly doubles the step's peak memory. For the 64x64
 * DCGAN on wasm that peak (1.45 GB at batch 32) puts batch 128 past wasm's 4 GB address space,
 * where the step stalled instead of finishing.
 *
 * `installLeanBackprop()` wraps `engine.gradients` so that, in a first-order pass, each node
 * of the tape frees its saved tensors and the gradients of its outputs right after it has
 * produced its inputs' gradients. Values are unchanged (tests compare every gradient with
 * the stock pass); tfjs's own code is untouched. Higher-order gradients (a gradient taken inside
 * another) keep the stock behaviour.
 */
import * as tf from '@tensorflow/tfjs';

type GradientFn = (dys: Array<tf.Tensor | null> | tf.Tensor) => Record<string, () => tf.Tensor>;

/** The parts of a tfjs tape node (tfjs-core's `TapeNode`) that this file and two-losses.ts use. */
export interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  /** Tensors the op kept for its gradient. */
  saved?: tf.Tensor[];
  /** Closures giving each input's gradient, from the outputs' gradients (null: output off the path). */
  gradient?: GradientFn;
}

/** The parts of tfjs's engine used here. */
interface EngineLike {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  gradients(f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor, allowNoGradients?: boolean): { value: tf.Tensor; grads: tf.Tensor[] };
}

/**
 * Wraps one node's gradient function: the closures it returns run as before; once every one
 * of them has run, the node's saved tensors and its outputs' gradients (`dys`) are disposed,
 * except gradients that must outlive the pass (`keep`: the caller's dy and the xs' gradients).
 */
function freeingGradient(engine: EngineLike, node: TapeNode, keep: Set<number>): GradientFn {
  const original = node.gradient!;
  return (dys) => {
    const closures = original(dys);
    const dyList = Array.isArray(dys) ? dys : [dys]; // one per output, in order (null: not on the path)
    const names = Object.keys(closures);
    let pending = names.length;
    const release = () => {
      if (engine.state.gradientDepth > 0) return; // a higher-order pass may read them again
      for (const t of node.saved ?? []) t.dispose();
      node.outputs.forEach((o, i) => {
        const dy = dyList[i];
        if (dy && !keep.has(o.id) && !keep.has(dy.id)) dy.dispose();
      });
    };
    const wrapped: Record<string, () => tf.Tensor> = {};
    for (const name of names) {
      wrapped[name] = () => {
        let dx = closures[name]();
        // A gradient that is one of the dys or saved tensors themselves (an identity's) must not be freed with them.
        if (dyList.includes(dx) || node.saved?.includes(dx)) dx = dx.clone();
        if (--pending === 0) release();
        return dx;
      };
    }
    if (pending === 0) release();
    return wrapped;
  };
}

let stock: EngineLike['gradients'] | undefined;

const engineClass = () => Object.getPrototypeOf(tf.engine()) as EngineLike;

/** Puts tfjs's own backward pass back (tests compare the two). */
export function uninstallLeanBackprop(): void {
  if (stock) engineClass().gradients = stock;
  stock = undefined;
}

/** Installs the freeing backward pass on tfjs's engine (idempotent, every backend). */
export function installLeanBackprop(): void {
  if (stock) return;
  const proto = engineClass();
  const original = proto.gradients;
  stock = original;
  proto.gradients = function (this: EngineLike, f, xs, dy, allowNoGradients) {
    const keep = new Set<number>([...xs.map((x) => x.id), ...(dy ? [dy.id] : [])]);
    const recording = () => {
      const y = f();
      // Only the outermost tape (depth 1 while f runs) is wrapped, each of its nodes once; a
      // gradient taken inside f ends its f at depth 2 and stays stock.
      if (this.state.gradientDepth === 1) {
        for (const node of this.state.activeTape ?? []) {
          if (node.gradient) node.gradient = freeingGradient(this, node, keep);
        }
      }
      return y;
    };
    return original.call(this, recording, xs, dy, allowNoGradients);
  };
}
