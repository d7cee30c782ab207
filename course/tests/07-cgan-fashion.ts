// Graded tests of the assignment made from notebooks/07-cgan-fashion.ipynb (npm run assignments).
// Format: see course/tests/02-discriminator.ts; lab.check: see course/tests/06b-dcgan-fashion.ts.

//# test label-channel points=1 after=function labelChannel(
import * as assert from 'node:assert/strict';
{
  const label = tf.input({ shape: [1] });
  const model = tf.model({ inputs: label, outputs: labelChannel(label, 7, 7) });
  assert.equal(JSON.stringify(model.outputs[0].shape), JSON.stringify([null, 7, 7, 1]), `labelChannel(label, 7, 7) should give one 7x7 channel, [null, 7, 7, 1]; yours gives ${JSON.stringify(model.outputs[0].shape)}.`);
  assert.equal(model.countParams(), 10 * 50 + 50 * 49 + 49, `Embedding(10, 50) and Dense(49) hold 2,999 parameters; yours hold ${model.countParams().toLocaleString('en')}.`);
  const maps = model.predict(tf.tensor2d([[0], [7]])) as tf.Tensor;
  const differ = tf.tidy(() => maps.slice(0, 1).sub(maps.slice(1, 1)).abs().max().dataSync()[0]);
  maps.dispose();
  assert.ok(differ > 0, 'Labels 0 and 7 gave the same map: each class should get its own (an Embedding row per class).');
}

//# test conv-cgan-generator points=2 after=const generator = defineGenerator();
import * as assert from 'node:assert/strict';
{
  await lab.check.model('your generator', () => defineGenerator(), lab.models.classConditionalModels.cganFashionGenerator);
  const outcome = lab.check.last()!;
  assert.ok(outcome.same, `Your generator should be the cGAN generator of this lesson: ${outcome.differences.join('; ')}.`);
}

//# test conv-cgan-obeys-label points=2 after=const generator = defineGenerator();
import * as assert from 'node:assert/strict';
{
  // The shipped generator's weights in your network: if the label is wired as in the lesson, the
  // garments it draws are the classes asked for (judged by the shipped Fashion-MNIST classifier).
  const mine = defineGenerator();
  const { generator: shipped } = await lab.loadPretrained('cgan-fashion');
  const weights = shipped.getWeights();
  const shapesMatch = mine.getWeights().length === weights.length && mine.getWeights().every((w, i) => w.shape.join() === weights[i].shape.join());
  assert.ok(shapesMatch, "The shipped generator's weights do not fit your generator: its layers differ from the lesson's (see the test above).");
  mine.setWeights(weights);
  const asked = Array.from({ length: 200 }, (_, i) => i % 10);
  const images = tf.tidy(() => lab.metrics.toClassifierInput(mine.predict([tf.randomNormal([200, 100]), tf.tensor2d(asked, [200, 1])]) as tf.Tensor4D, '-1-1'));
  const classifier = await lab.metrics.loadDomainClassifier('fashion-mnist');
  const accuracy = lab.metrics.classifierAccuracy(classifier, images, asked);
  tf.dispose([images, ...mine.getWeights()]);
  assert.ok(accuracy > 0.7, `With the shipped weights, ${(accuracy * 100).toFixed(0)}% of your generator's garments are the class asked for (over 70% expected): is the label channel concatenated beside the noise?`);
}

//# test conv-cgan-discriminator points=2 after=const discriminator = defineDiscriminator();
import * as assert from 'node:assert/strict';
{
  await lab.check.model('your discriminator', () => defineDiscriminator(), lab.models.classConditionalModels.cganFashionDiscriminator);
  const outcome = lab.check.last()!;
  assert.ok(outcome.same, `Your discriminator should be the cGAN discriminator of this lesson: ${outcome.differences.join('; ')}.`);
}

//# test conv-cgan-composite points=1 after=const gan = defineGan(generator, discriminator);
import * as assert from 'node:assert/strict';
{
  const g = lab.models.classConditionalModels.cganFashionGenerator();
  const d = lab.models.classConditionalModels.cganFashionDiscriminator();
  const model = defineGan(g, d);
  assert.equal(model.inputs.length, 2, `The composite takes [z, label]; yours takes ${model.inputs.length} input(s).`);
  const gTrainable = g.trainableWeights.reduce((sum, w) => sum + w.shape.reduce((x, y) => x * y, 1), 0);   // (BatchNorm's moving statistics are not trained)
  assert.equal(lab.models.compositeTrainableParams(model), gTrainable, `Only the generator's ${gTrainable.toLocaleString('en')} trainable parameters should train in the composite; ${lab.models.compositeTrainableParams(model).toLocaleString('en')} do. Freeze d before compile().`);
  assert.ok(d.trainable, 'After defineGan the discriminator should be trainable again for its own updates.');
}

//# test conv-cgan-step points=2 after=async function trainStep(
import * as assert from 'node:assert/strict';
{
  const fashion = await lab.data.loadFashionMnist({ limit: 64 });
  const images = lab.data.scaleToSymmetric(fashion.train.images.slice(0, 16)) as tf.Tensor4D;
  const labels = fashion.train.labels.slice(0, 16) as tf.Tensor1D;
  await lab.check.step('your training step', {
    build: () => lab.buildSystem(lab.getSystem('cgan-fashion')),
    mine: (m, x, o) => trainStep(m.generator, m.discriminator, m.gan, x, o.labels!),
    library: lab.trainStep,
    real: images, labels, kind: 'conditional',
    stepOptions: { generatorBatch: 32 },
    tolerance: 1e-5,
  });
  lab.data.disposeDataset(fashion);
  tf.dispose([images, labels]);
  const outcome = lab.check.last()!;
  assert.ok(outcome.same, `Two of your training steps should give the same losses and weights as the lesson's from the same start: ${outcome.differences.join('; ')}.`);
}
