import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng';
import type { BatchMetrics, EpochMetrics } from './events';
import { learningRateAt } from './optimizer';
import { gaussianBlobs } from '../testing/blobs';
import type { Blobs } from '../testing/blobs';
import { tensorData, trainLoop } from './trainLoop';
import type { LoopSettings, TrainLoopArgs, TrainLoopResult } from './trainLoop';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const DIM = 4;
const CLASSES = 3;

/** Three Gaussian blobs in 4-d (see `gaussianBlobs`); `shift` relabels them. */
const blobs = (perClass: number, seed: number, shift = 0): Blobs =>
  gaussianBlobs({ perClass, seed, dim: DIM, classes: CLASSES, shift });

/** A linear softmax classifier on raw variables: W [DIM, CLASSES], b [CLASSES], seeded in [-0.5, 0.5). */
interface Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  forward(x: tf.Tensor, step: { readonly seed: number } | null): tf.Tensor2D;
  dispose(): void;
}

function linear(seed: number): Linear {
  const rng = createRng(seed);
  const make = (shape: number[]): tf.Variable => {
    const init = tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5), shape);
    const v = tf.variable(init);
    init.dispose();
    return v;
  };
  const w = make([DIM, CLASSES]);
  const b = make([CLASSES]);
  return { w, b, forward: (x) => tf.softmax(tf.add(tf.matMul(x as tf.Tensor2D, w), b)) as tf.Tensor2D, dispose: () => tf.dispose([w, b]) };
}

const SETTINGS: LoopSettings = {
  epochs: 6, batchSize: 8, learningRate: 0.1, optimizer: 'adam', momentum: 0.9, schedule: 'constant',
  labelSmoothing: 0, earlyStopping: false, patience: 2, seed: 5,
};

interface Run {
  readonly result: TrainLoopResult;
  readonly model: Linear;
  /** Tensors alive after the loop minus before it (data and model excluded). */
  readonly leaked: number;
}

/** Runs the loop on blobs (10 per class to train, 4 to validate) with a 1-ms-per-read clock. */
async function train(
  options: { settings?: Partial<LoopSettings>; args?: Partial<TrainLoopArgs>; model?: Linear; trainSet?: Blobs; valSet?: Blobs } = {},
): Promise<Run> {
  const model = options.model ?? linear(1);
  const trainSet = options.trainSet ?? blobs(10, 1);
  const valSet = options.valSet ?? blobs(4, 2);
  const xTrain = tf.tensor2d(trainSet.x, [trainSet.x.length, DIM]);
  const xVal = tf.tensor2d(valSet.x, [valSet.x.length, DIM]);
  const before = tf.memory().numTensors;
  let tick = 0;
  try {
    const result = await trainLoop({
      train: tensorData(xTrain), yTrain: trainSet.y, val: tensorData(xVal), yVal: Int32Array.from(valSet.y),
      numClasses: CLASSES, forward: model.forward, variables: [model.w, model.b], classWeights: null,
      settings: { ...SETTINGS, ...options.settings }, stage: 1, now: () => (tick += 1), ...options.args,
    });
    return { result, model, leaked: tf.memory().numTensors - before };
  } finally {
    tf.dispose([xTrain, xVal]);
  }
}

const read = (v: tf.Tensor): number[] => Array.from(v.dataSync());

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
  const argMax = (p: number[]): number => p.indexOf(Math.max(...p));

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

