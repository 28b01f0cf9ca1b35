import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics } from './metrics';
import { learningRateAt } from './optimizer';
import type { LoopSettings, TrainLoopArgs } from './trainLoop';
import { CLASSES, DIM, blobs, linear, read, train } from '../testing/linearLoop';
import type { Linear } from '../testing/linearLoop';
import { argMax } from '../testing/trainedClassifier';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Softmax probabilities of the linear model with weights `w` (row-major [DIM, CLASSES]) and `b`, by hand. */
function probsByHand(x: number[][], w: number[], b: number[]): number[][] {
  return x.map((row) => {
    const z = b.map((bc, c) => bc + row.reduce((s, xi, i) => s + xi * (w[i * CLASSES + c] as number), 0));
    const e = z.map((v) => Math.exp(v - Math.max(...z)));
    const sum = e.reduce((s, v) => s + v, 0);
    return e.map((v) => v / sum);
  });
}

/** Cross-entropy of one row against targets `t`, clipped as tfjs clips (1e-7). */
const ceByHand = (t: number[], p: number[]): number =>
  -t.reduce((s, tc, c) => s + tc * Math.log(Math.min(Math.max(p[c] as number, 1e-7), 1 - 1e-7)), 0);
const oneHotRow = (y: number): number[] => Array.from({ length: CLASSES }, (_, c) => (c === y ? 1 : 0));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('trainLoop learning', () => {
  it.each(['adam', 'sgd'] as const)('lowers the loss and separates the blobs with %s, without leaks', async (optimizer) => {
    const { result, model, leaked } = await train({ settings: { optimizer, epochs: 8 } });
    model.dispose();
    const { history } = result;
    expect(history.map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const first = history[0] as EpochMetrics;
    const last = history[7] as EpochMetrics;
    expect(last.loss).toBeLessThan(first.loss * 0.6);
    expect(last.valLoss).toBeLessThan(first.valLoss);
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(result).toMatchObject({ stopped: false, stoppedEarly: false, restoredBest: false });
    expect(leaked).toBe(0);
  });

  it('gives the same history for the same seed and another for another seed', async () => {
    const runs = [await train(), await train(), await train({ settings: { seed: 6 } })];
    runs.forEach((r) => r.model.dispose());
    expect(runs[1]?.result.history).toEqual(runs[0]?.result.history);
    expect(runs[2]?.result.history.map((m) => m.loss)).not.toEqual(runs[0]?.result.history.map((m) => m.loss));
  });

  it('steps with the schedule rate of each epoch (SGD, cosine), checked against tf.grads', async () => {
    const trainSet = blobs(4, 3);
    const settings = { optimizer: 'sgd', momentum: 0, schedule: 'cosine', epochs: 4, batchSize: 12, learningRate: 0.5 } as const;
    const model = linear(2);
    const params = [[read(model.w), read(model.b)]];
    const { result } = await train({
      model, trainSet, settings, args: { onEpoch: () => params.push([read(model.w), read(model.b)]) },
    });
    model.dispose();
    const expectedRates = [0, 1, 2, 3].map((k) => learningRateAt('cosine', 0.5, k, 4, []));
    expect(result.learningRates).toEqual(expectedRates);
    tf.tidy(() => {
      const x = tf.tensor2d(trainSet.x);
      const y = tf.oneHot(tf.tensor1d(trainSet.y, 'int32'), CLASSES);
      const loss = (w: tf.Tensor, b: tf.Tensor): tf.Tensor =>
        tf.mean(tf.metrics.categoricalCrossentropy(y, tf.softmax(tf.add(tf.matMul(x, w), b))));
      expectedRates.forEach((rate, k) => {
        const [w0, b0] = params[k] as number[][];
        const [gw, gb] = tf.grads(loss)([tf.tensor(w0 as number[], [DIM, CLASSES]), tf.tensor(b0 as number[])]);
        const [w1, b1] = params[k + 1] as number[][];
        read(gw as tf.Tensor).forEach((g, i) => expect(w1?.[i]).toBeCloseTo((w0?.[i] as number) - rate * g, 5));
        read(gb as tf.Tensor).forEach((g, i) => expect(b1?.[i]).toBeCloseTo((b0?.[i] as number) - rate * g, 5));
      });
    });
  });

  it('changes only the listed variables', async () => {
    const model = linear(1);
    const [w0, b0] = [read(model.w), read(model.b)];
    await train({ model, args: { variables: [model.w] } });
    expect(read(model.w)).not.toEqual(w0);
    expect(read(model.b)).toEqual(b0);
    model.dispose();
  });
});

describe('trainLoop loss', () => {
  /** One epoch, one batch of all 9 rows: the epoch's loss is the loss of that step at the initial weights. */
  async function oneStep(settings: Partial<LoopSettings>, makeArgs: (model: Linear) => Partial<TrainLoopArgs> = () => ({})) {
    const trainSet = blobs(3, 4);
    const valSet = blobs(2, 5);
    const model = linear(3);
    const [w0, b0] = [read(model.w), read(model.b)];
    const run = await train({ model, trainSet, valSet, settings: { epochs: 1, batchSize: 9, ...settings }, args: makeArgs(model) });
    const after = probsByHand(valSet.x, read(model.w), read(model.b));
    model.dispose();
    const probs = probsByHand(trainSet.x, w0, b0);
    const plainLoss = mean(trainSet.y.map((y, i) => ceByHand(oneHotRow(y), probs[i] as number[])));
    const valLoss = mean(valSet.y.map((y, i) => ceByHand(oneHotRow(y), after[i] as number[])));
    return { ...run, metrics: run.result.history[0] as EpochMetrics, probs, plainLoss, valLoss, trainSet, valSet, w0, after };
  }

  it('smooths the targets to (1 - e) * onehot + e / k; validation loss stays plain', async () => {
    const e = 0.3;
    const { metrics, probs, trainSet, plainLoss, valLoss, leaked } = await oneStep({ labelSmoothing: e });
    const target = (y: number): number[] => oneHotRow(y).map((t) => (1 - e) * t + e / CLASSES);
    const smoothed = mean(trainSet.y.map((y, i) => ceByHand(target(y), probs[i] as number[])));
    expect(metrics.loss).toBeCloseTo(smoothed, 5);
    expect(Math.abs(smoothed - plainLoss)).toBeGreaterThan(0.05);
    expect(metrics.valLoss).toBeCloseTo(valLoss, 5);
    expect(leaked).toBe(0);
  });

  it('weights each sample by its class (sum w_i CE_i / n); accuracy and validation loss stay unweighted', async () => {
    const weights = [0.5, 2, 1];
    const { metrics, probs, trainSet, valSet, after, plainLoss, valLoss } = await oneStep({}, () => ({ classWeights: weights }));
    const weighted = trainSet.y.reduce((s, y, i) => s + (weights[y] as number) * ceByHand(oneHotRow(y), probs[i] as number[]), 0) / 9;
    expect(metrics.loss).toBeCloseTo(weighted, 5);
    expect(Math.abs(weighted - plainLoss)).toBeGreaterThan(0.05);
    expect(metrics.accuracy).toBeCloseTo(mean(trainSet.y.map((y, i) => (argMax(probs[i] as number[]) === y ? 1 : 0))), 6);
    expect(metrics.valLoss).toBeCloseTo(valLoss, 5);
    expect(metrics.valAccuracy).toBeCloseTo(mean(valSet.y.map((y, i) => (argMax(after[i] as number[]) === y ? 1 : 0))), 6);
  });

  it('adds the regularizer to the training loss only', async () => {
    const l2 = 0.05;
    const { metrics, plainLoss, valLoss, w0, leaked } = await oneStep({}, (model) => ({
      regularizer: () => tf.mul(tf.sum(tf.square(model.w)), l2) as tf.Scalar,
    }));
    expect(metrics.loss).toBeCloseTo(plainLoss + l2 * w0.reduce((s, v) => s + v * v, 0), 5);
    expect(metrics.valLoss).toBeCloseTo(valLoss, 5);
    expect(leaked).toBe(0);
  });
});

