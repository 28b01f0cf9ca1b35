import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, f1Score } from './evaluate';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('evaluate', () => {
  // 3 classes; "bird" is never predicted. Hand-computed:
  //   confusion [true][pred] = [[2,1,0],[1,1,0],[1,2,0]], accuracy = 3/8
  //   cat:  tp 2, predicted 4, support 3 -> P 1/2, R 2/3, F1 = 2(1/2)(2/3)/(7/6) = 4/7
  //   dog:  tp 1, predicted 4, support 2 -> P 1/4, R 1/2, F1 = 2(1/4)(1/2)/(3/4) = 1/3
  //   bird: tp 0, predicted 0, support 3 -> P null, R 0, F1 null
  //   macro (nulls as 0):  P (1/2 + 1/4 + 0)/3 = 1/4, R (2/3 + 1/2 + 0)/3 = 7/18, F1 (4/7 + 1/3 + 0)/3 = 19/63
  //   weighted (3, 2, 3)/8: P (3/2 + 1/2)/8 = 1/4, R (2 + 1)/8 = 3/8, F1 (12/7 + 2/3)/8 = 25/84
  const classes = ['cat', 'dog', 'bird'];
  const yTrue = [0, 0, 0, 1, 1, 2, 2, 2];
  const yPred = [0, 0, 1, 1, 0, 1, 1, 0];

  it('computes the confusion matrix and accuracy', () => {
    const e = evaluate('val', classes, yTrue, yPred);
    expect(e.split).toBe('val');
    expect(e.confusionMatrix).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [1, 2, 0],
    ]);
    expect(e.accuracy).toBeCloseTo(3 / 8, 12);
  });

  it('computes per-class precision, recall, F1 and support, with null for a never-predicted class', () => {
    const [cat, dog, bird] = evaluate('test', classes, yTrue, Int32Array.from(yPred)).perClass;
    expect(cat).toMatchObject({ class: 'cat', support: 3 });
    expect(cat?.precision).toBeCloseTo(1 / 2, 12);
    expect(cat?.recall).toBeCloseTo(2 / 3, 12);
    expect(cat?.f1).toBeCloseTo(4 / 7, 12);
    expect(dog).toMatchObject({ class: 'dog', support: 2 });
    expect(dog?.precision).toBeCloseTo(1 / 4, 12);
    expect(dog?.recall).toBeCloseTo(1 / 2, 12);
    expect(dog?.f1).toBeCloseTo(1 / 3, 12);
    expect(bird).toEqual({ class: 'bird', precision: null, recall: 0, f1: null, support: 3 });
  });

  it('averages per class (macro, nulls as 0) and by support (weighted)', () => {
    const e = evaluate('val', classes, yTrue, yPred);
    expect(e.macroAvg.precision).toBeCloseTo(1 / 4, 12);
    expect(e.macroAvg.recall).toBeCloseTo(7 / 18, 12);
    expect(e.macroAvg.f1).toBeCloseTo(19 / 63, 12);
    expect(e.macroAvg.support).toBe(8);
    expect(e.weightedAvg.precision).toBeCloseTo(1 / 4, 12);
    expect(e.weightedAvg.recall).toBeCloseTo(3 / 8, 12);
    expect(e.weightedAvg.f1).toBeCloseTo(25 / 84, 12);
    expect(e.weightedAvg.support).toBe(8);
  });

  it('gives recall null for a class with no support, and F1 0 when precision and recall are both 0', () => {
    const noSupport = evaluate('val', ['a', 'b'], [0, 0], [0, 1]).perClass;
    expect(noSupport[1]).toEqual({ class: 'b', precision: 0, recall: null, f1: null, support: 0 });
    expect(noSupport[0]?.f1).toBeCloseTo(2 / 3, 12);
    const allWrong = evaluate('val', ['a', 'b'], [0, 1], [1, 0]);
    expect(allWrong.perClass.map((m) => m.f1)).toEqual([0, 0]);
    expect(allWrong.accuracy).toBe(0);
    expect(f1Score(null, 1)).toBeNull();
  });

  it('rejects mismatched lengths and out-of-range classes', () => {
    expect(() => evaluate('val', classes, [0, 1], [0])).toThrow(/2 labels but 1 predictions/);
    expect(() => evaluate('val', classes, [0, 3], [0, 1])).toThrow(/yTrue\[1\] = 3/);
  });
});
