// Graded tests of the assignment made from notebooks/02-discriminator.ipynb (npm run assignments).
// Each block below becomes one locked, autograded nbgrader cell, inserted after the first lesson
// cell that contains the `after` text. Header: //# test <grade id> points=<n> after=<text>
// A test signals failure by throwing (node:assert) with a message a student can act on; it must
// print nothing on stderr (nbgrader gives 0 to a cell with any stderr output). A failing tslab
// cell loses all its declarations, so each test imports what it uses.

//# test discriminator-layers points=2 after=const d = defineDiscriminator();
import * as assert from 'node:assert/strict';
{
  const model = defineDiscriminator();
  const kinds = model.layers.map((layer) => layer.getClassName());
  assert.deepEqual(kinds, ['Conv2D', 'LeakyReLU', 'Dropout', 'Conv2D', 'LeakyReLU', 'Dropout', 'Flatten', 'Dense'],
    `The layers should be Conv2D, LeakyReLU, Dropout (twice), then Flatten and Dense, as in tutorial 000; yours are ${kinds.join(', ')}.`);
  const shapes = model.layers.map((layer) => JSON.stringify(layer.outputShape));
  assert.equal(shapes[0], JSON.stringify([null, 14, 14, 64]), `The first Conv2D should give [null, 14, 14, 64] (64 filters, stride 2, padding 'same'); yours gives ${shapes[0]}.`);
  assert.equal(shapes[3], JSON.stringify([null, 7, 7, 64]), `The second Conv2D should give [null, 7, 7, 64]; yours gives ${shapes[3]}.`);
  assert.equal(shapes[7], JSON.stringify([null, 1]), `The model should end in one unit, [null, 1]; yours ends in ${shapes[7]}.`);
  for (const layer of model.layers) {
    const config = layer.getConfig();
    if (layer.getClassName() === 'LeakyReLU') assert.equal(config.alpha, 0.2, `LeakyReLU's alpha should be 0.2; yours is ${config.alpha}.`);
    if (layer.getClassName() === 'Dropout') assert.equal(config.rate, 0.4, `Dropout's rate should be 0.4; yours is ${config.rate}.`);
  }
  assert.equal(model.layers[7].getConfig().activation, 'sigmoid', 'The last Dense layer should use a sigmoid: the output is P(real).');
  model.dispose();
}

//# test discriminator-parameters points=1 after=const d = defineDiscriminator();
import * as assert from 'node:assert/strict';
{
  const model = defineDiscriminator();
  assert.equal(model.countParams(), 40705, `Tutorial 000's discriminator has 40,705 parameters; yours has ${model.countParams().toLocaleString('en')}.`);
  model.dispose();
}

//# test discriminator-compiled points=1 after=const d = defineDiscriminator();
import * as assert from 'node:assert/strict';
{
  const model = defineDiscriminator();
  assert.ok(model.optimizer, 'The discriminator should be compiled (model.compile) before it is returned: it trains on its own.');
  const loss = String(model.loss);
  assert.match(loss, /binary/i, `The loss should be binary cross-entropy ('binaryCrossentropy'); yours is ${loss}.`);
  const opt = model.optimizer.getConfig() as { learningRate?: number; beta1?: number };
  assert.equal(model.optimizer.getClassName(), 'Adam', `The optimizer should be Adam; yours is ${model.optimizer.getClassName()}.`);
  assert.ok(Math.abs((opt.learningRate ?? 0) - 0.0002) < 1e-9, `Adam's learning rate should be 0.0002; yours is ${opt.learningRate}.`);
  assert.ok(Math.abs((opt.beta1 ?? 0) - 0.5) < 1e-9, `Adam's beta1 should be 0.5; yours is ${opt.beta1}.`);
  model.dispose();
}

//# test real-samples points=2 after=function generateRealSamples(
import * as assert from 'node:assert/strict';
{
  const [x, y] = generateRealSamples(dataset, 16);
  assert.deepEqual(x.shape, [16, 28, 28, 1], `generateRealSamples(dataset, 16) should return 16 images, [16, 28, 28, 1]; yours returns ${JSON.stringify(x.shape)}.`);
  assert.deepEqual(y.shape, [16, 1], `The labels should be one column, [16, 1]; yours are ${JSON.stringify(y.shape)}.`);
  const labels = Array.from(y.dataSync());
  assert.ok(labels.every((v) => v === 1), `Real images are labelled 1; yours are ${labels.join(', ')}.`);
  // every returned image is one of the dataset's rows (compared by their pixel sums)
  const rowSums = tf.tidy(() => tf.sum(dataset, [1, 2, 3]).arraySync() as number[]);
  const pickedSums = tf.tidy(() => tf.sum(x, [1, 2, 3]).arraySync() as number[]);
  tf.dispose([x, y]);
  const fromDataset = pickedSums.filter((s) => rowSums.some((r) => Math.abs(r - s) < 1e-3)).length;
  assert.equal(fromDataset, 16, `All 16 images should be rows of \`dataset\` (tf.gather with random indices); ${16 - fromDataset} are not.`);
  assert.ok(new Set(pickedSums.map((s) => s.toFixed(3))).size > 1, 'The 16 images should be drawn at random, not one image repeated.');
}
