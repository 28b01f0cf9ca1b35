/**
 * Timing helpers of the benchmark suite: the median of several timed runs after a warm-up, within a time
 * budget, so a slow backend gives fewer runs instead of a run that never ends.
 */

/** One measured quantity: the median of `runs` timed runs (after `warmups` untimed ones). */
export interface Timed {
  /** Median duration of one run, in ms. */
  readonly medianMs: number;
  /** Every timed run, in ms, in order. */
  readonly runsMs: readonly number[];
  /** Untimed warm-up runs before them. */
  readonly warmups: number;
}

/** The median of `values` (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** How `timeRuns` repeats a measurement. */
export interface RunPlan {
  /** Untimed runs first (shader compilation, kernel caches, allocator growth); default 1. */
  readonly warmups?: number;
  /** Timed runs wanted; default 5. */
  readonly runs?: number;
  /** No new timed run starts once this much time (ms, from the first warm-up) has gone, after the first. */
  readonly budgetMs?: number;
}

/**
 * Runs `once` `warmups` times untimed, then up to `runs` times timed (at least once, and no new run after
 * `budgetMs`), and returns the median. `once` must finish its work before it resolves (read the result back).
 */
export async function timeRuns(once: () => Promise<void>, plan: RunPlan = {}): Promise<Timed> {
  const warmups = plan.warmups ?? 1;
  const runs = plan.runs ?? 5;
  const budgetMs = plan.budgetMs ?? Number.POSITIVE_INFINITY;
  const startMs = performance.now();
  for (let i = 0; i < warmups; i++) await once();
  const runsMs: number[] = [];
  while (runsMs.length < runs && (runsMs.length === 0 || performance.now() - startMs < budgetMs)) {
    const t0 = performance.now();
    await once();
    runsMs.push(performance.now() - t0);
  }
  return { medianMs: median(runsMs), runsMs, warmups };
}

/** Items per second for `items` processed in `ms` milliseconds. */
export function perSecond(items: number, ms: number): number {
  return ms > 0 ? (items * 1000) / ms : Number.NaN;
}
