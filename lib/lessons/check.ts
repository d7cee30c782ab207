/**
 * Lesson checks: does the code a lesson's cell wrote still do what the library's tested code
 * does? Each check builds fresh copies of both sides (the student's own model is never touched),
 * copies weights and seeds dropout itself, and then either
 *
 * - **strict** (quick mode, as CI runs the notebooks, or GAN_CHECKS=strict): throws with the
 *   difference, so a lesson and the library cannot drift apart unnoticed; or
 * - **friendly** (class and full mode, or GAN_CHECKS=friendly): prints one line saying what
 *   differs and by how much, and that this is expected when the cell was changed on purpose;
 *   the lesson goes on with the student's version.
 *
 *     await lab.check.model('the discriminator', defineDiscriminator, lab.models.dcganMnist.defineDiscriminator);
 *     await lab.check.step('the training step', { build, mine: myStep, library: lab.trainStep, real });
 *     lab.check.same('generateLatentPoints', () => generateLatentPoints(100, 8), () => lab.generateLatentPoints(100, 8));
 */
import * as tf from '@tensorflow/tfjs';
import { checksAreStrict, lessonMode, CHECKS_ENV } from '../config';
import { getRandomState, setGlobalSeed, setRandomState } from '../random';
import { maxAbsDifference } from './difference';
import { describeNetwork, networkDifferences } from '../models/describe';
import { GanKind, NUM_CLASSES } from '../models/gan';
import { ganModelsOf } from '../models/kinds';
import { StepLosses, StepOptions, TrainStepFn } from '../training/step';
import { compiledLoss } from '../engine/tfjs-internals';

export interface CheckOutcome {
  /** What was checked, as the lesson names it. */
  name: string;
  /** True when no difference was found. */
  same: boolean;
  /** Each difference found, in words. */
  differences: string[];
  /** The line that was printed. */
  line: string;
}

export interface CheckOptions {
  /** How the library's side is named in the printed line (default: the library function's name). */
  as?: string;
  /** Largest difference of outputs, losses or weights taken as equal (default 1e-6). */
  tolerance?: number;
}

type Comparable = Parameters<typeof maxAbsDifference>[0];

const fmt = (x: number) => (x === 0 ? '0' : x < 1e-3 || x >= 1e4 ? x.toExponential(2) : x.toPrecision(3));

/** The name a library builder is shown by. */
function libraryLabel(fn: { name: string }, as?: string): string {
  return as ?? (fn.name ? `the library's ${fn.name}()` : "the library's version");
}

let lastOutcome: CheckOutcome | undefined;

/** What made checks strict, for the error: GAN_CHECKS, or the mode. */
function strictReason(): string {
  return process.env[CHECKS_ENV] ? `${CHECKS_ENV}=${process.env[CHECKS_ENV]}` : `${lessonMode()} mode`;
}

/** The outcome of the latest check (the checks themselves return nothing, so a notebook prints only their line). */
export function last(): CheckOutcome | undefined {
  return lastOutcome;
}

/**
 * Ends a check: prints one line, and in strict mode throws when something differs. Exported for
 * lessons that compare something of their own (`lab.check.report('my loss', 'the tutorial', [...])`).
 */
export function report(name: string, against: string, differences: string[], sameDetail = ''): void {
  lastOutcome = outcomeOf(name, against, differences, sameDetail);
}

function outcomeOf(name: string, against: string, differences: string[], sameDetail: string): CheckOutcome {
  const same = differences.length === 0;
  if (same) {
    const line = `✓ ${name}: the same as ${against}${sameDetail ? ` (${sameDetail})` : ''}.`;
    console.log(line);
    return { name, same, differences, line };
  }
  if (checksAreStrict()) {
    throw new Error(`Lesson check failed (strict in ${strictReason()}): ${name} differs from ${against}: ${differences.join('; ')}. Bring the cell back in line with the library, or change the library and its tests with it.`);
  }
  const line = `✎ ${name}: yours differs from ${against}: ${differences.join('; ')}. That is expected if you changed it on purpose; the lesson goes on with yours.`;
  console.log(line);
  return { name, same, differences, line };
}

