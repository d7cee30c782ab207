// Graded tests of the assignment made from notebooks/04-gan.ipynb (npm run assignments).
// Format: see course/tests/02-discriminator.ts.

//# test gan-frozen-discriminator points=2 after=const gan = defineGan(g, d);
import * as assert from 'node:assert/strict';
{
  const gen = lab.models.dcganMnist.defineGenerator(100);
  const disc = lab.models.dcganMnist.defineDiscriminator();
  const model = defineGan(gen, disc);
  assert.equal(model.layers.length, 2, `The composite should hold two layers, the generator then the discriminator; yours holds ${model.layers.length}.`);
  assert.ok(model.layers[0] === gen && model.layers[1] === disc, 'The composite should contain the very generator and discriminator it was given (model.add(gModel); model.add(dModel)), in that order.');
  assert.equal(JSON.stringify(model.inputs[0].shape), JSON.stringify([null, 100]), `The composite takes latent points, [null, 100]; yours takes ${JSON.stringify(model.inputs[0].shape)}.`);
  assert.equal(JSON.stringify(model.outputs[0].shape), JSON.stringify([null, 1]), `The composite gives P(real), [null, 1]; yours gives ${JSON.stringify(model.outputs[0].shape)}.`);
  const summary = lab.models.summarizeModel(model);
  assert.equal(summary.trainableParams, gen.countParams(), `Only the generator's ${gen.countParams().toLocaleString('en')} weights should be trainable in the composite; ${summary.trainableParams.toLocaleString('en')} are. Set dModel.trainable = false before compile().`);
  assert.equal(summary.nonTrainableParams, disc.countParams(), `The discriminator's ${disc.countParams().toLocaleString('en')} weights should be frozen in the composite; ${summary.nonTrainableParams.toLocaleString('en')} are.`);
  assert.ok(disc.trainable, 'After defineGan the discriminator should be trainable again (dModel.trainable = true after compile), or its own trainOnBatch throws.');
  model.dispose();
}

//# test gan-one-update points=2 after=const gan = defineGan(g, d);
import * as assert from 'node:assert/strict';
{
  const gen = lab.models.dcganMnist.defineGenerator(100);
  const disc = lab.models.dcganMnist.defineDiscriminator();
  const model = defineGan(gen, disc);
  assert.ok(model.optimizer, 'The composite should be compiled (model.compile) before it is returned.');
  assert.match(String(model.loss), /binary/i, `The composite's loss should be binary cross-entropy; yours is ${String(model.loss)}.`);
  const before = [...gen.getWeights(), ...disc.getWeights()].map((w) => w.clone());
  const z = tf.randomNormal([16, 100]);
  const y = tf.ones([16, 1]);
  await model.trainOnBatch(z, y);
  const after = [...gen.getWeights(), ...disc.getWeights()];
  const changed = after.map((w, i) => tf.tidy(() => w.notEqual(before[i]).any().dataSync()[0] === 1));
  const nGen = gen.getWeights().length;
  tf.dispose([...before, z, y]);
  assert.ok(changed.slice(0, nGen).some(Boolean), 'One composite update should move the generator\'s weights; none moved.');
  assert.ok(!changed.slice(nGen).some(Boolean), 'One composite update must not move the discriminator\'s weights (freeze it before compiling the composite); some moved.');
}
