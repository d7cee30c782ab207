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
import { gradientsOfLosses } from '../engine/two-losses';


function bce(target: number, p: tf.Tensor): tf.Scalar {
  return tf.losses.logLoss(tf.fill(p.shape, target), p, undefined, 1e-7) as tf.Scalar;
}

/**
 * One step as the tutorial's `train_step` computes it: ONE forward pass of each network on each
 * batch (D on the real batch, G on z, D on G's images), then disc_loss differentiated for D's
 * weights and gen_loss for G's weights, D's gradients applied by the discriminator's optimizer
 * and G's by the composite's. So BatchNormalization's moving statistics move once per forward
 * pass, and dropout draws one mask per pass, as in the tutorial (the step it replaces ran G and
 * D on the fakes twice: ~20 % more arithmetic and extra moving-statistics updates).
 *
 * Two recordings instead of the tutorial's one tape, for memory: D on the real batch is recorded
 * and differentiated (BCE(1, D(x)) for D's weights) before G runs, so its activations are gone
 * when G's and D's on the fakes are alive; then G and D on the fakes are recorded once and
 * differentiated twice (`gradientsOfLosses`): BCE(0, D(G(z))) for D's weights, gen_loss for
 * G's. disc_loss's gradient is the sum of its two terms', so D gets the same gradient as from
 * the tutorial's tape. Peak memory (`tf.profile`, native, 64x64 at batch 128, 273 MiB of weights
 * and optimizer state included): 2790 MiB, against 2878 for the two-pass step and 3712 for one
 * recording of all three passes (too close to wasm's 4 GB).
 *
 * Arithmetic per image (a forward pass of G or D counts 1, each of its two gradients 1): G 3, D
 * on the real image 3, D on the fake 4 (forward, weight and input gradients for its loss, input
 * gradients again for gen_loss, as the tutorial's two tapes also do): 3g + 7d, against 4g + 8d.
 */
export async function tapeStep(models: GanModels, real: tf.Tensor4D, options: StepOptions = {}): Promise<StepLosses & { realP: number; fakeP: number }> {
  const n = options.generatorBatch ?? real.shape[0];
  const realTarget = options.realLabel ?? 1;
  const dVars = trainableVariables(models.discriminator);
  const gVars = trainableVariables(models.generator);
  const z = generateLatentPoints(models.latentDim, n);
  const realPass = gradientsOfLosses(() => {
    const realOutput = models.discriminator.apply(real, { training: true }) as tf.Tensor;
    return { realLoss: bce(realTarget, realOutput), realP: realOutput.mean() };
  }, { realLoss: dVars });
  const fakePass = gradientsOfLosses(() => {
    const generated = models.generator.apply(z, { training: true }) as tf.Tensor;
    const fakeOutput = models.discriminator.apply(generated, { training: true }) as tf.Tensor;
    return { fakeLoss: bce(0, fakeOutput), genLoss: bce(1, fakeOutput), fakeP: fakeOutput.mean() };
  }, { fakeLoss: dVars, genLoss: gVars });
  const discGrads = tf.tidy(() => Object.fromEntries(Object.entries(realPass.grads.realLoss).map(([name, g]) => [name, g.add(fakePass.grads.fakeLoss[name])])));
  models.discriminator.optimizer.applyGradients(discGrads);
  models.gan.optimizer.applyGradients(fakePass.grads.genLoss);
  const read = (t: tf.Tensor) => t.dataSync()[0];
  const losses = {
    dLoss: read(realPass.values.realLoss) + read(fakePass.values.fakeLoss),
    gLoss: read(fakePass.values.genLoss),
    realP: read(realPass.values.realP),
    fakeP: read(fakePass.values.fakeP),
  };
  tf.dispose([z, realPass.values, realPass.grads, fakePass.values, fakePass.grads, discGrads]);
  return losses;
}