/**
 * A lesson's own expectation (a parameter count, a shape, an accuracy), checked in the same way:
 * one line when it holds; when it does not, a friendly line in class (what was expected, what was
 * found) or, in strict mode, an error.
 *
 *     lab.check.expect('the parameter count', d.countParams() === 40705, "tutorial 000's 40,705", `${d.countParams()}`);
 */
export function expect(name: string, holds: boolean, expected: string, found: string): void {
  if (holds) {
    const line = `✓ ${name}: ${expected}.`;
    console.log(line);
    lastOutcome = { name, same: true, differences: [], line };
    return;
  }
  const difference = `${found} where ${expected} was expected`;
  if (checksAreStrict()) {
    throw new Error(`Lesson check failed (strict in ${strictReason()}): ${name}: ${difference}.`);
  }
  const line = `✎ ${name}: ${difference}. That is expected if you changed the lesson on purpose; it goes on with yours.`;
  console.log(line);
  lastOutcome = { name, same: false, differences: [difference], line };
}

/** Runs `fn` under `seed` and puts the global random state back afterwards, so a check draws nothing the lesson would have drawn. */
function withSeed<T>(seed: number, fn: () => T): T {
  const saved = getRandomState();
  setGlobalSeed(seed);
  try {
    return fn();
  } finally {
    if (saved) setRandomState(saved);
  }
}

async function withSeedAsync<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const saved = getRandomState();
  setGlobalSeed(seed);
  try {
    return await fn();
  } finally {
    if (saved) setRandomState(saved);
  }
}

/** `max |a - b|`, or the reason they cannot be compared (other shapes or counts). */
function gapOrReason(a: Comparable, b: Comparable): number | string {
  try {
    return maxAbsDifference(a, b);
  } catch (err) {
    return (err as Error).message.replace(/^maxAbsDifference: /, '');
  }
}

/**
 * Compares two results computed under the same seed: `mine()` and `library()` each run after
 * seeding the random generators with `seed`, so random draws must come out the same. Tensors
 * they return are disposed.
 */
export function same(name: string, mine: () => Comparable, library: () => Comparable, options: CheckOptions & { seed?: number } = {}): void {
  const seed = options.seed ?? 7;
  const a = withSeed(seed, mine);
  const b = withSeed(seed, library);
  const gap = gapOrReason(a, b);
  const tolerance = options.tolerance ?? 1e-6;
  for (const x of [a, b]) if (typeof x !== 'number') tf.dispose(x as tf.Tensor | tf.Tensor[]);
  const differences = typeof gap === 'string' ? [gap] : gap > tolerance ? [`values differ by up to ${fmt(gap)} for the same seed`] : [];
  report(name, libraryLabel(library, options.as), differences, typeof gap === 'number' ? `largest difference ${fmt(gap)}` : '');
}

/** Inputs for `model`: uniform pixels for images, Gaussian points for latent vectors, class labels for [n, 1] inputs. */
function probeInputs(model: tf.LayersModel, n: number, seed: number): tf.Tensor[] {
  return model.inputs.map((input, i) => {
    const rest = input.shape.slice(1) as number[];
    if (rest.length === 1 && rest[0] === 1) return tf.tidy(() => tf.randomUniform([n, 1], 0, NUM_CLASSES, 'int32', seed + i).toFloat());
    if (rest.length === 1) return tf.randomNormal([n, ...rest], 0, 1, 'float32', seed + i);
    return tf.randomUniform([n, ...rest], 0, 1, 'float32', seed + i);
  });
}

/** The compiled losses of `model` (a Sequential keeps them on its inner model), one per output. */
function lossNames(model: tf.LayersModel): string[] {
  const loss = compiledLoss(model);
  const list = Array.isArray(loss) ? loss : [loss];
  return model.outputs.map((_, i) => String(list[Math.min(i, list.length - 1)] ?? ''));
}

