// Graded tests of the assignment made from notebooks/05-training.ipynb (npm run assignments).
// Format: see course/tests/02-discriminator.ts.

//# test fake-samples points=1 after=function generateFakeSamples(
import * as assert from 'node:assert/strict';
{
  const gen = lab.models.dcganMnist.defineGenerator(100);
  const [x, y] = generateFakeSamples(gen, 100, 8);
  assert.deepEqual(x.shape, [8, 28, 28, 1], `generateFakeSamples(g, 100, 8) should return 8 images, [8, 28, 28, 1]; yours returns ${JSON.stringify(x.shape)}.`);
  assert.deepEqual(y.shape, [8, 1], `The labels should be one column, [8, 1]; yours are ${JSON.stringify(y.shape)}.`);
  const labels = Array.from(y.dataSync());
  assert.ok(labels.every((v) => v === 0), `Fake images are labelled 0; yours are ${labels.join(', ')}.`);
  const spread = tf.tidy(() => tf.sub(x.slice(0, 1), x.slice(1, 1)).abs().max().dataSync()[0]);
  tf.dispose([x, y, ...gen.getWeights()]);
  assert.ok(spread > 0, 'Each fake should come from its own random latent point: your first two images are identical.');
}

//# test train-step points=3 after=async function trainStep(
import * as assert from 'node:assert/strict';
{
  const dm = defineDiscriminator([28, 28, 1], 0.0002);
  const gm = defineGenerator(100);
  const gn = defineGan(gm, dm, 0.0002);
  const real = dataset.slice(0, 32) as tf.Tensor4D;
  const fakes = tf.tidy(() => gm.predict(tf.randomNormal([32, 100])) as tf.Tensor4D);
  const meanP = (x: tf.Tensor4D) => tf.tidy(() => (dm.predict(x) as tf.Tensor).mean().dataSync()[0]);
  const [realBefore, fakeBefore] = [meanP(real), meanP(fakes)];
  const gBefore = gm.getWeights().map((w) => w.clone());
  const out = await trainStep(gm, dm, gn, real, 100, 64);
  const [realAfter, fakeAfter] = [meanP(real), meanP(fakes)];
  const gMoved = gm.getWeights().some((w, i) => tf.tidy(() => w.notEqual(gBefore[i]).any().dataSync()[0] === 1));
  tf.dispose([real, fakes, ...gBefore]);
  assert.ok(out && Number.isFinite(out.dLoss) && Number.isFinite(out.gLoss), `trainStep should return { dLoss, gLoss } as numbers; yours returned ${JSON.stringify(out)}.`);
  // One step from random weights moves both D(real) and D(fake) (mostly through the output's bias),
  // but it always separates them: D(real) - D(fake) grows (by about 0.006 in ten seeded tries).
  const gapBefore = realBefore - fakeBefore;
  const gapAfter = realAfter - fakeAfter;
  assert.ok(gapAfter - gapBefore > 0.001, `After one step the discriminator should tell the real batch from the generator's images better: D(real) - D(fake) went from ${gapBefore.toFixed(4)} to ${gapAfter.toFixed(4)}. Are the real images labelled 1 and the fakes 0, in one trainOnBatch of the discriminator?`);
  assert.ok(gMoved, "The step should also train the generator, through the composite (ganModel.trainOnBatch with labels 1): its weights did not move.");
}