describe('trainLoop best epoch', () => {
  /**
   * Validation labels shifted by one class: the better the model fits the training blobs, the worse the
   * validation loss, so the best epoch comes early and then does not improve.
   */
  const anti = blobs(4, 2, 1);

  /** Trains with the weights recorded after each epoch (index 0: before training). */
  async function recorded(settings: Partial<LoopSettings>, makeArgs: (model: Linear) => Partial<TrainLoopArgs> = () => ({})) {
    const model = linear(1);
    const args = makeArgs(model);
    const weights = [[read(model.w), read(model.b)]];
    const run = await train({
      model, valSet: anti, settings,
      args: {
        ...args,
        onEpoch: (m) => {
          weights.push([read(model.w), read(model.b)]);
          args.onEpoch?.(m);
        },
      },
    });
    const final = [read(model.w), read(model.b)];
    const valLossNow = tf.tidy(() => {
      const probs = model.forward(tf.tensor2d(anti.x), null);
      return read(tf.mean(tf.metrics.categoricalCrossentropy(tf.oneHot(tf.tensor1d(anti.y, 'int32'), CLASSES), probs)))[0];
    });
    model.dispose();
    return { ...run, weights, final, valLossNow };
  }

  it('stops after `patience` epochs without improvement and restores the best epoch', async () => {
    const steps = tf.variable(tf.scalar(0));
    const { result, weights, final, valLossNow, leaked } = await recorded(
      { earlyStopping: true, patience: 2, epochs: 10 },
      (model) => ({ state: [steps], forward: countingForward(model, steps) }),
    );
    const { history } = result;
    const best = history.reduce((b, m, i) => (m.valLoss < (history[b] as EpochMetrics).valLoss ? i : b), 0);
    expect(best).toBeLessThan(history.length - 1);
    expect(history).toHaveLength(best + 1 + 2);
    expect(result).toMatchObject({ stoppedEarly: true, stopped: false, restoredBest: true, bestEpoch: best + 1 });
    expect(final).toEqual(weights[best + 1]);
    expect(final).not.toEqual(weights[history.length]);
    expect(valLossNow).toBeCloseTo(history[best]?.valLoss as number, 5);
    // 30 rows in batches of 8: 4 steps per epoch; the state is restored with the weights.
    expect(read(steps)).toEqual([4 * (best + 1)]);
    steps.dispose();
    expect(leaked).toBe(0);
  });

  it('keeps the best weights so far when the user stops after an epoch', async () => {
    const controller = new AbortController();
    const { result, weights, final } = await recorded(
      { epochs: 6 },
      () => ({ signal: controller.signal, onEpoch: (m) => m.epoch === 3 && controller.abort() }),
    );
    expect(result.history.map((m) => m.epoch)).toEqual([1, 2, 3]);
    const bestEpoch = result.bestEpoch as number;
    expect(bestEpoch).toBeLessThan(3);
    expect(result).toMatchObject({ stopped: true, stoppedEarly: false, restoredBest: true });
    expect(final).toEqual(weights[bestEpoch]);
  });

  it('puts the starting weights back when stopped before the first epoch ends', async () => {
    const controller = new AbortController();
    const steps = tf.variable(tf.scalar(0));
    // Aborts during the second step of the first epoch.
    const { result, weights, final, leaked } = await recorded({}, (model) => ({
      signal: controller.signal,
      forward: (x, step) => {
        if (read(steps)[0] === 1) controller.abort();
        return countingForward(model, steps)(x, step);
      },
    }));
    expect(read(steps)).toEqual([2]);
    steps.dispose();
    expect(result).toMatchObject({ history: [], stopped: true, restoredBest: true, bestEpoch: null });
    expect(final).toEqual(weights[0]);
    expect(leaked).toBe(0);
  });

  it('counts the starting weights as best with `initialBest`, and continues the epoch numbers', async () => {
    const { result, weights, final } = await recorded(
      { earlyStopping: true, patience: 2, epochs: 5 },
      () => ({ initialBest: { epoch: 7, valLoss: 0 }, epochOffset: 7 }),
    );
    expect(result.history.map((m) => m.epoch)).toEqual([8, 9]);
    expect(result).toMatchObject({ stoppedEarly: true, restoredBest: true, bestEpoch: 7 });
    expect(final).toEqual(weights[0]);
  });

  it('keeps the last weights without early stopping, and never stops early without a validation set', async () => {
    const plain = await recorded({ epochs: 4 });
    expect(plain.result).toMatchObject({ restoredBest: false, stoppedEarly: false });
    expect(plain.final).toEqual(plain.weights[4]);

    const model = linear(1);
    const empty = await train({ model, valSet: { x: [], y: [] }, settings: { earlyStopping: true, patience: 1, epochs: 4 } });
    model.dispose();
    expect(empty.result.history).toHaveLength(4);
    expect(empty.result.history[0]?.valLoss).toBeNaN();
    expect(empty.result.history[0]?.valAccuracy).toBeNaN();
    expect(empty.result).toMatchObject({ bestEpoch: 4, restoredBest: false, stoppedEarly: false });
    expect(empty.leaked).toBe(0);
  });
});

