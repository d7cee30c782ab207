/** Settings read from the environment, in one place. */
import * as fs from 'fs';
import * as path from 'path';

/** The environment variable that selects quick mode (CI runs notebooks with GAN_QUICK=1). */
export const QUICK_ENV = 'GAN_QUICK';

/** True when the environment forces quick mode (GAN_QUICK=1, as CI sets it). */
function quickForcedByEnv(): boolean {
  const v = process.env[QUICK_ENV];
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/**
 * The three sizes of a lesson:
 * - `quick`: a handful of steps, the same code path (CI runs every notebook so);
 * - `class`: what fits a lesson in a classroom (a training lesson's Run All in minutes on a
 *   2-core laptop) and still shows a recognisable result;
 * - `full`: the tutorial's own size (an hour or more for the training lessons).
 */
export type LessonMode = 'quick' | 'class' | 'full';
export const LESSON_MODES: readonly LessonMode[] = ['quick', 'class', 'full'];

/** The environment variable that forces a mode over the notebook's own choice (GAN_MODE=class). */
export const MODE_ENV = 'GAN_MODE';

/** The environment variable that moves the shipped generators' folder (default data/pretrained; tests point it elsewhere). */
export const PRETRAINED_ENV = 'GAN_PRETRAINED_DIR';

/** The environment variable that chooses how lesson checks react to a difference (strict | friendly). */
export const CHECKS_ENV = 'GAN_CHECKS';

/**
 * The environment variable that lays other sizes over a lesson's own: a mode's name
 * (GAN_SIZES=quick: that mode's step counts) or a JSON object (GAN_SIZES='{"runEpochs": 1}').
 * The lesson keeps its mode (checks, run folder, prose): to try a class-mode lesson in a minute,
 * to shorten one run for a slow room, or to test class mode in CI.
 */
export const SIZES_ENV = 'GAN_SIZES';

let chosenMode: LessonMode | undefined;

/** What GAN_SIZES asks for: a mode's name, sizes as an object, or undefined when it is unset. Throws on anything else. */
export function sizesOverride(): LessonMode | Record<string, unknown> | undefined {
  const v = process.env[SIZES_ENV];
  if (!v) return undefined;
  if ((LESSON_MODES as readonly string[]).includes(v)) return v as LessonMode;
  const usage = `use one of ${LESSON_MODES.join(', ')} (the mode whose sizes to use) or a JSON object of sizes such as '{"runEpochs": 1}', or leave it unset.`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new Error(`${SIZES_ENV} is "${v}": ${usage}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${SIZES_ENV} is "${v}": ${usage}`);
  return parsed as Record<string, unknown>;
}

/**
 * The mode a lesson runs in: GAN_QUICK=1 forces quick (CI), else GAN_MODE forces its value,
 * else the notebook's own choice (`requested`), else the mode set by an earlier `lab.setup`,
 * else full. Throws on a GAN_MODE or request that is not a mode.
 */
export function resolveLessonMode(requested?: string): LessonMode {
  const check = (value: string, where: string): LessonMode => {
    if ((LESSON_MODES as readonly string[]).includes(value)) return value as LessonMode;
    throw new Error(`${where} is "${value}": use one of ${LESSON_MODES.join(', ')}.`);
  };
  if (quickForcedByEnv()) return 'quick';
  const env = process.env[MODE_ENV];
  if (env) return check(env, MODE_ENV);
  if (requested !== undefined) return check(requested, 'mode');
  return chosenMode ?? 'full';
}

/** Records the mode `lab.setup` chose, so that later calls (`isQuickMode`, checks) agree with it. */
export function setLessonMode(mode: LessonMode | undefined): void {
  chosenMode = mode;
}

/** The current mode (as `resolveLessonMode()` with no request). */
export function lessonMode(): LessonMode {
  return resolveLessonMode();
}

/**
 * True when lesson checks throw on a difference (strict) instead of printing one friendly line:
 * GAN_CHECKS=strict|friendly decides, else strict in quick mode (CI) and friendly in class and
 * full mode (a student who changed a cell on purpose).
 */
export function checksAreStrict(mode: LessonMode = lessonMode()): boolean {
  const v = process.env[CHECKS_ENV];
  if (v === 'strict') return true;
  if (v === 'friendly') return false;
  if (v) throw new Error(`${CHECKS_ENV} is "${v}": use strict or friendly.`);
  return mode === 'quick';
}

/** True when notebooks and scripts should take few steps (same code path, smaller sizes). */
export function isQuickMode(): boolean {
  return lessonMode() === 'quick';
}

/** `quick` in quick mode, `full` otherwise: `quickOr(60000, 512)` (the trainer's and tests' sizes; lessons use `lab.setup`'s sizes). */
export function quickOr<T>(full: T, quick: T): T {
  return isQuickMode() ? quick : full;
}

/** The project's root folder (this file is build/lib/config.js once compiled). */
export function projectRoot(): string {
  // build/lib/config.js -> the project folder (the one place that counts the folders up).
  return path.resolve(__dirname, '..', '..');
}

/**
 * The project-local Python (.venv/, made by scripts/setup.sh from requirements.txt; with
 * `--dev`, as npm test runs it, also SciPy and PyTorch for the reference checks and the bench).
 * Throws with the fix when missing.
 */
export function projectPython(): string {
  const python = path.join(projectRoot(), '.venv', 'bin', 'python');
  if (!fs.existsSync(python)) throw new Error(`The project's Python environment is missing (${python}): run npm run setup.`);
  return python;
}
