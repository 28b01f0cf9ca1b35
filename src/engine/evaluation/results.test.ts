import { describe, expect, it } from 'vitest';
import type { Prediction } from './report';
import { cellPredictions, listMistakes, rowNormalise } from './results';

const p = (file: string, trueClass: string, predictedClass: string, confidence: number, split: 'val' | 'test' = 'val'): Prediction => ({
  file, split, trueClass, predictedClass, confidence,
});

describe('listMistakes', () => {
  it('keeps only wrong predictions, most confident first, ties in input order', () => {
    const input = [
      p('a', 'cat', 'cat', 0.99),
      p('b', 'cat', 'dog', 0.55),
      p('c', 'dog', 'cat', 0.97),
      p('d', 'dog', 'dog', 0.4),
      p('e', 'dog', 'cat', 0.55),
    ];
    const copy = [...input];
    expect(listMistakes(input).map((m) => m.file)).toEqual(['c', 'b', 'e']);
    expect(input).toEqual(copy);
  });

  it('returns nothing when every prediction is right', () => {
    expect(listMistakes([p('a', 'x', 'x', 0.5)])).toEqual([]);
  });
});

describe('cellPredictions', () => {
  it('selects one split and one (true, predicted) pair', () => {
    const input = [p('a', 'cat', 'dog', 0.6), p('b', 'cat', 'dog', 0.7, 'test'), p('c', 'dog', 'cat', 0.6), p('d', 'cat', 'dog', 0.9)];
    expect(cellPredictions(input, 'val', 'cat', 'dog').map((m) => m.file)).toEqual(['a', 'd']);
    expect(cellPredictions(input, 'test', 'dog', 'cat')).toEqual([]);
  });
});

describe('rowNormalise', () => {
  it('divides each row by its total and leaves an empty row at zero', () => {
    const rates = rowNormalise([
      [3, 1, 0],
      [0, 0, 0],
      [1, 1, 2],
    ]);
    expect(rates[0]).toEqual([0.75, 0.25, 0]);
    expect(rates[1]).toEqual([0, 0, 0]);
    expect(rates[2]).toEqual([0.25, 0.25, 0.5]);
    for (const row of [rates[0], rates[2]]) expect((row ?? []).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
});
