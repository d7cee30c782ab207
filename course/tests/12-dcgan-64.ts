// Graded tests of the assignment made from notebooks/12-dcgan-64.ipynb (npm run assignments).
// Format: see course/tests/02-discriminator.ts.

//# test tape-step points=3 after=async function trainStep(
import * as assert from 'node:assert/strict';
{
  const probe = tf.tidy(() => lab.data.padMnistTo64(lab.data.scaleToSymmetric(mnist.train.images.slice(0, 4)) as tf.Tensor4D));
  let out: { dLoss: number; gLoss: number; realP: number; fakeP: number } | undefined;
  await lab.check.step('your GradientTape step', {
    build: () => lab.buildSystem(lab.getSystem('dcgan-64')),
    mine: async (m, images) => (out = await trainStep(m.generator, m.discriminator, m.gan.optimizer!, m.discriminator.optimizer!, images)),
    library: lab.tapeStep,
    real: probe,
    tolerance: 1e-5,
  });
  probe.dispose();
  const outcome = lab.check.last()!;
  assert.ok(out && [out.dLoss, out.gLoss, out.realP, out.fakeP].every(Number.isFinite), `trainStep should return { dLoss, gLoss, realP, fakeP } as numbers; yours returned ${JSON.stringify(out)}.`);
  assert.ok(outcome.same, `Two steps of your trainStep should give the same losses and weights as tutorial 003's step from the same start: ${outcome.differences.join('; ')}.`);
}

//# test schedule points=1 after=function piecewiseConstantDecay(
import * as assert from 'node:assert/strict';
{
  const s = piecewiseConstantDecay([10, 20, 25], [1, 0.1, 0.01, 0.001]);
  const at = [1, 10, 11, 20, 21, 25, 26, 35].map((e) => s(e));
  assert.deepEqual(at, [1, 1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001],
    `piecewiseConstantDecay([10, 20, 25], [1, 0.1, 0.01, 0.001]) at epochs 1, 10, 11, 20, 21, 25, 26, 35 should give 1, 1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001; yours gives ${at.join(', ')}.`);
  const one = piecewiseConstantDecay([], [5]);
  assert.equal(one(100), 5, 'With no boundaries the schedule is the single value at every epoch.');
}
