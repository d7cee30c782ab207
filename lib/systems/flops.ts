/**
 * The arithmetic of a system's training step, from its layer shapes: what the bench divides by
 * a step's time to give the rate reached (and the bound it compares with).
 */
import * as tf from '@tensorflow/tfjs';
import { GanSystem } from './registry';
import { GanModels } from '../models/gan';
import { tapeStep } from '../training/tape-step';

/**
 * Multiply-add FLOPs (2 per multiply-add) of one sample through a model's convolutions,
 * transposed convolutions and dense layers, nested models included. Bias adds, activations,
 * BatchNorm, embeddings and the optimizer's updates are left out (a few percent at most here).
 */
export function forwardFlops(model: tf.LayersModel): number {
  let flops = 0;
  const prod = (dims: Array<number | null>) => dims.reduce((a: number, b) => a * (b ?? 1), 1);
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      flops += forwardFlops(layer);
      continue;
    }
    const kernel = layer.weights.find((w) => /kernel/.test(w.originalName ?? w.name))?.shape;
    if (!kernel) continue;
    const name = layer.getClassName();
    // Shapes where the layer was first applied (every application has the same ones here).
    const inputShape = (layer.getInputAt(0) as tf.SymbolicTensor).shape;
    if (name === 'Conv2D') {
      const [, h, w] = (layer.getOutputAt(0) as tf.SymbolicTensor).shape as number[]; // [kh, kw, in, out]
      flops += 2 * h * w * prod(kernel);
    } else if (name === 'Conv2DTranspose') {
      const [, h, w] = inputShape as number[]; // [kh, kw, out, in]: every input pixel scatters a kh x kw x out patch
      flops += 2 * h * w * prod(kernel);
    } else if (name === 'Dense') {
      // [batch, ..., in]: the kernel applies to each row
      flops += 2 * prod(inputShape.slice(1, -1)) * prod(kernel);
    }
  }
  return flops;
}

/**
 * FLOPs of one training iteration of `system` as `npm run bench` runs it, counting a trained
 * network's forward and backward pass (input and weight gradients) as 3 forward passes, the
 * frozen D under the generator's update as 2 (forward and input gradients), a forward pass only
 * (the fake images for D) as 1. Keras-style step (B = batch, n = images D sees of each kind):
 * G forward on n, D trained on 2n, G trained through D on B. Tutorial 003's tape step (S4): one
 * forward pass of G on B and of D on B real + B fake, D trained on both, G trained through D on
 * the fakes (D's input gradients on the fakes are computed by both backward passes: 4 for D
 * there).
 */
export function stepFlops(system: GanSystem, models: GanModels): number {
  const g = forwardFlops(models.generator);
  const d = forwardFlops(models.discriminator);
  const b = system.batchSize;
  if (system.step === tapeStep) return b * (3 * g + 3 * d + 4 * d);
  const n = system.split === 'half' ? b / 2 : b;
  return n * g + 2 * n * 3 * d + b * (3 * g + 2 * d);
}
