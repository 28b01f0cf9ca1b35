/** Pure helpers for the training charts' axes, kept apart from the components so Node tests cover them. */
import type { EpochMetrics } from '../../engine/training';

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

/**
 * About `count` evenly spaced "nice" ticks (steps of 1, 2 or 5 times a power of ten) covering [lo, hi]: the
 * first is at or below `lo`, the last at or above `hi`. A flat or empty range is widened to [lo, lo + 1].
 */
export function valueTicks(lo: number, hi: number, count = 5): number[] {
  const from = Number.isFinite(lo) ? lo : 0;
  const to = Number.isFinite(hi) && hi > from ? hi : from + 1;
  const raw = (to - from) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const first = Math.floor(from / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = first; t < to + step - 1e-9 * step; t += step) ticks.push(Number(t.toPrecision(12)));
  if ((ticks[ticks.length - 1] ?? -Infinity) < to) ticks.push(Number((first + ticks.length * step).toPrecision(12)));
  return ticks;
}

/**
 * An SVG path (`M x y L x y ...`) through the points that have a finite `y`, in order, mapped by `sx` and
 * `sy`; a point without one breaks the line. Empty when there is no point to draw.
 */
export function linePath(points: readonly { readonly x: number; readonly y: number | null | undefined }[], sx: (x: number) => number, sy: (y: number) => number): string {
  let path = '';
  let pen = false;
  for (const p of points) {
    if (p.y === null || p.y === undefined || !Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    path += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`;
    pen = true;
  }
  return path;
}
