import { describe, expect, it } from 'vitest';
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
  it('runs the warm-ups untimed, then the timed runs', async () => {
    let calls = 0;
    const timed = await timeRuns(async () => {
      calls++;
    }, { warmups: 2, runs: 3 });
    expect(calls).toBe(5);
    expect(timed.runsMs).toHaveLength(3);
    expect(timed.warmups).toBe(2);
    expect(timed.medianMs).toBeGreaterThanOrEqual(0);
  });

  it('stops starting runs once the budget is spent, after at least one', async () => {
    const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
    const timed = await timeRuns(() => sleep(30), { warmups: 1, runs: 10, budgetMs: 40 });
    expect(timed.runsMs.length).toBeGreaterThanOrEqual(1);
    expect(timed.runsMs.length).toBeLessThan(10);
  });
});

describe('perSecond', () => {
  it('turns a count and milliseconds into a rate', () => {
    expect(perSecond(32, 500)).toBe(64);
    expect(perSecond(1, 0)).toBeNaN();
  });
});
