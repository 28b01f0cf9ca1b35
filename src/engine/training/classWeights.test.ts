import { describe, expect, it } from 'vitest';
import { balancedClassWeights, classCounts, isImbalanced, resolveClassWeights } from './classWeights';

describe('classCounts', () => {
  it('counts labels per class, including empty classes', () => {
    expect(classCounts([0, 2, 2, 0, 2], 4)).toEqual([2, 0, 3, 0]);
    expect(classCounts(Int32Array.from([1, 1]), 2)).toEqual([0, 2]);
    expect(classCounts([], 3)).toEqual([0, 0, 0]);
  });

  it('rejects labels outside [0, numClasses)', () => {
    expect(() => classCounts([0, 3], 3)).toThrow(/labels\[1\] = 3/);
    expect(() => classCounts([0.5], 3)).toThrow(/labels\[0\] = 0.5/);
    expect(() => classCounts([-1], 3)).toThrow(/labels\[0\] = -1/);
  });
});

describe('isImbalanced', () => {
  it('compares the largest count with 1.5 times the smallest non-zero one', () => {
    expect(isImbalanced([10, 15])).toBe(false);
    expect(isImbalanced([10, 16])).toBe(true);
    expect(isImbalanced([10, 0, 15])).toBe(false);
    expect(isImbalanced([2, 0, 100])).toBe(true);
    expect(isImbalanced([0, 0])).toBe(false);
    expect(isImbalanced([7])).toBe(false);
  });
});

describe('balancedClassWeights', () => {
  it("matches scikit-learn's n / (k * n_c)", () => {
    // n = 40, k = 3: 40 / (3 * 10), 40 / (3 * 20), 40 / (3 * 10).
    const w = balancedClassWeights([10, 20, 10]);
    expect(w[0]).toBeCloseTo(4 / 3, 12);
    expect(w[1]).toBeCloseTo(2 / 3, 12);
    expect(w[2]).toBeCloseTo(4 / 3, 12);
  });

  it('keeps the mean weight over samples at 1 and gives empty classes 1', () => {
    const counts = [3, 0, 9, 1];
    const w = balancedClassWeights(counts);
    expect(w[1]).toBe(1);
    const perSample = counts.reduce((sum, c, i) => sum + c * (w[i] as number), 0) / 13;
    expect(perSample).toBeCloseTo(1, 12);
    // n = 13, k = 3 classes present.
    expect(w[0]).toBeCloseTo(13 / 9, 12);
    expect(w[3]).toBeCloseTo(13 / 3, 12);
  });
});

describe('resolveClassWeights', () => {
  it('applies none, balanced and auto', () => {
    const balanced = [20, 20];
    const skewed = [10, 30];
    expect(resolveClassWeights('none', skewed)).toBeNull();
    expect(resolveClassWeights('balanced', balanced)).toEqual([1, 1]);
    expect(resolveClassWeights('balanced', skewed)).toEqual(balancedClassWeights(skewed));
    expect(resolveClassWeights('auto', balanced)).toBeNull();
    expect(resolveClassWeights('auto', skewed)).toEqual([2, 2 / 3]);
  });
});
