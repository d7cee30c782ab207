/**
 * Several losses, each differentiated for its own variables, from ONE recorded forward pass:
 * what TensorFlow's `GradientTape` does when two tapes watch the same computation (tutorial
 * 003's `gen_tape.gradient(gen_loss, G)` and `disc_tape.gradient(disc_loss, D)`).
 *
 * TensorFlow.js 4.22 has no public API for it: `tf.variableGrads` / `engine.gradients` record
 * a forward pass, run one backward pass from one output and then free the tape, so a second
 * loss needs a second forward pass (more arithmetic, and a second update of BatchNormalization's
 * moving statistics and fresh dropout masks that the tutorial's step does not make). Rejected
 * alternatives: summing the losses gives each network the other loss's gradient as well (the
 * cross terms: disc_loss for G, gen_loss for D); `tf.customGrad` changes how gradients flow
 * through an op, not how many backward passes one recorded forward pass gets.
 *
 * `gradientsOfLosses` drives the recording itself, with tfjs's own tape:
 *
 * - `engine.startTape()` / `engine.endTape()` around the forward pass (as `engine.gradients`
 *   does); while `state.gradientDepth > 0` every kernel pushes a node (inputs, outputs, its
 *   gradient function, and the tensors it `saved` for it) onto `state.activeTape`;
 * - then, with recording off, one backward pass per loss over that same tape, each over the
 *   nodes on a path from its variables to its loss (tfjs-core's `getFilteredNodesXToY` and
 *   `backpropagateGradients` in `tape.js`, re-implemented here: the node bundle does not
 *   export them and their ESM file cannot be required);
 * - finally the saved tensors are disposed and `state.activeTape` set back to null, as
 *   `engine.gradients` does at depth 0.
 *
 * Like `installLeanBackprop` (tape.ts), the backward passes free as they go: each node's
 * outputs' gradients once it has produced its inputs' gradients, and its saved tensors after
 * the LAST pass that goes through it (a node that several losses share keeps them until then);
 * nodes on no path (metrics computed in the forward pass, BatchNormalization's moving-average
 * updates) give theirs back before the first backward pass starts.
 */
import * as tf from '@tensorflow/tfjs';
import type { TapeNode } from './tape';

/** The parts of tfjs's engine used here. */
interface RecordingEngine {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  startTape(): void;
  endTape(): void;
}

/** The result of `gradientsOfLosses`. */
export interface LossesAndGradients<Values extends Record<string, tf.Tensor>, Loss extends keyof Values> {
  /** Every tensor the forward pass returned, the losses among them; the caller disposes them. */
  values: Values;
  /** Per differentiated loss, its gradient for each of its variables by variable name (as `tf.variableGrads` gives them); the caller disposes them. */
  grads: Record<Loss, tf.NamedTensorMap>;
}

function recordingEngine(): RecordingEngine {
  const engine = tf.engine() as unknown as RecordingEngine;
  if (typeof engine.startTape !== 'function' || typeof engine.endTape !== 'function' || typeof engine.state.gradientDepth !== 'number') {
    throw new Error('gradientsOfLosses: tf.engine() has no startTape/endTape/state.gradientDepth (tfjs internals changed?).');
  }
  return engine;
}

/**
 * Runs `forward` once with gradient recording on, then differentiates each loss named in
 * `variablesOf` (a scalar that `forward` returned) for its own variables, over that one
 * recording, in the order of `variablesOf`'s keys. Same values as one `tf.variableGrads` per
 * loss, each with its own forward pass, when running the forward pass again gives the same
 * numbers: no dropout (BatchNormalization in training mode qualifies: it normalizes by the
 * batch's own statistics; only its moving statistics move fewer times).
 *
 * The forward pass's intermediate tensors are freed when it returns; what the backward passes
 * need is what each op saved for its gradient, held until the last pass that needs it. Cannot
 * be nested inside another gradient computation (higher-order gradients are not supported).
 */
export function gradientsOfLosses<Values extends Record<string, tf.Tensor>, Loss extends keyof Values & string>(
  forward: () => Values,
  variablesOf: Record<Loss, tf.Variable[]>,
): LossesAndGradients<Values, Loss> {
  const engine = recordingEngine();
  if (engine.state.gradientDepth !== 0) throw new Error('gradientsOfLosses cannot run inside another gradient computation (tf.grad, tf.variableGrads, optimizer.minimize).');
  const losses = Object.keys(variablesOf) as Loss[];
  let values: Values | undefined;
  const grads = {} as Record<Loss, tf.NamedTensorMap>;
  try {
    const recorded = recordForward(engine, forward);
    values = recorded;
    const tape = engine.state.activeTape ?? [];
    const paths = losses.map((loss) => nodesFromXsToY(tape, variablesOf[loss], scalarLoss(recorded, loss)));
    const lastPass = lastPassThroughEachNode(paths);
    disposeSaved(tape.filter((node) => !lastPass.has(node.id)));
    losses.forEach((loss, pass) => {
      grads[loss] = backpropagate(paths[pass], scalarLoss(recorded, loss), variablesOf[loss], (node) => lastPass.get(node.id) === pass);
    });
    return { values: recorded, grads };
  } catch (err) {
    tf.dispose([values ?? [], grads]);
    throw err;
  } finally {
    disposeSaved(engine.state.activeTape ?? []); // a no-op for what the passes freed; everything after an error
    engine.state.activeTape = null;
  }
}

function scalarLoss(values: Record<string, tf.Tensor>, loss: string): tf.Scalar {
  const y = values[loss];
  if (!(y instanceof tf.Tensor) || y.rank !== 0) throw new Error(`gradientsOfLosses: forward() must return the loss "${loss}" as a scalar.`);
  return y as tf.Scalar;
}

