import { describe, expect, it } from 'vitest';
import { epochTicks, linePath, stageBoundaries, valueTicks } from './chartAxes';

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

describe('valueTicks', () => {
  it('covers the range with nice steps', () => {
    expect(valueTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(valueTicks(0, 0.73)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(valueTicks(0, 2.3)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(valueTicks(0, 47, 4)).toEqual([0, 20, 40, 60]);
  });

  it('widens a flat or broken range', () => {
    expect(valueTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(valueTicks(0, Number.NaN)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
});

describe('linePath', () => {
  it('maps points, and breaks the line where a value is missing', () => {
    const id = (v: number): number => v;
    expect(linePath([{ x: 1, y: 2 }, { x: 2, y: 3 }], id, id)).toBe('M1.0 2.0L2.0 3.0');
    expect(linePath([{ x: 1, y: 2 }, { x: 2, y: null }, { x: 3, y: 4 }, { x: 4, y: 5 }], id, (y) => 10 - y)).toBe('M1.0 8.0M3.0 6.0L4.0 5.0');
    expect(linePath([], id, id)).toBe('');
  });
});