/** The linear model's forward that also counts training steps in `steps` (a stand-in for batch-norm state). */
function countingForward(model: Linear, steps: tf.Variable): TrainLoopArgs['forward'] {
  return (x, step) => {
    if (step !== null) steps.assign(tf.add(steps, 1));
    return model.forward(x, step);
  };
}

describe('trainLoop events and control', () => {
  it('sends batch and epoch events in order, numbered after `epochOffset`, with the stage', async () => {
    const log: string[] = [];
    const batches: BatchMetrics[] = [];
    const { result, model } = await train({
      settings: { epochs: 3 },
      args: {
        stage: 2, epochOffset: 4, batchEveryMs: 0,
        onBatch: (b) => {
          batches.push(b);
          log.push(`b${b.epoch}.${b.batch}`);
        },
        onEpoch: (m) => log.push(`e${m.epoch}.${m.stage}`),
      },
    });
    model.dispose();
    const expected = [5, 6, 7].flatMap((e) => [`b${e}.1`, `b${e}.2`, `b${e}.3`, `b${e}.4`, `e${e}.2`]);
    expect(log).toEqual(expected);
    expect(result.history.map((m) => [m.epoch, m.stage])).toEqual([[5, 2], [6, 2], [7, 2]]);
    for (const b of batches) {
      expect(b).toMatchObject({ batchesPerEpoch: 4, epochs: 7 });
      expect(b.loss).toBeGreaterThan(0);
      expect(b.imagesPerSecond).toBeGreaterThan(0);
    }
  });

  it('holds the loop while `waitWhilePaused` blocks, and goes on when released', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let paused = false;
    let steps = 0;
    const model = linear(1);
    const running = train({
      model, settings: { epochs: 3 },
      args: {
        waitWhilePaused: () => (paused ? gate : Promise.resolve()),
        forward: (x, step) => {
          if (step) steps++;
          return model.forward(x, step);
        },
        onEpoch: (m) => {
          if (m.epoch === 1) paused = true;
        },
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(steps).toBe(4);
    paused = false;
    release();
    const { result, leaked } = await running;
    model.dispose();
    expect(steps).toBe(12);
    expect(result.history).toHaveLength(3);
    expect(leaked).toBe(0);
  });

  it('ends a pause when the signal aborts, and leaves paused time out of elapsedMs', async () => {
    const controller = new AbortController();
    const model = linear(1);
    let t = 0;
    const pausedRun = train({
      model, settings: { epochs: 3 },
      args: {
        signal: controller.signal,
        now: () => (t += 1),
        // Every batch waits 1000 ms of the fake clock; the third epoch's first batch waits forever.
        waitWhilePaused: () => {
          t += 1000;
          return t > 9000 ? new Promise<void>(() => undefined) : Promise.resolve();
        },
        onEpoch: (m) => m.epoch === 2 && setTimeout(() => controller.abort(), 20),
      },
    });
    const { result, leaked } = await pausedRun;
    model.dispose();
    expect(result.stopped).toBe(true);
    expect(result.history).toHaveLength(2);
    expect(t).toBeGreaterThan(8000);
    expect(result.history[1]?.elapsedMs).toBeLessThan(500);
    expect(leaked).toBe(0);
  });

  it('rejects inconsistent inputs', async () => {
    const model = linear(1);
    await expect(train({ model, args: { yTrain: [0, 1] } })).rejects.toThrow(/yTrain has 2 labels for 30 rows/);
    await expect(train({ model, args: { classWeights: [1, 2] } })).rejects.toThrow(/classWeights must be 3/);
    await expect(train({ model, settings: { batchSize: 0, labelSmoothing: 1 } })).rejects.toThrow(
      /invalid settings: batchSize 0, labelSmoothing 1/,
    );
    model.dispose();
  });
});