/** `forward()` on a fresh tape, its intermediate tensors freed (kept: what it returns, what ops saved). */
function recordForward<Values extends Record<string, tf.Tensor>>(engine: RecordingEngine, forward: () => Values): Values {
  engine.startTape();
  try {
    if (!Array.isArray(engine.state.activeTape)) throw new Error('gradientsOfLosses: startTape() made no state.activeTape (tfjs internals changed?).');
    return tf.tidy('forward', forward);
  } finally {
    engine.endTape();
  }
}

/**
 * The nodes of `tape` on a path from one of `xs` to `y`, in tape order, each copied with only
 * its inputs that depend on `xs` (the gradients worth computing). tfjs-core's
 * `getFilteredNodesXToY`.
 */
function nodesFromXsToY(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const dependsOnXs = new Set(xs.map((x) => x.id));
  const fromXs = new Set<number>();
  for (const node of tape) {
    if (inputsOf(node).some((t) => dependsOnXs.has(t.id))) {
      fromXs.add(node.id);
      node.outputs.forEach((o) => dependsOnXs.add(o.id));
    }
  }
  const leadsToY = new Set([y.id]);
  const toY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => leadsToY.has(o.id))) {
      toY.add(node.id);
      inputsOf(node).forEach((t) => leadsToY.add(t.id));
    }
  }
  return tape
    .filter((node) => fromXs.has(node.id) && toY.has(node.id))
    .map((node) => ({ ...node, inputs: Object.fromEntries(Object.entries(node.inputs).filter(([, t]) => t != null && dependsOnXs.has(t.id))) }));
}

function inputsOf(node: TapeNode): tf.Tensor[] {
  return Object.values(node.inputs).filter((t) => t != null);
}

/** For each node on some path, the index of the last path through it (its saved tensors are freed there). */
function lastPassThroughEachNode(paths: TapeNode[][]): Map<number, number> {
  const last = new Map<number, number>();
  paths.forEach((path, pass) => path.forEach((node) => last.set(node.id, pass)));
  return last;
}

function disposeSaved(nodes: TapeNode[]): void {
  for (const node of nodes) for (const t of node.saved ?? []) t.dispose();
}

/**
 * One backward pass from `y` (seeded with ones) over `path`, freeing each node's outputs'
 * gradients once it is processed, and its saved tensors where `lastUse(node)`. Returns the
 * gradients of the `xs` that `y` depends on, by variable name. tfjs-core's
 * `backpropagateGradients`, leaner.
 */
function backpropagate(path: TapeNode[], y: tf.Scalar, xs: tf.Variable[], lastUse: (node: TapeNode) => boolean): tf.NamedTensorMap {
  return tf.tidy('backward', () => {
    const gradientOf = new Map<number, tf.Tensor>([[y.id, tf.onesLike(y)]]);
    const isX = new Set(xs.map((x) => x.id));
    for (let i = path.length - 1; i >= 0; i--) {
      const node = path[i];
      const dys = node.outputs.map((o) => gradientOf.get(o.id) ?? null);
      for (const [name, dx] of Object.entries(inputGradients(node, dys))) accumulate(gradientOf, node.inputs[name], dx);
      for (const o of node.outputs) {
        if (isX.has(o.id)) continue;
        gradientOf.get(o.id)?.dispose();
        gradientOf.delete(o.id);
      }
      if (lastUse(node)) disposeSaved([node]);
    }
    const grads: tf.NamedTensorMap = {};
    for (const x of xs) {
      const g = gradientOf.get(x.id);
      if (g) grads[x.name] = g;
    }
    if (Object.keys(grads).length === 0) throw new Error(`gradientsOfLosses: the loss does not depend on any of its ${xs.length} variables.`);
    return grads;
  });
}

/**
 * The gradient of each of `node`'s (pruned) inputs, computed in a scope of their own so that the
 * node's temporaries (zeros for outputs off the path included) are freed at once. A gradient that
 * is one of the node's dys or saved tensors (an identity's) is cloned: those are freed after it.
 */
function inputGradients(node: TapeNode, dys: Array<tf.Tensor | null>): Record<string, tf.Tensor> {
  if (!node.gradient) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
  const gradientFn = node.gradient;
  return tf.tidy(() => {
    const closures = gradientFn(dys);
    const dxs: Record<string, tf.Tensor> = {};
    for (const [name, x] of Object.entries(node.inputs)) {
      if (!(name in closures)) throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}. Available gradients found: ${Object.keys(closures)}.`);
      let dx = closures[name]();
      if (dx.dtype !== 'float32') throw new Error(`Error in gradient for op ${node.kernelName}: the gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'.`);
      if (!tf.util.arraysEqual(dx.shape, x.shape)) throw new Error(`Error in gradient for op ${node.kernelName}: the gradient of input '${name}' has shape '${dx.shape}', not the input's '${x.shape}'.`);
      if (dys.includes(dx) || node.saved?.includes(dx) || Object.values(dxs).includes(dx)) dx = dx.clone();
      dxs[name] = dx;
    }
    return dxs;
  });
}

/** Adds `dx` to the gradient held for `x`, freeing the two addends. */
function accumulate(gradientOf: Map<number, tf.Tensor>, x: tf.Tensor, dx: tf.Tensor): void {
  const current = gradientOf.get(x.id);
  if (!current) {
    gradientOf.set(x.id, dx);
    return;
  }
  gradientOf.set(x.id, tf.add(current, dx));
  current.dispose();
  dx.dispose();
}
