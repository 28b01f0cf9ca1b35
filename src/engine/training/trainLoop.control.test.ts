import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BatchMetrics, EpochMetrics } from './metrics';
import type { LoopSettings, TrainLoopArgs } from './trainLoop';
import { CLASSES, blobs, linear, read, train } from '../testing/linearLoop';
import type { Linear } from '../testing/linearLoop';

beforeAll(async () => {
  await tf.setBackend('cpu');
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
    let heldCalls = 0;
    let reachedGate = (): void => undefined;
    const atGate = new Promise<void>((resolve) => {
      reachedGate = resolve;
    });
    const model = linear(1);
    const running = train({
      model, settings: { epochs: 3 },
      args: {
        waitWhilePaused: () => {
          if (!paused) return Promise.resolve();
          heldCalls++;
          reachedGate();
          return gate;
        },
        forward: (x, step) => {
          if (step) steps++;
          return model.forward(x, step);
        },
        onEpoch: (m) => {
          if (m.epoch === 1) paused = true;
        },
      },
    });
    await atGate;
    // Many turns of the event loop (no wall-clock wait): a loop that went on past the gate would step again.
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(steps).toBe(4);
    expect(heldCalls).toBe(1);
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
        // Every batch waits 1000 ms of the fake clock; the third epoch's first batch waits forever, until the
        // abort that comes once the loop is waiting on it (a microtask later).
        waitWhilePaused: () => {
          t += 1000;
          if (t <= 9000) return Promise.resolve();
          queueMicrotask(() => controller.abort());
          return new Promise<void>(() => undefined);
        },
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
