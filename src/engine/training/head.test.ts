import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEAD_BATCH_NORM_MOMENTUM, applyHead, createHead, headKernels, headL2 } from './head';
import type { HeadConfig } from './head';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CONFIG: HeadConfig = { featureSize: 4, numClasses: 3, hiddenUnits: 5, dropout: 0.3, batchNorm: false, seed: 3 };

const values = (t: tf.Tensor): number[] => Array.from(t.dataSync());
const weightValues = (m: tf.LayersModel): number[][] => m.weights.map((w) => values(w.read()));

describe('createHead', () => {
  it('builds dense relu -> dropout -> dense softmax with seeded initial weights', () => {
    const a = createHead(CONFIG);
    const b = createHead(CONFIG);
    const c = createHead({ ...CONFIG, seed: 4 });
    expect(a.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout', 'Dense']);
    expect(a.outputs[0]?.shape).toEqual([null, 3]);
    expect(weightValues(a)).toEqual(weightValues(b));
    expect(weightValues(a)[0]).not.toEqual(weightValues(c)[0]);
    const sums = tf.tidy(() => values(tf.sum(applyHead(a, tf.ones([2, 4])), 1)));
    expect(sums[0]).toBeCloseTo(1, 5);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('adds batch norm before dropout, and builds a linear softmax head for hiddenUnits 0', () => {
    const bn = createHead({ ...CONFIG, batchNorm: true });
    expect(bn.layers.map((l) => l.getClassName())).toEqual(['Dense', 'BatchNormalization', 'Dropout', 'Dense']);
    expect(bn.nonTrainableWeights.map((w) => w.shape)).toEqual([[5], [5]]);
    const linear = createHead({ ...CONFIG, hiddenUnits: 0, batchNorm: true });
    expect(linear.layers.map((l) => l.getClassName())).toEqual(['Dropout', 'Dense']);
    expect(linear.trainableWeights.map((w) => w.shape)).toEqual([[4, 3], [3]]);
    expect(linear.outputs[0]?.shape).toEqual([null, 3]);
    [bn, linear].forEach((m) => m.dispose());
    expect(() => createHead({ ...CONFIG, hiddenUnits: -1 })).toThrow(/hiddenUnits/);
    expect(() => createHead({ ...CONFIG, dropout: 1 })).toThrow(/dropout/);
  });
});

describe('applyHead', () => {
  it('draws a seeded dropout mask per step and none in inference', () => {
    const head = createHead({ ...CONFIG, hiddenUnits: 0, dropout: 0.5 });
    const x = tf.ones([6, 4]) as tf.Tensor2D;
    const run = (step: { seed: number } | null): number[] => tf.tidy(() => values(applyHead(head, x, step)));
    expect(run({ seed: 1 })).toEqual(run({ seed: 1 }));
    expect(run({ seed: 1 })).not.toEqual(run({ seed: 2 }));
    expect(run(null)).toEqual(tf.tidy(() => values(head.predict(x) as tf.Tensor)));
    head.dispose();
    x.dispose();
  });

  it('updates batch-norm moving statistics in training steps and uses them in inference', () => {
    const head = createHead({ ...CONFIG, batchNorm: true, dropout: 0 });
    const x = tf.tensor2d([[1, 2, 0, -1], [3, -1, 2, 0], [0, 0, 1, 4]]);
    const bnLayer = head.layers[1] as tf.layers.Layer;
    const [movingMean, movingVariance] = bnLayer.nonTrainableWeights.map((w) => w.read());
    expect(values(movingMean as tf.Tensor)).toEqual([0, 0, 0, 0, 0]);
    const before = tf.memory().numTensors;

    tf.tidy(() => {
      applyHead(head, x, null);
    });
    expect(values(movingMean as tf.Tensor)).toEqual([0, 0, 0, 0, 0]);
    tf.tidy(() => {
      applyHead(head, x, { seed: 1 });
    });
    expect(tf.memory().numTensors).toBe(before);

    // Moving mean after one step: momentum * 0 + (1 - momentum) * batch mean of the hidden ReLU units.
    const hidden = tf.tidy(() => values(head.layers[0]?.apply(x) as tf.Tensor));
    const batchMean = [0, 1, 2, 3, 4].map((u) => (hidden[u]! + hidden[5 + u]! + hidden[10 + u]!) / 3);
    const batchVar = [0, 1, 2, 3, 4].map(
      (u) => [0, 1, 2].reduce((s, r) => s + (hidden[r * 5 + u]! - batchMean[u]!) ** 2, 0) / 3,
    );
    values(movingMean as tf.Tensor).forEach((m, u) => expect(m).toBeCloseTo((1 - HEAD_BATCH_NORM_MOMENTUM) * batchMean[u]!, 5));
    const mean = values(movingMean as tf.Tensor);
    const variance = values(movingVariance as tf.Tensor);
    variance.forEach((v, u) => expect(v).toBeCloseTo(HEAD_BATCH_NORM_MOMENTUM + (1 - HEAD_BATCH_NORM_MOMENTUM) * batchVar[u]!, 5));

    // Inference normalises with the moving statistics (gamma 1, beta 0, epsilon 1e-3).
    const expected = tf.tidy(() => {
      const normed = hidden.map((h, i) => (h - mean[i % 5]!) / Math.sqrt(variance[i % 5]! + 1e-3));
      return values(head.layers[3]?.apply(tf.tensor2d(normed, [3, 5])) as tf.Tensor);
    });
    const inferred = tf.tidy(() => values(applyHead(head, x, null)));
    inferred.forEach((p, i) => expect(p).toBeCloseTo(expected[i]!, 5));
    head.dispose();
    x.dispose();
  });
});

describe('headL2', () => {
  it('is l2 times the sum of squares of the dense kernels only', () => {
    const head = createHead({ ...CONFIG, batchNorm: true });
    expect(headKernels(head).map((k) => k.shape)).toEqual([[4, 5], [5, 3]]);
    const sumSquares = [head.layers[0], head.layers[3]]
      .map((l) => values(l?.getWeights()[0] as tf.Tensor).reduce((s, v) => s + v * v, 0))
      .reduce((a, b) => a + b, 0);
    const before = tf.memory().numTensors;
    const penalty = headL2(head, 0.01);
    expect(penalty.dataSync()[0]).toBeCloseTo(0.01 * sumSquares, 6);
    penalty.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const grads = tf.tidy(() => values(tf.grad((k: tf.Tensor) => tf.sum(k))(headKernels(head)[0] as tf.Tensor)));
    expect(grads.every((g) => g === 1)).toBe(true);
    head.dispose();
  });
});
