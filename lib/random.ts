/**
 * Repeatable runs. TensorFlow.js seeds every unseeded random op (initialisers, dropout,
 * randomNormal) from Math.random, so replacing Math.random with a seeded generator makes a
 * run repeatable on the same backend; its state is saved in checkpoints so a resumed run
 * continues the same sequence.
 */
import seedrandom from 'seedrandom';

type StatefulRng = (() => number) & { state(): object };

let rng: StatefulRng | undefined;

/** Seeds Math.random (and so every unseeded TensorFlow.js random op). */
export function setGlobalSeed(seed: number | string): void {
  rng = seedrandom(String(seed), { state: true }) as unknown as StatefulRng;
  Math.random = rng;
}

/** The generator's state, for checkpoints (undefined if no seed was set). */
export function getRandomState(): object | undefined {
  return rng?.state();
}

/** Restores a state saved by `getRandomState`. */
export function setRandomState(state: object): void {
  rng = seedrandom('', { state: state as never }) as unknown as StatefulRng;
  Math.random = rng;
}

/**
 * `m` distinct indices out of 0..n-1, drawn with `random` (a partial Fisher-Yates shuffle), so
 * a seeded generator gives the same subset every time.
 */
export function sampleIndices(n: number, m: number, random: () => number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(random() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, m);
}