/** Targets for `model`'s outputs: half 1s, half 0s for a probability; class indices for a sparse categorical loss. */
function probeTargets(model: tf.LayersModel, n: number, seed: number): tf.Tensor[] {
  const losses = lossNames(model);
  return model.outputs.map((output, i) => {
    if (/sparse/i.test(losses[i])) return tf.tidy(() => tf.randomUniform([n, 1], 0, output.shape[1] as number, 'int32', seed + 10 + i).toFloat());
    const units = (output.shape[1] as number) ?? 1;
    return tf.tidy(() => tf.concat([tf.ones([n / 2, units]), tf.zeros([n - n / 2, units])]));
  });
}

const single = (xs: tf.Tensor[]) => (xs.length === 1 ? xs[0] : xs);
const firstLoss = (v: number | number[]) => (Array.isArray(v) ? v[0] : v);
const isCompiled = (m: tf.LayersModel) => m.optimizer != null;

/**
 * Compares a network built by a lesson's cell with the library's: the layers (classes, order,
 * parameters), then, with the library's weights copied into a fresh copy of the lesson's, the
 * outputs on a fixed probe, and, when both are compiled, two training steps under the same seed
 * (the seed fixes dropout masks: a changed rate shows in the loss; a changed loss or optimizer in
 * the weights; two steps because Adam's first step hardly depends on beta1). `buildMine` and
 * `buildLibrary` are called here; the student's own model is not touched.
 */
export async function model(name: string, buildMine: () => tf.LayersModel, buildLibrary: () => tf.LayersModel, options: CheckOptions & { train?: boolean } = {}): Promise<void> {
  const tolerance = options.tolerance ?? 1e-6;
  const against = libraryLabel(buildLibrary, options.as);
  const mine = buildMine();
  const lib = buildLibrary();
  const dm = describeNetwork(mine);
  const dl = describeNetwork(lib);
  const differences = networkDifferences(dm, dl);
  const details: string[] = [`${dl.params.toLocaleString('en')} parameters`];
  const shapes = (m: tf.LayersModel) => m.getWeights().map((w) => `[${w.shape}]`).join(' ');
  const n = 8;
  if (shapes(mine) === shapes(lib)) {
    mine.setWeights(lib.getWeights());
    const inputs = probeInputs(lib, n, 7);
    const outMine = mine.predict(single(inputs)) as tf.Tensor | tf.Tensor[];
    const outLib = lib.predict(single(inputs)) as tf.Tensor | tf.Tensor[];
    const gap = gapOrReason(outMine, outLib);
    tf.dispose([outMine, outLib]);
    if (typeof gap === 'string') differences.push(`outputs: ${gap}`);
    else if (gap > tolerance) differences.push(`with the same weights, outputs differ by up to ${fmt(gap)} (an activation, stride, padding or layer order changed)`);
    else details.push('same outputs for the same weights');
    const train = options.train ?? (isCompiled(mine) && isCompiled(lib));
    if (train && typeof gap === 'number' && gap <= tolerance) {
      if (!isCompiled(mine)) differences.push('yours is not compiled (no optimizer or loss)');
      else {
        const targets = probeTargets(lib, n, 7);
        let lossGap = 0;
        for (const seed of [1, 2]) {
          const a = firstLoss((await withSeedAsync(seed, () => mine.trainOnBatch(single(inputs), single(targets)))) as number | number[]);
          const b = firstLoss((await withSeedAsync(seed, () => lib.trainOnBatch(single(inputs), single(targets)))) as number | number[]);
          lossGap = Math.max(lossGap, Number.isNaN(a - b) ? Infinity : Math.abs(a - b));
        }
        const weightGap = gapOrReason(mine, lib);
        if (lossGap > tolerance) differences.push(`two training steps from the same weights give losses that differ by ${fmt(lossGap)} (a dropout rate or the loss changed)`);
        else if (typeof weightGap === 'string' || weightGap > tolerance) differences.push(`after two training steps the weights differ by ${typeof weightGap === 'string' ? weightGap : fmt(weightGap)} (the optimizer or its settings changed)`);
        else details.push('same weights after two training steps');
        tf.dispose(targets);
      }
    }
    tf.dispose(inputs);
  } else if (!differences.length) {
    differences.push(`weights of other shapes (${shapes(mine)} against ${shapes(lib)})`);
  }
  mine.dispose();
  lib.dispose();
  report(name, against, differences, details.join('; '));
}

