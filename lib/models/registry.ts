/**
 * The tutorial systems by their canonical names (SPEC.md), so the trainer, the bench and the
 * notebooks build them the same way. Systems join as they land.
 */
import * as tf from '@tensorflow/tfjs';
import { GanModels } from '../training/step';
import * as dcganMnist from './dcgan-mnist';

export interface GanSystem {
  /** Canonical name, e.g. `dcgan-mnist`. */
  name: string;
  /** What it is, for help texts. */
  description: string;
  /** The tutorial's batch size. */
  batchSize: number;
  latentDim: number;
  /** [height, width, channels] of one image. */
  imageShape: [number, number, number];
  /** Pixel range the generator produces. */
  range: '0-1' | '-1-1';
  build(): GanModels;
}

export const SYSTEMS: Record<string, GanSystem> = {
  'dcgan-mnist': {
    name: 'dcgan-mnist',
    description: 'S0: the MNIST DCGAN of tutorial 000 (Keras Sequential, sigmoid output, [0, 1])',
    batchSize: 256,
    latentDim: 100,
    imageShape: [28, 28, 1],
    range: '0-1',
    build() {
      const discriminator = dcganMnist.defineDiscriminator();
      const generator = dcganMnist.defineGenerator(100);
      const gan = dcganMnist.defineGan(generator, discriminator);
      return { generator, discriminator, gan, latentDim: 100 };
    },
  },
};

/** Looks a system up by name; the error lists the names that exist. */
export function getSystem(name: string): GanSystem {
  const system = SYSTEMS[name];
  if (!system) throw new Error(`Unknown model "${name}". Known models: ${Object.keys(SYSTEMS).join(', ')}.`);
  return system;
}

/** Frees every weight of a system's models. */
export function disposeModels(models: GanModels): void {
  models.gan.dispose();
  // The composite shares its layers with G and D, which dispose with it; optimizers hold slots.
  tf.dispose([]);
}
