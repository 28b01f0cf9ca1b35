/**
 * Test data for the training loops: Gaussian blobs, one per class, with the centre of class c at 3 on axis c
 * and unit noise (Box-Muller on a seeded RNG). Needs `dim >= classes`.
 */
import { createRng } from '../../core/rng';

export interface Blobs {
  readonly x: number[][];
  readonly y: number[];
}

/**
 * `perClass` points of each of `classes` classes in `dim` dimensions, class by class; the same seed gives the
 * same points. `shift` relabels them: a point of blob c gets label (c + shift) mod classes.
 */
export function gaussianBlobs(options: { perClass: number; seed: number; dim: number; classes: number; shift?: number }): Blobs {
  const { perClass, seed, dim, classes, shift = 0 } = options;
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const x: number[][] = [];
  const y: number[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < perClass; i++) {
      x.push(Array.from({ length: dim }, (_, d) => (d === c ? 3 : 0) + gauss()));
      y.push((c + shift) % classes);
    }
  }
  return { x, y };
}
