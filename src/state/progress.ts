/**
 * Pure arithmetic behind the progress bar: how far a run is, how fast it goes, when it should end.
 * No clock here: callers pass times in.
 */

/** One point of the running training loss, `x` in (fractional) epochs, e.g. 2.5 = half-way through epoch 3. */
export interface BatchLossPoint {
  readonly x: number;
  readonly loss: number;
}

/** Most batch-loss points kept; beyond it every other point is dropped, so long runs stay cheap to draw. */
export const MAX_BATCH_POINTS = 1000;

/**
 * Time left, assuming the rest goes at the pace so far: `elapsedMs * (total - done) / done`.
 * Returns null when nothing is done yet or nothing has elapsed (no pace to go on), 0 when done >= total.
 */
export function estimateRemainingMs(done: number, total: number, elapsedMs: number): number | null {
  if (!(done > 0) || !(elapsedMs > 0) || !Number.isFinite(total)) return null;
  if (done >= total) return 0;
  return (elapsedMs * (total - done)) / done;
}

/** Items per second; null when no time has elapsed. */
export function ratePerSecond(count: number, elapsedMs: number): number | null {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : null;
}

/** Fraction of training done after `batch` of `batchesPerEpoch` batches of epoch `epoch` (1-based) of `epochs`. */
export function trainingFraction(epoch: number, batch: number, batchesPerEpoch: number, epochs: number): number {
  if (epochs <= 0 || batchesPerEpoch <= 0) return 0;
  return Math.min(1, (epoch - 1 + batch / batchesPerEpoch) / epochs);
}

/** A duration for people: `42 s`, `3 min 05 s`, `1 h 02 min`; `—` for null. Negative or NaN reads as `—`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !(ms >= 0)) return '—';
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds} s`;
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * Appends `point`; when the list would exceed `cap`, every other older point is dropped first (the newest
 * is always kept). Returns a new array.
 */
export function appendCapped<T>(points: readonly T[], point: T, cap = MAX_BATCH_POINTS): T[] {
  const kept = points.length >= cap ? points.filter((_, i) => i % 2 === 1) : [...points];
  kept.push(point);
  return kept;
}
