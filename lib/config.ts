/** Settings read from the environment, in one place. */

/** The environment variable that selects quick mode (CI runs notebooks with GAN_QUICK=1). */
export const QUICK_ENV = 'GAN_QUICK';

/** True when notebooks and scripts should take few steps (same code path, smaller sizes). */
export function isQuickMode(): boolean {
  const v = process.env[QUICK_ENV];
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** `quick` in quick mode, `full` otherwise: `pick(60000, 512)`. */
export function quickOr<T>(full: T, quick: T): T {
  return isQuickMode() ? quick : full;
}

/** The project's root folder (this file is build/lib/config.js once compiled). */
export function projectRoot(): string {
  return require('path').resolve(__dirname, '..', '..');
}

/**
 * The project-local Python (.venv/, made by scripts/setup.sh from requirements.txt), which has
 * SciPy and PyTorch for the reference checks and the bench. Throws with the fix when missing.
 */
export function projectPython(): string {
  const python = require('path').join(projectRoot(), '.venv', 'bin', 'python');
  if (!require('fs').existsSync(python)) throw new Error(`The project's Python environment is missing (${python}): run npm run setup.`);
  return python;
}
