import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { median, perSecond, timeRuns } from './timing';

describe('median', () => {
  it('takes the middle value, or the mean of the middle two', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe('timeRuns', () => {
  // A fake clock: each run "takes" the milliseconds it advances `performance.now()` by, so durations are exact.
  beforeEach(() => vi.useFakeTimers({ toFake: ['performance', 'setTimeout'] }));
  afterEach(() => vi.useRealTimers());

  /** A run that takes `durationsMs[i]` ms the i-th time it is called (warm-ups included). */
  const taking = (durationsMs: readonly number[]) => {
    let call = 0;
    return async (): Promise<void> => {
      vi.advanceTimersByTime(durationsMs[call++] ?? 0);
    };
  };

  it('runs the warm-ups untimed, then the timed runs, and takes their median', async () => {
    const timed = await timeRuns(taking([500, 400, 30, 10, 20]), { warmups: 2, runs: 3 });
    expect(timed.runsMs).toEqual([30, 10, 20]);
    expect(timed.warmups).toBe(2);
    expect(timed.medianMs).toBe(20);
  });

  it('stops starting runs once the budget is spent, after at least one', async () => {
    // Warm-up 30 ms, then runs of 30 ms: after the first timed run 60 ms have gone, past the 40 ms budget.
    const timed = await timeRuns(taking(Array.from({ length: 11 }, () => 30)), { warmups: 1, runs: 10, budgetMs: 40 });
    expect(timed.runsMs).toEqual([30]);
    const never = await timeRuns(taking([100, 5, 5]), { warmups: 1, runs: 2, budgetMs: 1 });
    expect(never.runsMs).toEqual([5]);
  });
});

describe('perSecond', () => {
  it('turns a count and milliseconds into a rate', () => {
    expect(perSecond(32, 500)).toBe(64);
    expect(perSecond(1, 0)).toBeNaN();
  });
});
