/**
 * Tutorial 003's custom training step (the GradientTape style): one batch of noise, the
 * generator and the discriminator both in training mode, both losses computed from the same
 * discriminator outputs, and each network's gradients applied by its own optimizer. Used by
 * the loop as an alternative to the Keras-style `trainStep` (same loop, same callbacks).
 *
 *   gen_loss  = BCE(1, D(G(z)))
 *   disc_loss = BCE(1, D(x)) + BCE(0, D(G(z)))
 */
import * as tf from '@tensorflow/tfjs';
import { GanModels, generateLatentPoints } from '../models/gan';
import { StepLosses, StepOptions } from './step';
import { trainableVariables } from '../engine/tfjs-internals';


function bce(target: number, p: tf.Tensor): tf.Scalar {
  return tf.losses.logLoss(tf.fill(p.shape, target), p, undefined, 1e-7) as tf.Scalar;
}

export async function tapeStep(models: GanModels, real: tf.Tensor4D, options: StepOptions = {}): Promise<StepLosses & { realP: number; fakeP: number }> {
  const n = options.generatorBatch ?? real.shape[0];
  const gVars = trainableVariables(models.generator);
  const dVars = trainableVariables(models.discriminator);
  const z = generateLatentPoints(models.latentDim, n);
  const realTarget = options.realLabel ?? 1;
  let realP = 0;
  let fakeP = 0;
  // Discriminator: gradients of disc_loss for D's weights. G's forward pass runs before the tape:
  // D's gradients do not flow into G, and inside the tape every activation of G would stay alive
  // until D's backward pass ends (at batch 128 of the 64x64 model, ~0.75 GB more at the peak).
  const fakeForD = tf.tidy(() => models.generator.apply(z, { training: true }) as tf.Tensor);
  const d = tf.variableGrads(() => {
    const onReal = models.discriminator.apply(real, { training: true }) as tf.Tensor;
    const onFake = models.discriminator.apply(fakeForD, { training: true }) as tf.Tensor;
    realP = onReal.mean().dataSync()[0];
    fakeP = onFake.mean().dataSync()[0];
    return bce(realTarget, onReal).add(bce(0, onFake)) as tf.Scalar;
  }, dVars);
  // Generator: gradients of gen_loss for G's weights, through D (whose weights stay as they are).
  const g = tf.variableGrads(() => {
    const fake = models.generator.apply(z, { training: true }) as tf.Tensor;
    return bce(1, models.discriminator.apply(fake, { training: true }) as tf.Tensor);
  }, gVars);
  models.discriminator.optimizer.applyGradients(d.grads);
  models.gan.optimizer.applyGradients(g.grads);
  const losses = { dLoss: d.value.dataSync()[0], gLoss: g.value.dataSync()[0], realP, fakeP };
  tf.dispose([z, fakeForD, d.value, g.value, ...Object.values(d.grads), ...Object.values(g.grads)]);
  return losses;
}