/** The two networks and the composite of a GAN, as a lesson builds them. */
export interface LessonNetworks {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  gan: tf.LayersModel;
}

export interface StepCheckOptions extends CheckOptions {
  /** Builds a fresh set of networks (called twice: one set for each step). */
  build: () => LessonNetworks;
  /** The lesson's step. */
  mine: TrainStepFn;
  /** The library's step (`lab.trainStep`, `lab.tapeStep`, or a system's `step`). */
  library: TrainStepFn;
  /** The real batch each step is given. */
  real: tf.Tensor4D;
  /** Its class labels (conditional GANs). */
  labels?: tf.Tensor1D;
  /** The GAN's kind (default 'plain'). */
  kind?: GanKind;
  /** What else the steps are given (generatorBatch, realLabel). */
  stepOptions?: StepOptions;
  /** Steps compared (default 2: Adam's second step is the one that depends on its state). */
  steps?: number;
}


/**
 * Compares a lesson's training step with the library's: two sets of the same networks (the
 * library side gets the lesson side's start weights), the same real batch, each step under the
 * same seed, so the same latent points, labels and dropout masks; then the losses and both
 * networks' weights after `steps` steps.
 */
export async function step(name: string, options: StepCheckOptions): Promise<void> {
  const tolerance = options.tolerance ?? 1e-6;
  const against = libraryLabel(options.library, options.as);
  const ours = ganModelsOf(options.build(), options.kind);
  const theirs = ganModelsOf(options.build(), options.kind);
  theirs.generator.setWeights(ours.generator.getWeights());
  theirs.discriminator.setWeights(ours.discriminator.getWeights());
  const stepOptions = { ...options.stepOptions, labels: options.labels };
  const differences: string[] = [];
  const rows: Array<{ mine: StepLosses; lib: StepLosses }> = [];
  for (let k = 0; k < (options.steps ?? 2); k++) {
    const mine = await withSeedAsync(21 + k, () => options.mine(ours, options.real, stepOptions));
    const lib = await withSeedAsync(21 + k, () => options.library(theirs, options.real, stepOptions));
    rows.push({ mine, lib });
  }
  const lossGap = Math.max(...rows.map(({ mine, lib }) => Math.max(Math.abs(mine.dLoss - lib.dLoss), Math.abs(mine.gLoss - lib.gLoss))));
  if (!(lossGap <= tolerance)) differences.push(`losses differ by up to ${fmt(lossGap)} (d_loss ${rows.map((r) => `${fmt(r.mine.dLoss)} vs ${fmt(r.lib.dLoss)}`).join(', ')}; g_loss ${rows.map((r) => `${fmt(r.mine.gLoss)} vs ${fmt(r.lib.gLoss)}`).join(', ')})`);
  const gGap = gapOrReason(ours.generator, theirs.generator);
  const dGap = gapOrReason(ours.discriminator, theirs.discriminator);
  for (const [net, gap] of [['generator', gGap], ['discriminator', dGap]] as const) {
    if (typeof gap === 'string') differences.push(`the ${net}s cannot be compared (${gap})`);
    else if (gap > tolerance) differences.push(`the ${net}'s weights differ by ${fmt(gap)} after ${rows.length} steps`);
  }
  for (const m of [ours, theirs]) {
    m.gan.dispose();
  }
  report(name, against, differences, `losses and weights after ${rows.length} steps from the same start`);
}
