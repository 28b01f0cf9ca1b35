import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BatchMetrics, EpochMetrics } from './metrics';
import { balancedClassWeights } from './classWeights';
import { gaussianBlobs } from '../testing/blobs';
import type { Blobs } from '../testing/blobs';
import { trainHead } from './trainHead';
import type { HeadTrainSettings } from './trainHead';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const DIM = 8;
const CLASSES = 3;

/** Three Gaussian blobs in 8-d (see `gaussianBlobs`). */
const blobs = (perClass: number, seed: number): Blobs => gaussianBlobs({ perClass, seed, dim: DIM, classes: CLASSES });

const SETTINGS: HeadTrainSettings = {
  epochs: 8,
  batchSize: 8,
  learningRate: 0.01,
  optimizer: 'adam',
  momentum: 0.9,
  schedule: 'constant',
  hiddenUnits: 16,
  dropout: 0.2,
  batchNorm: false,
  l2: 0,
  labelSmoothing: 0,
  classWeighting: 'none',
  earlyStopping: false,
  patience: 3,
  seed: 7,
};

/** What `run` returns: the result without the (disposed) model, and the tensors left behind. */
type Run = Omit<Awaited<ReturnType<typeof trainHead>>, 'model'> & { leaked: number };

/** Runs trainHead on fresh tensors (20 per class, 6 per class to validate) and disposes them and the model. */
async function run(
  overrides: Partial<Parameters<typeof trainHead>[0]> = {},
  trainSet = blobs(20, 1),
  valSet = blobs(6, 2),
  inspect: (model: tf.LayersModel) => void = () => undefined,
): Promise<Run> {
  const xTrain = tf.tensor2d(trainSet.x);
  const xVal = tf.tensor2d(valSet.x, [valSet.x.length, DIM]);
  let tick = 0;
  const before = tf.memory().numTensors;
  try {
    const { model, ...rest } = await trainHead({
      xTrain,
      yTrain: trainSet.y,
      xVal,
      yVal: Int32Array.from(valSet.y),
      numClasses: CLASSES,
      settings: SETTINGS,
      now: () => (tick += 1),
      ...overrides,
    });
    const leaked = tf.memory().numTensors - model.weights.length - before;
    inspect(model);
    model.dispose();
    return { ...rest, leaked };
  } finally {
    xTrain.dispose();
    xVal.dispose();
  }
}

describe('trainHead', () => {
  it('lowers the loss on separable blobs and reaches high validation accuracy, without leaks', async () => {
    const epochsSeen: number[] = [];
    const models = new Set<tf.LayersModel>();
    const { history, stopped, leaked } = await run({
      onEpoch: (m, model) => {
        epochsSeen.push(m.epoch);
        models.add(model);
      },
    });
    expect(stopped).toBe(false);
    expect(models.size).toBe(1);
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
    const { history, stopped, leaked, restoredBest, bestEpoch } = await run({
      signal: controller.signal,
      onEpoch: (m) => {
        if (m.epoch === 3) controller.abort();
      },
    });
    expect(stopped).toBe(true);
    expect(history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    // The validation loss still falls at epoch 3: the best epoch is the last one, nothing to restore.
    expect(bestEpoch).toBe(3);
    expect(restoredBest).toBe(false);
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
    const { history } = await run({}, blobs(20, 1), { x: [], y: [] });
    expect(history).toHaveLength(SETTINGS.epochs);
    expect(history[0]?.valLoss).toBeNaN();
    expect(history[0]?.valAccuracy).toBeNaN();
    expect(history[0]?.loss).toBeGreaterThan(0);
  });

  it('rejects labels that do not match the rows', async () => {
    await expect(run({ yTrain: [0, 1] })).rejects.toThrow(/yTrain has 2 labels for 60 rows/);
  });
});

describe('trainHead options', () => {
  /** 30 / 10 / 5 training rows per class. */
  function imbalanced(): { x: number[][]; y: number[] } {
    const all = blobs(30, 3);
    const keep = (i: number): boolean => all.y[i] === 0 || (all.y[i] === 1 ? i % 30 < 10 : i % 30 < 5);
    return { x: all.x.filter((_, i) => keep(i)), y: all.y.filter((_, i) => keep(i)) };
  }

  it('resolves class weights from classWeighting unless given, and uses the given ones', async () => {
    const trainSet = imbalanced();
    const settings = { ...SETTINGS, epochs: 2 };
    const auto = await run({ settings: { ...settings, classWeighting: 'auto' } }, trainSet);
    const explicit = await run({ settings, classWeights: balancedClassWeights([30, 10, 5]) }, trainSet);
    const none = await run({ settings: { ...settings, classWeighting: 'auto' }, classWeights: null }, trainSet);
    const plain = await run({ settings }, trainSet);
    expect(auto.history).toEqual(explicit.history);
    expect(none.history).toEqual(plain.history);
    expect(auto.history[0]?.loss).not.toBeCloseTo(plain.history[0]?.loss as number, 3);
  });

  it('trains a batch-norm head with SGD and a plateau schedule, restoring its moving statistics with the best epoch', async () => {
    const stats: number[][] = [];
    const movingMean = (model: tf.LayersModel): number[] => Array.from(model.nonTrainableWeights[0]?.read().dataSync() ?? []);
    let final: number[] = [];
    // Validation labels shifted by one class: the validation loss rises as the head learns.
    const result = await run(
      {
        settings: { ...SETTINGS, batchNorm: true, optimizer: 'sgd', schedule: 'plateau', learningRate: 0.05, earlyStopping: true, patience: 2 },
        onEpoch: (_, model) => stats.push(movingMean(model)),
        onBatch: () => undefined,
      },
      blobs(20, 1),
      { ...blobs(6, 2), y: blobs(6, 2).y.map((y) => (y + 1) % CLASSES) },
      (model) => {
        final = movingMean(model);
      },
    );
    expect(result).toMatchObject({ stoppedEarly: true, restoredBest: true });
    const best = (result.bestEpoch as number) - 1;
    expect(result.history).toHaveLength(best + 3);
    expect(stats[best]).not.toEqual(stats[stats.length - 1]);
    expect(final).toEqual(stats[best]);
    expect(final.some((m) => m !== 0)).toBe(true);
    expect(result.leaked).toBe(0);
  });

  it('trains a linear head (hiddenUnits 0) with an L2 term that raises the training loss', async () => {
    const settings = { ...SETTINGS, hiddenUnits: 0, epochs: 4, dropout: 0, learningRate: 0.05 };
    const plain = await run({ settings });
    const l2 = await run({ settings: { ...settings, l2: 0.05 } });
    expect(plain.history[3]?.loss).toBeLessThan((plain.history[0]?.loss as number) * 0.2);
    expect(plain.history[3]?.valLoss).toBeLessThan(plain.history[0]?.valLoss as number);
    expect(plain.history[3]?.valAccuracy).toBeGreaterThanOrEqual(0.85);
    expect(l2.history[0]?.loss).toBeGreaterThan((plain.history[0]?.loss as number) + 0.01);
    expect(l2.leaked).toBe(0);
  });
});
