import { describe, expect, it } from 'vitest';
import { appendCapped, estimateRemainingMs, formatDuration, ratePerSecond, trainingFraction } from './progress';

describe('estimateRemainingMs', () => {
  it('extrapolates the pace so far', () => {
    expect(estimateRemainingMs(25, 100, 10_000)).toBe(30_000);
    expect(estimateRemainingMs(100, 100, 10_000)).toBe(0);
    expect(estimateRemainingMs(120, 100, 10_000)).toBe(0);
  });

  it('gives no estimate before any progress or time', () => {
    expect(estimateRemainingMs(0, 100, 10_000)).toBeNull();
    expect(estimateRemainingMs(10, 100, 0)).toBeNull();
    expect(estimateRemainingMs(Number.NaN, 100, 5)).toBeNull();
  });
});

describe('ratePerSecond', () => {
  it('counts per second and refuses zero time', () => {
    expect(ratePerSecond(50, 2000)).toBe(25);
    expect(ratePerSecond(50, 0)).toBeNull();
  });
});

describe('trainingFraction', () => {
  it('counts whole epochs and the batches of the current one', () => {
    expect(trainingFraction(1, 5, 10, 4)).toBeCloseTo(0.125);
    expect(trainingFraction(4, 10, 10, 4)).toBe(1);
    expect(trainingFraction(3, 0, 10, 4)).toBe(0.5);
    expect(trainingFraction(1, 1, 0, 4)).toBe(0);
  });
});

describe('formatDuration', () => {
  it('reads as seconds, minutes or hours', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('appendCapped', () => {
  it('appends without changing the input', () => {
    const points = [1, 2];
    expect(appendCapped(points, 3)).toEqual([1, 2, 3]);
    expect(points).toEqual([1, 2]);
  });

  it('halves the older points at the cap and keeps the newest', () => {
    let points: number[] = [];
    for (let i = 1; i <= 9; i++) points = appendCapped(points, i, 4);
    expect(points.length).toBeLessThanOrEqual(4);
    expect(points[points.length - 1]).toBe(9);
    expect([...points].sort((a, b) => a - b)).toEqual(points);
  });
});
