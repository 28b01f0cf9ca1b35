import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoopOptimizer, learningRateAt } from './optimizer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('learningRateAt', () => {
  it('keeps a constant rate', () => {
    expect([0, 3, 9].map((k) => learningRateAt('constant', 0.3, k, 10, [1, 2, 3]))).toEqual([0.3, 0.3, 0.3]);
  });

  it('decays along a cosine from the rate to 1% of it over the epochs', () => {
    const rates = [0, 1, 2, 3, 4].map((k) => learningRateAt('cosine', 2, k, 5, []));
    expect(rates[0]).toBeCloseTo(2, 12);
    expect(rates[2]).toBeCloseTo(0.02 + 1.98 * 0.5, 12);
    expect(rates[1]).toBeCloseTo(0.02 + 1.98 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(rates[4]).toBeCloseTo(0.02, 12);
    for (let k = 1; k < 5; k++) expect(rates[k]).toBeLessThan(rates[k - 1] as number);
    expect(learningRateAt('cosine', 2, 0, 1, [])).toBe(2);
  });

  it('halves on a plateau of 2 epochs, restarts the count, and never goes below 1%', () => {
    const losses = [1.0, 0.9, 0.95, 0.92, 0.91, 0.85, 0.9, 0.9, 0.9];
    const at = (k: number): number => learningRateAt('plateau', 1, k, 20, losses);
    // Epochs 2 and 3 do not beat 0.9: epoch 4 halves. Epoch 4 does not, epoch 5 does; 6 and 7 do not: 8 halves.
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(at)).toEqual([1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25]);
    const flat = [1, ...new Array<number>(30).fill(2)];
    expect(learningRateAt('plateau', 1, 31, 40, flat)).toBeCloseTo(0.01, 12);
    expect(learningRateAt('plateau', 1, 9, 40, flat)).toBeCloseTo(1 / 16, 12);
    expect(learningRateAt('plateau', 1, 5, 40, [NaN, NaN, NaN, NaN, NaN])).toBe(1);
  });
});

/** Loss 0.5 * |v|^2, whose gradient is v itself. */
function step(optimizer: tf.Optimizer, v: tf.Variable): void {
  optimizer.minimize(() => tf.mul(tf.sum(tf.square(v)), 0.5) as tf.Scalar, false, [v]);
}

function variableOf(values: number[]): tf.Variable {
  const init = tf.tensor1d(values);
  const v = tf.variable(init);
  init.dispose();
  return v;
}

describe('createLoopOptimizer', () => {
  it('applies SGD with momentum at the rate set last, by hand', () => {
    const before = tf.memory().numTensors;
    const v = variableOf([1, -2]);
    const sgd = createLoopOptimizer({ optimizer: 'sgd', momentum: 0.9 }, 0.1);
    sgd.setLearningRate(0.5);
    step(sgd.optimizer, v);
    // velocity = g = [1, -2]; v = v - 0.5 * velocity.
    expect(Array.from(v.dataSync())).toEqual([0.5, -1]);
    sgd.setLearningRate(0.01);
    step(sgd.optimizer, v);
    // velocity = 0.9 * [1, -2] + [0.5, -1] = [1.4, -2.8].
    const after = Array.from(v.dataSync());
    expect(after[0]).toBeCloseTo(0.5 - 0.014, 6);
    expect(after[1]).toBeCloseTo(-1 + 0.028, 6);
    sgd.dispose();
    v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes Adam step with the rate set last', () => {
    const before = tf.memory().numTensors;
    const run = (rates: number[]): number[][] => {
      const v = variableOf([1, -2]);
      const adam = createLoopOptimizer({ optimizer: 'adam', momentum: 0.9 }, 0.9);
      const values = rates.map((rate) => {
        adam.setLearningRate(rate);
        step(adam.optimizer, v);
        return Array.from(v.dataSync());
      });
      adam.dispose();
      v.dispose();
      return values;
    };
    const a = run([0.05, 0.05]);
    const b = run([0.05, 0.5]);
    // Adam's first step moves each coordinate by about the rate, against the gradient's sign.
    expect(a[0]?.[0]).toBeCloseTo(0.95, 5);
    expect(a[0]?.[1]).toBeCloseTo(-1.95, 5);
    expect(b[0]).toEqual(a[0]);
    // Same moments after the same first step: the second step scales with the rate.
    for (let i = 0; i < 2; i++) {
      const stepA = (a[1]?.[i] as number) - (a[0]?.[i] as number);
      const stepB = (b[1]?.[i] as number) - (b[0]?.[i] as number);
      expect(stepB / stepA).toBeCloseTo(10, 4);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
