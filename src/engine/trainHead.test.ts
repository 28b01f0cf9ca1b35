import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../core/rng';
import type { BatchMetrics, EpochMetrics } from './events';
import { applyHead, createHead } from './head';
import { trainHead } from './trainHead';
import type { HeadTrainSettings } from './trainHead';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const DIM = 8;
const CLASSES = 3;

/** Three Gaussian blobs in 8-d, centres 3 apart on their own axis, unit noise (Box-Muller, seeded). */
function blobs(perClass: number, seed: number): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const x: number[][] = [];
  const y: number[] = [];
  for (let c = 0; c < CLASSES; c++) {
    for (let i = 0; i < perClass; i++) {
      x.push(Array.from({ length: DIM }, (_, d) => (d === c ? 3 : 0) + gauss()));
      y.push(c);
    }
  }
  return { x, y };
}

const SETTINGS: HeadTrainSettings = {
  epochs: 8,
  batchSize: 8,
  learningRate: 0.01,
  hiddenUnits: 16,
  dropout: 0.2,
  seed: 7,
};

/** Runs trainHead on fresh tensors, disposes them and the model; returns the history and stop flag. */
async function run(
  overrides: Partial<Parameters<typeof trainHead>[0]> = {},
): Promise<{ history: EpochMetrics[]; stopped: boolean; leaked: number }> {
  const train = blobs(20, 1);
  const val = blobs(6, 2);
  const xTrain = tf.tensor2d(train.x);
  const xVal = tf.tensor2d(val.x);
  let tick = 0;
  const before = tf.memory().numTensors;
  const result = await trainHead({
    xTrain,
    yTrain: train.y,
    xVal,
    yVal: Int32Array.from(val.y),
    numClasses: CLASSES,
    settings: SETTINGS,
    now: () => (tick += 1),
    ...overrides,
  });
  const weights = result.model.weights.length;
  const leaked = tf.memory().numTensors - weights - before;
  result.model.dispose();
  xTrain.dispose();
  xVal.dispose();
  return { history: result.history, stopped: result.stopped, leaked };
}

describe('createHead', () => {
  it('builds dense relu -> dropout -> dense softmax with seeded initial weights', () => {
    const config = { featureSize: DIM, numClasses: CLASSES, hiddenUnits: 5, dropout: 0.3, seed: 3 };
    const a = createHead(config);
    const b = createHead(config);
    const c = createHead({ ...config, seed: 4 });
    expect(a.layers.map((l) => l.getClassName())).toEqual(['Dense', 'Dropout', 'Dense']);
    expect(a.outputs[0]?.shape).toEqual([null, CLASSES]);
    const kernel = (m: tf.LayersModel): number[] => Array.from(m.weights[0]?.read().dataSync() ?? []);
    expect(kernel(a)).toEqual(kernel(b));
    expect(kernel(a)).not.toEqual(kernel(c));
    const probs = tf.tidy(() => tf.sum(applyHead(a, tf.ones([2, DIM])), 1).arraySync() as number[]);
    expect(probs[0]).toBeCloseTo(1, 5);
    [a, b, c].forEach((m) => m.dispose());
  });
});

describe('trainHead', () => {
  it('lowers the loss on separable blobs and reaches high validation accuracy, without leaks', async () => {
    const epochsSeen: number[] = [];
    const { history, stopped, leaked } = await run({ onEpoch: (m) => epochsSeen.push(m.epoch) });
    expect(stopped).toBe(false);
    expect(epochsSeen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(history.map((m) => m.epoch)).toEqual(epochsSeen);
    const first = history[0] as EpochMetrics;
    const last = history[history.length - 1] as EpochMetrics;
    expect(last.loss).toBeLessThan(first.loss * 0.5);
    expect(last.valLoss).toBeLessThan(first.valLoss);
    expect(last.valAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(last.accuracy).toBeGreaterThan(first.accuracy);
    for (let i = 1; i < history.length; i++) {
      expect(history[i]?.elapsedMs).toBeGreaterThan(history[i - 1]?.elapsedMs ?? Infinity);
    }
    expect(leaked).toBe(0);
  });

  it('gives an identical history for the same seed and a different one for another seed', async () => {
    const a = await run();
    const b = await run();
    const c = await run({ settings: { ...SETTINGS, seed: 8 } });
    expect(b.history).toEqual(a.history);
    expect(c.history.map((m) => m.loss)).not.toEqual(a.history.map((m) => m.loss));
  });

  it('stops early with stopped: true when the signal aborts, keeping the completed epochs', async () => {
    const controller = new AbortController();
    const { history, stopped, leaked } = await run({
      signal: controller.signal,
      onEpoch: (m) => {
        if (m.epoch === 3) controller.abort();
      },
    });
    expect(stopped).toBe(true);
    expect(history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(leaked).toBe(0);
  });

  it('stops mid-epoch when aborted between batches', async () => {
    const controller = new AbortController();
    // The fake clock passes the yield interval on every batch, so the abort timer gets to run.
    let t = 0;
    setTimeout(() => controller.abort(), 0);
    const { history, stopped, leaked } = await run({ signal: controller.signal, now: () => (t += 100) });
    expect(stopped).toBe(true);
    expect(history).toEqual([]);
    expect(leaked).toBe(0);
  });

  it('reports the running batch loss, throttled, without changing the training', async () => {
    const batches: BatchMetrics[] = [];
    // The fake clock ticks 1 ms per read: with batchEveryMs 3 some batches report and some do not.
    const { history, leaked } = await run({ onBatch: (b) => batches.push(b), batchEveryMs: 3 });
    expect(leaked).toBe(0);
    expect(batches.length).toBeGreaterThan(SETTINGS.epochs);
    expect(batches.length).toBeLessThan(SETTINGS.epochs * 8);
    let previous = 0;
    for (const b of batches) {
      expect(b.batchesPerEpoch).toBe(8);
      expect(b.epochs).toBe(SETTINGS.epochs);
      expect(b.batch).toBeGreaterThanOrEqual(1);
      expect(b.batch).toBeLessThanOrEqual(8);
      const position = (b.epoch - 1) * 8 + b.batch;
      expect(position).toBeGreaterThan(previous);
      previous = position;
      expect(b.loss).toBeGreaterThan(0);
      expect(Number.isFinite(b.loss)).toBe(true);
      expect(b.imagesPerSecond).toBeGreaterThan(0);
    }
    expect(history.every((m) => m.stage === 1)).toBe(true);
    const plain = await run();
    expect(history.map((m) => m.loss)).toEqual(plain.history.map((m) => m.loss));
    const none: BatchMetrics[] = [];
    await run({ onBatch: (b) => none.push(b), batchEveryMs: 1e9 });
    expect(none).toEqual([]);
  });

  it('reports NaN validation metrics for an empty validation set', async () => {
    const { history } = await run({ xVal: tf.zeros([0, DIM]) as tf.Tensor2D, yVal: [] });
    expect(history).toHaveLength(SETTINGS.epochs);
    expect(history[0]?.valLoss).toBeNaN();
    expect(history[0]?.valAccuracy).toBeNaN();
    expect(history[0]?.loss).toBeGreaterThan(0);
  });

  it('rejects labels that do not match the rows', async () => {
    await expect(run({ yTrain: [0, 1] })).rejects.toThrow(/yTrain has 2 labels for 60 rows/);
  });
});
