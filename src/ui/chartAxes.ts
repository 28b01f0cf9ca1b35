/** Pure helpers for the training charts' axes, kept apart from the components so Node tests cover them. */
import type { EpochMetrics } from '../engine/events';

const NICE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000];

/**
 * Integer epoch ticks from 0 to `maxEpoch` (>= 1) with a "nice" step (1, 2, 5, 10, 20, 25, 50, ...) so
 * that there are at most `maxTicks` + 1 of them: 3 epochs give 0 1 2 3, 300 give 0 50 100 ... 300.
 * The last tick is `maxEpoch` rounded up to the step.
 */
export function epochTicks(maxEpoch: number, maxTicks = 8): number[] {
  const top = Math.max(1, Math.ceil(maxEpoch));
  const step = NICE_STEPS.find((s) => top / s <= maxTicks) ?? Math.ceil(top / maxTicks);
  const ticks: number[] = [];
  for (let t = 0; t < top + step; t += step) ticks.push(t);
  return ticks;
}

/**
 * Where the training stage changes (see `EpochMetrics.stage`, absent = 1): for each change, the `epoch` of
 * the last epoch of the earlier stage, which is where a boundary line belongs. Empty for one-stage runs.
 */
export function stageBoundaries(history: readonly Pick<EpochMetrics, 'epoch' | 'stage'>[]): number[] {
  const boundaries: number[] = [];
  for (let i = 1; i < history.length; i++) {
    const previous = history[i - 1];
    const current = history[i];
    if (previous && current && (previous.stage ?? 1) !== (current.stage ?? 1)) boundaries.push(previous.epoch);
  }
  return boundaries;
}
