/**
 * Tutorial 000's `summarize_performance`: the discriminator's accuracy on real and on
 * generated images, a 10x10 grid of generated images, and the generator saved to disk.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { GanModels } from '../models/gan';
import { generateRealSamples, generateFakeSamples } from './samples';
import { saveGridPng } from '../visual/grid';
import { ModelRange } from '../pixels';
import { saveModel } from '../models/files';

export interface PerformanceSummary {
  accReal: number;
  accFake: number;
  gridFile: string;
  generatorDir: string;
}

/** Fraction of predictions on the right side of 0.5. */
function accuracy(predictions: tf.Tensor, label: 0 | 1): number {
  return tf.tidy(() => (label === 1 ? predictions.greater(0.5) : predictions.lessEqual(0.5)).toFloat().mean().dataSync()[0]);
}

export async function summarizePerformance(epoch: number, models: GanModels, dataset: tf.Tensor4D, outDir: string, options: { n?: number; range?: ModelRange; reverse?: boolean } = {}): Promise<PerformanceSummary> {
  const n = options.n ?? 100;
  const real = generateRealSamples(dataset, n);
  const fake = generateFakeSamples(models.generator, models.latentDim, n);
  const pReal = models.discriminator.predict(real.x) as tf.Tensor;
  const pFake = models.discriminator.predict(fake.x) as tf.Tensor;
  const accReal = accuracy(pReal, 1);
  const accFake = accuracy(pFake, 0);
  const tag = String(epoch).padStart(3, '0');
  const gridFile = path.join(outDir, `generated_plot_e${tag}.png`);
  saveGridPng(fake.x, gridFile, { cols: 10, range: options.range ?? '0-1', reverse: options.reverse ?? true, gap: 1 });
  const generatorDir = path.join(outDir, `generator_model_${tag}`);
  await saveModel(models.generator, generatorDir);
  tf.dispose([real.x, real.y, fake.x, fake.y, pReal, pFake]);
  return { accReal, accFake, gridFile, generatorDir };
}
