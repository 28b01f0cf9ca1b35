import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng';
import type { LoopCheckpoint } from './checkpoint';
import type { EpochMetrics } from './metrics';
import { applyHead, createHead } from './head';
import { CLASSES, DIM, blobs } from '../testing/linearLoop';
import { tensorData, trainLoop } from './trainLoop';
import type { LoopSettings, TrainLoopResult } from './trainLoop';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const trainSet = blobs(12, 1);
// Shifted labels on a third of the validation points: the validation loss stops improving, so early stopping and the plateau schedule act.
const valSet = blobs(4, 2, 1);

const BASE: LoopSettings = {
  epochs: 6, batchSize: 5, learningRate: 0.05, optimizer: 'adam', momentum: 0.9, schedule: 'constant',
  labelSmoothing: 0.1, earlyStopping: false, patience: 2, seed: 7,
};

interface Outcome {
  readonly result: TrainLoopResult;
  readonly checkpoints: LoopCheckpoint[];
  readonly weights: number[][];
  readonly leaked: number;
}

/**
 * Trains a head (hidden layer, batch norm, dropout: trained variables and state) with `trainLoop`, from
 * `resume` when given. `initSeed` seeds the head's initial weights: a resumed run starts from other ones.
 */
async function run(settings: LoopSettings, options: { resume?: LoopCheckpoint; initSeed?: number } = {}): Promise<Outcome> {
  const xTrain = tf.tensor2d(trainSet.x);
  const xVal = tf.tensor2d(valSet.x);
  const head = createHead({ featureSize: DIM, numClasses: CLASSES, hiddenUnits: 8, dropout: 0.2, batchNorm: true, seed: options.initSeed ?? 3 });
  const before = tf.memory().numTensors;
  const checkpoints: LoopCheckpoint[] = [];
  let tick = 0;
  try {
    const result = await trainLoop({
      train: tensorData(xTrain), yTrain: trainSet.y, val: tensorData(xVal), yVal: valSet.y, numClasses: CLASSES,
      forward: (x, step) => applyHead(head, x as tf.Tensor2D, step),
      variables: head.trainableWeights.map((w) => w.read() as tf.Variable),
      state: head.nonTrainableWeights.map((w) => w.read() as tf.Variable),
      classWeights: null, settings, stage: 1, now: () => (tick += 1),
      onCheckpoint: (c) => checkpoints.push(c), resume: options.resume,
    });
    const leaked = tf.memory().numTensors - before;
    return { result, checkpoints, weights: head.getWeights().map((w) => Array.from(w.dataSync())), leaked };
  } finally {
    tf.dispose([xTrain, xVal]);
    head.dispose();
  }
}

const withoutTime = (history: readonly EpochMetrics[]): Omit<EpochMetrics, 'elapsedMs'>[] =>
  history.map(({ elapsedMs: _ms, ...rest }) => rest);

/** The checkpoint after `epochs` epochs, as structured clone (IndexedDB, postMessage) would give it back. */
const cloned = (checkpoints: LoopCheckpoint[], epochs: number): LoopCheckpoint =>
  structuredClone(checkpoints.find((c) => c.epochsDone === epochs) as LoopCheckpoint);

describe('trainLoop checkpoints and resume', () => {
  const cases: [string, Partial<LoopSettings>][] = [
    ['Adam, constant rate', {}],
    ['SGD with momentum, plateau schedule', { optimizer: 'sgd', schedule: 'plateau', learningRate: 0.2 }],
    ['Adam, cosine, early stopping on', { schedule: 'cosine', earlyStopping: true, patience: 3, epochs: 8 }],
  ];
  for (const [name, patch] of cases) {
    it(`goes on from epoch 2 exactly as the run that was never interrupted (${name})`, async () => {
      const settings = { ...BASE, ...patch };
      const straight = await run(settings);
      expect(straight.checkpoints.map((c) => c.epochsDone)).toEqual(straight.result.history.map((_, i) => i + 1));
      const resumed = await run(settings, { resume: cloned(straight.checkpoints, 2), initSeed: 99 });
      expect(withoutTime(resumed.result.history)).toEqual(withoutTime(straight.result.history));
      expect(resumed.result.learningRates).toEqual(straight.result.learningRates);
      expect(resumed.result.bestEpoch).toBe(straight.result.bestEpoch);
      expect(resumed.result.restoredBest).toBe(straight.result.restoredBest);
      expect(resumed.result.stoppedEarly).toBe(straight.result.stoppedEarly);
      // Only the epochs after the checkpoint are checkpointed again.
      expect(resumed.checkpoints.map((c) => c.epochsDone)).toEqual(straight.checkpoints.slice(2).map((c) => c.epochsDone));
      resumed.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(straight.weights[i]?.[j] as number, 6)));
      expect(straight.leaked).toBe(0);
      expect(resumed.leaked).toBe(0);
    });
  }

  it('counts elapsed time on from the checkpoint', async () => {
    const straight = await run(BASE);
    const checkpoint = cloned(straight.checkpoints, 3);
    const resumed = await run(BASE, { resume: checkpoint });
    const fourth = resumed.result.history[3] as EpochMetrics;
    expect(fourth.elapsedMs).toBeGreaterThan(checkpoint.elapsedMs);
  });

  it('ends at once with the best weights when the checkpoint is where early stopping ended the stage', async () => {
    const settings = { ...BASE, earlyStopping: true, patience: 1, epochs: 20, learningRate: 0.5 };
    const straight = await run(settings);
    expect(straight.result.stoppedEarly).toBe(true);
    const last = straight.result.history.length;
    const resumed = await run(settings, { resume: cloned(straight.checkpoints, last), initSeed: 99 });
    expect(resumed.result.history).toHaveLength(last);
    expect(resumed.result.stoppedEarly).toBe(true);
    expect(resumed.result.restoredBest).toBe(true);
    expect(resumed.checkpoints).toEqual([]);
    resumed.weights.forEach((w, i) => w.forEach((v, j) => expect(v).toBeCloseTo(straight.weights[i]?.[j] as number, 6)));
  });

  it('refuses a checkpoint of another model', async () => {
    const straight = await run(BASE);
    const checkpoint = cloned(straight.checkpoints, 2);
    const other = { ...checkpoint, weights: checkpoint.weights.slice(1) };
    await expect(run(BASE, { resume: other })).rejects.toThrow(/does not fit/);
    const rng = createRng(1);
    const reshaped = { ...checkpoint, weights: checkpoint.weights.map((t) => ({ ...t, shape: [...t.shape, rng.int(3) + 2] })) };
    await expect(run(BASE, { resume: reshaped })).rejects.toThrow(/does not fit/);
  });
});
