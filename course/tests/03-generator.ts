// Graded tests of the assignment made from notebooks/03-generator.ipynb (npm run assignments).
// Format: see course/tests/02-discriminator.ts.

//# test generator-layers points=2 after=const g = defineGenerator(latentDim);
import * as assert from 'node:assert/strict';
{
  const model = defineGenerator(100);
  const kinds = model.layers.map((layer) => layer.getClassName());
  assert.deepEqual(kinds, ['Dense', 'LeakyReLU', 'Reshape', 'Conv2DTranspose', 'LeakyReLU', 'Conv2DTranspose', 'LeakyReLU', 'Conv2D'],
    `The layers should be Dense, LeakyReLU, Reshape, then two Conv2DTranspose + LeakyReLU blocks and a Conv2D, as in tutorial 000; yours are ${kinds.join(', ')}.`);
  const shapes = model.layers.map((layer) => JSON.stringify(layer.outputShape));
  const want = [[null, 6272], [null, 6272], [null, 7, 7, 128], [null, 14, 14, 128], [null, 14, 14, 128], [null, 28, 28, 128], [null, 28, 28, 128], [null, 28, 28, 1]];
  want.forEach((shape, i) => assert.equal(shapes[i], JSON.stringify(shape), `Layer ${i + 1} (${kinds[i]}) should give ${JSON.stringify(shape)}; yours gives ${shapes[i]}.`));
  assert.equal(model.layers[7].getConfig().activation, 'sigmoid', 'The last Conv2D should use a sigmoid: pixels in (0, 1), like the scaled real digits.');
  model.dispose();
}

//# test generator-parameters points=1 after=const g = defineGenerator(latentDim);
import * as assert from 'node:assert/strict';
{
  const model = defineGenerator(100);
  assert.equal(model.countParams(), 1164289, `Tutorial 000's generator has 1,164,289 parameters for a latent size of 100; yours has ${model.countParams().toLocaleString('en')}.`);
  const small = defineGenerator(10);
  assert.equal(JSON.stringify(small.inputs[0].shape), JSON.stringify([null, 10]), 'defineGenerator(latentDim) should take latent points of size latentDim (inputShape: [latentDim]).');
  tf.dispose([model, small].flatMap((m) => m.getWeights()));
}

//# test latent-points points=1 after=function generateLatentPoints(
import * as assert from 'node:assert/strict';
{
  const z = generateLatentPoints(100, 2000);
  assert.deepEqual(z.shape, [2000, 100], `generateLatentPoints(100, 2000) should give one row of 100 numbers per point, [2000, 100]; yours gives ${JSON.stringify(z.shape)}.`);
  const { mean, variance } = tf.tidy(() => { const m = tf.moments(z); return { mean: m.mean.dataSync()[0], variance: m.variance.dataSync()[0] }; });
  z.dispose();
  assert.ok(Math.abs(mean) < 0.02 && Math.abs(variance - 1) < 0.03, `The points should come from a standard Gaussian (mean 0, variance 1); yours have mean ${mean.toFixed(3)}, variance ${variance.toFixed(3)}.`);
}
