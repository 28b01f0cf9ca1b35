/**
 * Per-class loss weights for imbalanced training sets: counts, an imbalance test and scikit-learn's
 * "balanced" weights. Pure functions on plain arrays (no tensors).
 */
import type { ClassWeighting, TrainSettings } from './settings';

/** Largest class count over smallest non-zero count above which `auto` weighting turns on. */
export const IMBALANCE_RATIO = 1.5;

/**
 * Number of labels per class: `counts[c]` = how many of `labels` equal c, for c in [0, numClasses).
 * Throws when a label is not an integer class index in [0, numClasses).
 */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new Error(`classCounts: labels[${i}] = ${y} is not a class index in [0, ${numClasses})`);
    }
    counts[y] = (counts[y] as number) + 1;
  }
  return counts;
}

/**
 * True when the largest count is more than `IMBALANCE_RATIO` (1.5) times the smallest non-zero count.
 * Classes with no samples are ignored; fewer than one non-empty class is never imbalanced.
 */
export function isImbalanced(counts: readonly number[]): boolean {
  const present = counts.filter((c) => c > 0);
  if (present.length === 0) return false;
  return Math.max(...present) > IMBALANCE_RATIO * Math.min(...present);
}

/**
 * scikit-learn's `class_weight='balanced'`: `w[c] = n / (k * counts[c])`, with n the number of samples and
 * k the number of classes that have samples, so the weights averaged over the samples are exactly 1 and
 * the loss keeps its scale. A class with no samples gets 1 (it never weighs anything). Length = counts.length.
 */
export function balancedClassWeights(counts: readonly number[]): number[] {
  const n = counts.reduce((sum, c) => sum + c, 0);
  const k = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? n / (k * c) : 1));
}

/**
 * The class weights a `ClassWeighting` setting asks for: `none` -> null; `balanced` -> balanced weights;
 * `auto` -> balanced weights when `isImbalanced(counts)`, else null. null means every sample weighs 1.
 */
export function resolveClassWeights(weighting: ClassWeighting, counts: readonly number[]): number[] | null {
  switch (weighting) {
    case 'none':
      return null;
    case 'balanced':
      return balancedClassWeights(counts);
    case 'auto':
      return isImbalanced(counts) ? balancedClassWeights(counts) : null;
  }
}

/** A sentence on why class weights are (not) used, with the counts that decided it. */
export function classWeightsReason(settings: TrainSettings, counts: readonly number[], weights: readonly number[] | null): string {
  const largest = Math.max(...counts);
  const smallest = Math.min(...counts.filter((c) => c > 0));
  const ratio = `largest class ${largest} images, smallest ${smallest}`;
  if (settings.classWeighting === 'none') return `off (chosen by you; ${ratio})`;
  if (settings.classWeighting === 'balanced') return `balanced (chosen by you; ${ratio})`;
  return weights ? `on: classes are imbalanced (${ratio})` : `off: classes are balanced enough (${ratio})`;
}
