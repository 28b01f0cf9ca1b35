/**
 * The validation split for datasets that came without one: a seeded, per-class (stratified) hold-out.
 */
import { createRng } from '../../core/rng';
import type { Dataset, DatasetItem } from '../../core/types';

/** How many of a class's `trainCount` images go to validation: rounded, at least 1 and at most all but 1. */
export function validationCount(trainCount: number, valFraction: number): number {
  if (trainCount < 2 || valFraction <= 0) return 0;
  return Math.min(trainCount - 1, Math.max(1, Math.round(valFraction * trainCount)));
}

/**
 * Returns a dataset in which, for each class, `validationCount(n, valFraction)` randomly chosen `train`
 * images (of the class's `n`) have split `val`: round(valFraction * n), at least 1 when the class has 2 or
 * more train images, and never all of them. Classes with fewer than 2 train images keep them all in `train`.
 *
 * - Deterministic: the same dataset (same items in the same order), fraction and seed always yield the same
 *   split; the choice is drawn from `createRng(seed)`, class by class in `classes` order.
 * - When the dataset already has any `val` item, or `valFraction` is 0, it is returned unchanged (the same
 *   object). `test` items are never moved. Items keep their order; only `split` changes.
 *
 * @param valFraction share of each class's train images to hold out, in [0, 1).
 * @param seed any 32-bit integer.
 * @throws RangeError when `valFraction` is not in [0, 1).
 */
export function assignValidation(dataset: Dataset, valFraction: number, seed: number): Dataset {
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`valFraction must be in [0, 1), got ${valFraction}`);
  }
  if (valFraction === 0 || dataset.items.some((item) => item.split === 'val')) return dataset;

  const trainByClass = dataset.classes.map((): number[] => []);
  dataset.items.forEach((item, position) => {
    if (item.split === 'train') trainByClass[item.classIndex]?.push(position);
  });

  const rng = createRng(seed);
  const toVal = new Set<number>();
  for (const positions of trainByClass) {
    const count = validationCount(positions.length, valFraction);
    if (count === 0) continue;
    for (const position of rng.shuffle([...positions]).slice(0, count)) toVal.add(position);
  }
  if (toVal.size === 0) return dataset;

  const items = dataset.items.map(
    (item, position): DatasetItem => (toVal.has(position) ? { ...item, split: 'val' } : item),
  );
  return { ...dataset, items };
}
