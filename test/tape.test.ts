/**
 * The freeing backward pass (lib/engine/tape.ts): the same gradients as tfjs's own pass, less memory
 * held while it runs, and the caller's tensors left alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useCpu } from './helpers';
import { installLeanBackprop, uninstallLeanBackprop } from '../lib/engine/tape';

/** A small network with what the tutorials use: conv, BatchNorm (training mode), LeakyReLU, dense, sigmoid. */
function network(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 2] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/**
 * One first-order pass over the network. A custom op at the very start records how many bytes
 * are alive when the backward pass reaches it (the last node it processes).
 */
function gradientsAndBytesAtEnd(model: tf.LayersModel, images: tf.Tensor4D): { grads: Float32Array[]; bytesAtEnd: number } {
  let bytesAtEnd = 0;
  const probe = tf.customGrad(((x: tf.Tensor) => {
    return { value: x.clone(), gradFunc: (dy: tf.Tensor) => { bytesAtEnd = tf.memory().numBytes; return dy.clone(); } };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  // A variable scaling the input puts the probe on the path from the weights to the loss.
  const scale = tf.variable(tf.scalar(1), true, 'inputScale');
  const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
  const { value, grads } = tf.variableGrads(() => {
    const p = model.apply(probe(images.mul(scale)) as tf.Tensor, { training: true }) as tf.Tensor;
    return tf.losses.logLoss(tf.onesLike(p), p) as tf.Scalar;
  }, [...vars, scale]);
  const out = vars.map((v) => grads[v.name].dataSync() as Float32Array);
  tf.dispose([value, scale, ...Object.values(grads)]);
  return { grads: out, bytesAtEnd };
}

test('the freeing backward pass gives tfjs\'s gradients and holds less memory at its end; nothing leaks', async () => {
  await useCpu();
  const model = network();
  const images = tf.randomNormal([16, 8, 8, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
  uninstallLeanBackprop();
  gradientsAndBytesAtEnd(model, images); // builds the model and its BatchNorm statistics
  let before = tf.memory().numTensors;
  const stock = gradientsAndBytesAtEnd(model, images);
  const stockLeft = tf.memory().numTensors - before;
  installLeanBackprop();
  before = tf.memory().numTensors;
  const lean = gradientsAndBytesAtEnd(model, images);
  assert.equal(tf.memory().numTensors - before, stockLeft, 'no more tensors left behind than by the stock pass');
  assert.equal(lean.grads.length, stock.grads.length);
  lean.grads.forEach((g, i) => assert.deepEqual(g, stock.grads[i], `gradient ${i} differs`));
  // The activations and gradients of every layer above the first are freed by then.
  assert.ok(lean.bytesAtEnd < 0.75 * stock.bytesAtEnd, `bytes alive at the end: ${lean.bytesAtEnd} lean vs ${stock.bytesAtEnd} stock`);
  tf.dispose(images);
  model.dispose();
});

test('the freeing backward pass leaves the caller\'s dy and x alone, and higher-order gradients work', async () => {
  await useCpu();
  installLeanBackprop();
  const x = tf.tensor1d([1, 2, 3]);
  const dy = tf.tensor1d([1, 10, 100]);
  // y = x^3 through several ops; dy/dx = 3x^2, weighted by the caller's dy.
  const g = tf.grad((a: tf.Tensor) => a.square().mul(a).add(0))(x, dy);
  assert.deepEqual(Array.from(g.dataSync()), [3, 120, 2700]);
  assert.ok(!dy.isDisposed && !x.isDisposed, 'caller tensors are not freed');
  assert.deepEqual(Array.from(dy.dataSync()), [1, 10, 100]);
  // An identity: the gradient is dy itself, which must survive the node's clean-up.
  assert.deepEqual(Array.from(tf.grad((a: tf.Tensor) => a.clone())(x).dataSync()), [1, 1, 1]);
  // Second derivative of x^3 is 6x: a gradient taken inside another keeps the stock pass.
  const second = tf.grad((a: tf.Tensor) => tf.grad((b: tf.Tensor) => b.square().mul(b).sum())(a).sum())(x);
  assert.deepEqual(Array.from(second.dataSync()), [6, 12, 18]);
  tf.dispose([x, dy, g, second]);
});
