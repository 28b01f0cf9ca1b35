import { describe, expect, it } from 'vitest';
import { leastSure, margin } from './uncertainty';

const row = (...p: number[]) => ({ top: p.map((probability) => ({ probability })) });

describe('leastSure', () => {
  it('orders by the margin between the two likeliest classes, smallest first', () => {
    const rows = [row(0.9, 0.05, 0.05), row(0.5, 0.45, 0.05), row(0.4, 0.35, 0.25), row(0.6, 0.4), row(1)];
    expect(margin(rows[1]!.top)).toBeCloseTo(0.05);
    expect(margin(rows[4]!.top)).toBe(1);
    expect(leastSure(rows, 3)).toEqual([1, 2, 3]);
    expect(leastSure(rows, 10)).toEqual([1, 2, 3, 0, 4]);
    expect(leastSure([row(0.5, 0.5), row(0.5, 0.5)], 2)).toEqual([0, 1]);
    expect(leastSure(rows, 0)).toEqual([]);
  });
});
