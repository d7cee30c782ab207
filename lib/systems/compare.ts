/**
 * A generator beside the shipped pretrained one of the same system ("the same network after N
 * epochs"): the same 25 latent points drawn by each, side by side in one captioned figure. The
 * main job ends with it (`npm run compare`), and the training notebooks show their short live
 * run this way.
 */
import * as tf from '@tensorflow/tfjs';
import { generateLatentPoints, isConditional, runGenerator } from '../models/gan';
import { listPretrained, loadPretrainedGenerator, PretrainedInfo } from '../models/pretrained';
import { evaluateGenerator, loadReference, Reference } from '../metrics/evaluate';
import { gridPng } from '../visual/grid';
import { sideBySide } from '../visual/labels';
import { GanSystem, getSystem, metricDomainOf } from './registry';

export interface BesideOptions {
  /** First caption line of `generator`'s panel (default "This run"). */
  caption?: string;
  /** Score `generator` (and, with `rescorePretrained`, the pretrained one) on this many samples; 0 = no FID (default 0). */
  samples?: number;
  /** Score the pretrained generator afresh instead of quoting its info.json (which used 10,000 samples). */
  rescorePretrained?: boolean;
  /** The metrics' reference, when the caller has loaded it already. */
  reference?: Reference;
  /** Seed of the 25 shared latent points (default 7). */
  seed?: number;
}

export interface BesideResult {
  /** The figure: `generator`'s grid, then the pretrained one's (when shipped). */
  png: Buffer;
  /** What the figure says, one line per panel, for a terminal or a notebook. */
  lines: string[];
  fid?: number;
  pretrained?: { info: PretrainedInfo; fid: number };
}

/** Draws the same 25 latent points with a generator of `system` (labels 0-9 in turn for a conditional one). */
export function sampleGridPng(generator: tf.LayersModel, system: GanSystem, seed = 7): Buffer {
  return tf.tidy(() => {
    const z = generateLatentPoints(system.latentDim, 25, seed);
    const labels = isConditional(generator) ? Array.from({ length: 25 }, (_, i) => i % 10) : undefined;
    return gridPng(runGenerator(generator, z, labels), { cols: 5, range: system.range, reverse: system.reverse, scale: 3, gap: 4 });
  });
}

/** `generator` beside the pretrained generator of `system` (alone, with a note, when none is shipped). */
export async function besidePretrained(generator: tf.LayersModel, system: GanSystem | string, options: BesideOptions = {}): Promise<BesideResult> {
  const sys = typeof system === 'string' ? getSystem(system) : system;
  const samples = options.samples ?? 0;
  const reference = samples > 0 ? options.reference ?? (await loadReference(metricDomainOf(sys))) : undefined;
  const fid = reference ? evaluateGenerator(generator, sys.range, reference, { samples }).fid : undefined;
  const caption = options.caption ?? 'This run';
  const pngs = [sampleGridPng(generator, sys, options.seed)];
  const captions = [[caption, fid !== undefined ? `FID ${fid.toFixed(1)} (${samples.toLocaleString('en')} samples)` : '']];
  const lines = [`${caption}${fid !== undefined ? `: FID ${fid.toFixed(2)} on ${samples.toLocaleString('en')} samples` : ''}`];
  let pretrained: BesideResult['pretrained'];
  if (listPretrained().includes(sys.name)) {
    const shipped = await loadPretrainedGenerator(sys.name);
    const rescore = options.rescorePretrained === true && reference !== undefined;
    const preFid = rescore ? evaluateGenerator(shipped.generator, sys.range, reference, { samples }).fid : shipped.info.scores.fid;
    const preSamples = rescore ? samples : shipped.info.scores.samples;
    const minutes = shipped.info.secondsPerEpoch.reduce((a, b) => a + b, 0) / 60;
    pngs.push(sampleGridPng(shipped.generator, sys, options.seed));
    captions.push([`Pretrained: ${shipped.info.epochs} epochs, ${minutes.toFixed(0)} min`, `FID ${preFid.toFixed(1)} (${preSamples.toLocaleString('en')} samples)`]);
    lines.push(`Pretrained ${sys.name} (data/pretrained/${sys.name}): ${shipped.info.epochs} epochs at batch ${shipped.info.batchSize}, FID ${preFid.toFixed(2)} on ${preSamples.toLocaleString('en')} samples`);
    pretrained = { info: shipped.info, fid: preFid };
    shipped.generator.dispose();
  } else {
    lines.push(`No pretrained ${sys.name} is shipped yet (data/pretrained/${sys.name}/): showing this generator alone.`);
  }
  return { png: await sideBySide(pngs, captions), lines, fid, pretrained };
}
