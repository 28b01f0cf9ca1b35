import { describe, expect, it } from 'vitest';
import { epochTicks, stageBoundaries } from './chartAxes';

describe('epochTicks', () => {
  it('stays readable from 3 to 300 epochs', () => {
    expect(epochTicks(3)).toEqual([0, 1, 2, 3]);
    expect(epochTicks(10)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(epochTicks(20)).toEqual([0, 5, 10, 15, 20]);
    expect(epochTicks(300)).toEqual([0, 50, 100, 150, 200, 250, 300]);
    for (let n = 1; n <= 600; n++) {
      const ticks = epochTicks(n);
      expect(ticks.length).toBeLessThanOrEqual(9);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(n);
      expect(ticks.every(Number.isInteger)).toBe(true);
    }
  });

  it('treats 0 or fractions as at least one epoch', () => {
    expect(epochTicks(0)).toEqual([0, 1]);
    expect(epochTicks(2.5)).toEqual([0, 1, 2, 3]);
  });
});

describe('stageBoundaries', () => {
  it('finds the last epoch before each stage change, absent stage counting as 1', () => {
    expect(stageBoundaries([{ epoch: 1 }, { epoch: 2, stage: 1 }])).toEqual([]);
    expect(
      stageBoundaries([{ epoch: 1 }, { epoch: 2, stage: 1 }, { epoch: 3, stage: 2 }, { epoch: 4, stage: 2 }]),
    ).toEqual([2]);
    expect(stageBoundaries([])).toEqual([]);
  });
});
