// Graded tests of the assignment made from notebooks/06b-dcgan-fashion.ipynb (npm run assignments).
// Format: see course/tests/02-discriminator.ts. lab.check.model compares fresh copies of your
// network and the library's (layers, predictions with the same weights, two training steps);
// under grading it prints one line, and lab.check.last() says whether they agreed.

//# test fashion-generator points=2 after=const generator = defineGenerator();
import * as assert from 'node:assert/strict';
{
  const model = defineGenerator();
  assert.equal(model.countParams(), 840705, `Tutorial 001's generator has 840,705 parameters; yours has ${model.countParams().toLocaleString('en')}.`);
  assert.equal(JSON.stringify(model.outputs[0].shape), JSON.stringify([null, 28, 28, 1]), `The generator draws 28x28x1 images; yours gives ${JSON.stringify(model.outputs[0].shape)}.`);
  model.dispose();
  await lab.check.model('your generator', () => defineGenerator(), lab.models.dcganFashion.defineGenerator);
  const outcome = lab.check.last()!;
  assert.ok(outcome.same, `Your generator should be tutorial 001's: ${outcome.differences.join('; ')}.`);
}

//# test fashion-discriminator points=2 after=const discriminator = defineDiscriminator(sizes.lr, sizes.beta1);
import * as assert from 'node:assert/strict';
{
  await lab.check.model('your discriminator', () => defineDiscriminator(), lab.models.dcganFashion.defineDiscriminator);
  const outcome = lab.check.last()!;
  assert.ok(outcome.same, `Your discriminator (with its default Adam(0.001, 0.9)) should be tutorial 001's: ${outcome.differences.join('; ')}.`);
}

//# test fashion-composite points=1 after=const gan = defineGan(generator, discriminator, sizes.lr, sizes.beta1);
import * as assert from 'node:assert/strict';
{
  const g = lab.models.dcganFashion.defineGenerator();
  const d = lab.models.dcganFashion.defineDiscriminator();
  const model = defineGan(g, d);
  const gTrainable = g.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((x, y) => x * y, 1), 0);
  assert.ok(model.layers[0] === g && model.layers[1] === d, 'The composite should stack the generator it was given, then the discriminator.');
  assert.equal(lab.models.compositeTrainableParams(model), gTrainable, `Only the generator's ${gTrainable.toLocaleString('en')} trainable parameters should train in the composite; ${lab.models.compositeTrainableParams(model).toLocaleString('en')} do. Freeze d before compile().`);
  assert.ok(d.trainable, 'After defineGan the discriminator should be trainable again for its own updates.');
}

//# test fashion-step points=3 after=async function trainStep(
import * as assert from 'node:assert/strict';
{
  const fashion = await lab.data.loadFashionMnist({ limit: 64 });
  const real = lab.data.scaleToSymmetric(fashion.train.images.slice(0, 16)) as tf.Tensor4D;
  await lab.check.step('your training step', {
    build: () => lab.buildSystem(lab.getSystem('dcgan-fashion')),
    mine: (m, x) => trainStep(m.generator, m.discriminator, m.gan, x),
    library: lab.trainStep,
    real,
    stepOptions: { generatorBatch: 16 },
    tolerance: 1e-5,
  });
  lab.data.disposeDataset(fashion);
  real.dispose();
  const outcome = lab.check.last()!;
  assert.ok(outcome.same, `Two of your training steps should give the same losses and weights as tutorial 001's from the same start: ${outcome.differences.join('; ')}.`);
}
