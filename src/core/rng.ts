/**
 * A small seeded pseudo-random generator (mulberry32). Randomness is always passed in as an `Rng` so that
 * a seed makes a run repeatable; nothing here touches `Math.random`.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A 32-bit unsigned integer, e.g. to seed a tfjs initializer. */
  uint32(): number;
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

/** Creates a generator from a 32-bit seed; the same seed always yields the same sequence. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => uint32() / 4294967296;
  const int = (n: number): number => Math.floor(next() * n);
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(i + 1);
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  };
  return { next, int, uint32, shuffle };
}
