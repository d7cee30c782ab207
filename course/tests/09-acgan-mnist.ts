// Graded tests of the assignment made from notebooks/09-acgan-mnist.ipynb (npm run assignments).
// Format: see course/tests/02-discriminator.ts.

//# test acgan-discriminator points=2 after=const discriminator = defineDiscriminator();
import * as assert from 'node:assert/strict';
{
  const model = defineDiscriminator();
  const library = lab.models.classConditionalModels.acganDiscriminator();
  assert.equal(JSON.stringify(model.inputs[0].shape), JSON.stringify([null, 28, 28, 1]), `The discriminator takes 28x28x1 images; yours takes ${JSON.stringify(model.inputs[0].shape)}.`);
  const heads = model.outputs.map((o) => JSON.stringify(o.shape));
  assert.deepEqual(heads, [JSON.stringify([null, 1]), JSON.stringify([null, 10])], `The discriminator has two heads, P(real) [null, 1] and the class probabilities [null, 10]; yours has ${heads.join(' and ')}.`);
  const [p, classes] = model.predict(tf.randomUniform([3, 28, 28, 1], -1, 1)) as tf.Tensor[];
  const sums = Array.from(classes.sum(1).dataSync());
  const pv = Array.from(p.dataSync());
  tf.dispose([p, classes]);
  assert.ok(pv.every((v) => v > 0 && v < 1), 'The first head should end in a sigmoid: a probability of "real".');
  assert.ok(sums.every((s) => Math.abs(s - 1) < 1e-4), `The class head should end in a softmax (each row sums to 1); yours sum to ${sums.map((s) => s.toFixed(3)).join(', ')}.`);
  assert.equal(model.countParams(), library.countParams(), `Tutorial 004's discriminator has ${library.countParams().toLocaleString('en')} parameters; yours has ${model.countParams().toLocaleString('en')}.`);
  assert.ok(model.optimizer, 'The discriminator should be compiled with two losses (it trains on its own).');
  model.dispose();
  library.dispose();
}

//# test acgan-generator points=2 after=const generator = defineGenerator();
import * as assert from 'node:assert/strict';
{
  const model = defineGenerator();
  const library = lab.models.classConditionalModels.acganGenerator();
  const inputs = model.inputs.map((i) => JSON.stringify(i.shape));
  assert.deepEqual(inputs, [JSON.stringify([null, 100]), JSON.stringify([null, 1])], `The generator takes [z, label]: [null, 100] and [null, 1]; yours takes ${inputs.join(' and ')}.`);
  assert.equal(JSON.stringify(model.outputs[0].shape), JSON.stringify([null, 28, 28, 1]), `The generator draws 28x28x1 images; yours gives ${JSON.stringify(model.outputs[0].shape)}.`);
  assert.equal(model.countParams(), library.countParams(), `Tutorial 004's generator has ${library.countParams().toLocaleString('en')} parameters; yours has ${model.countParams().toLocaleString('en')}.`);
  // the same noise with two different labels must give two different images: the label is used
  const z = tf.randomNormal([2, 100]);
  const [a, b] = [0, 7].map((c) => model.predict([z, tf.fill([2, 1], c)]) as tf.Tensor);
  const labelEffect = tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
  const range = tf.tidy(() => [a.min().dataSync()[0], a.max().dataSync()[0]]);
  tf.dispose([z, a, b]);
  model.dispose();
  library.dispose();
  assert.ok(labelEffect > 0, 'Asking for class 0 and class 7 with the same noise gave identical images: the generator ignores its label input.');
  assert.ok(range[0] >= -1 && range[1] <= 1, `The last layer should use tanh (pixels in [-1, 1], like the scaled digits); yours are in [${range[0].toFixed(2)}, ${range[1].toFixed(2)}].`);
}

//# test acgan-composite points=1 after=const gan = defineGan(generator, discriminator);
import * as assert from 'node:assert/strict';
{
  const g = lab.models.classConditionalModels.acganGenerator();
  const d = lab.models.classConditionalModels.acganDiscriminator();
  const model = defineGan(g, d);
  const gTrainable = g.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((x, y) => x * y, 1), 0);
  assert.equal(model.outputs.length, 2, `The composite should give both of D's heads; yours gives ${model.outputs.length} output(s).`);
  assert.equal(lab.models.compositeTrainableParams(model), gTrainable, `Only the generator's ${gTrainable.toLocaleString('en')} trainable parameters should train in the composite; ${lab.models.compositeTrainableParams(model).toLocaleString('en')} do. Freeze d before compile().`);
  assert.ok(d.trainable, 'After defineGan the discriminator should be trainable again for its own updates.');
}

//# test acgan-step points=3 after=async function trainStep(
import * as assert from 'node:assert/strict';
{
  const digits = await lab.data.loadMnist({ limit: 64 });
  const images = lab.data.scaleToSymmetric(digits.train.images.slice(0, 16)) as tf.Tensor4D;
  const labels = digits.train.labels.slice(0, 16) as tf.Tensor1D;
  await lab.check.step('your training step', {
    build: () => lab.buildSystem(lab.getSystem('acgan-mnist')),
    mine: (m, x, o) => trainStep(m.generator, m.discriminator, m.gan, x, o.labels!),
    library: lab.trainStep,
    real: images, labels, kind: 'auxiliary',
    stepOptions: { generatorBatch: 32 },
    tolerance: 1e-5,
  });
  lab.data.disposeDataset(digits);
  tf.dispose([images, labels]);
  const outcome = lab.check.last()!;
  assert.ok(outcome.same, `Two of your training steps should give the same losses and weights as tutorial 004's from the same start: ${outcome.differences.join('; ')}.`);
}
