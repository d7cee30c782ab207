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
