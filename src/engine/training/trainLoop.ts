/**
 * The training loop shared by both stages (stage 1: a head on cached embeddings; stage 2: top backbone blocks
 * plus the head on cached activations). Seeded minibatch shuffles (`createRng`; model.fit shuffles with
 * Math.random), Adam or SGD with momentum, learning-rate schedules, label smoothing, class weights, early
 * stopping that restores the best epoch, pause, cancellation by `AbortSignal`, and checkpoints to resume
 * from (saved and restored in `loopCheckpoint.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core/rng';
import type { LoopCheckpoint } from './checkpoint';
import { checkLoopArgs } from './loopArgs';
import { checkpointOf, resumeLoop } from './loopCheckpoint';
import type { BestSoFar, CheckpointedLoop, LoopClock } from './loopCheckpoint';
import type { BatchMetrics, EpochMetrics } from './metrics';
import { createLoopOptimizer, learningRateAt } from './optimizer';
import type { TrainSettings } from './settings';

/** The settings the loop reads (stage 2 passes its own epochs and learningRate). */
export type LoopSettings = Pick<
  TrainSettings,
  | 'epochs' | 'batchSize' | 'learningRate' | 'optimizer' | 'momentum' | 'schedule' | 'labelSmoothing'
  | 'earlyStopping' | 'patience' | 'seed'
>;

/** Rows of a training set, produced on demand (a stage-2 set may be too big for one tensor). */
export interface TrainData {
  readonly size: number;
  /** Rows `indices` as one tensor [indices.length, ...]; the loop disposes it. Called inside `tf.tidy`. */
  gather(indices: readonly number[]): tf.Tensor;
}

/** Inputs of `trainLoop`. The caller owns (and disposes) the data, the variables and whatever `forward` uses. */
export interface TrainLoopArgs {
  readonly train: TrainData;
  /** train.size class indices in [0, numClasses); train.size >= 1. */
  readonly yTrain: ArrayLike<number>;
  /** May be empty (size 0): validation metrics are then NaN and every epoch counts as the best. */
  readonly val: TrainData;
  readonly yVal: ArrayLike<number>;
  readonly numClasses: number;
  /**
   * x -> class probabilities [n, numClasses]. `step` is set during training steps (it seeds dropout), null in
   * inference. Intermediates are freed by the loop's tidy.
   */
  forward(x: tf.Tensor, step: { readonly seed: number } | null): tf.Tensor2D;
  /** The variables the optimizer updates; nothing else may change (except `state`). */
  readonly variables: readonly tf.Variable[];
  /**
   * Variables that `forward` itself updates during training steps (batch-norm moving statistics): never
   * touched by the optimizer, but saved and restored with the best epoch.
   */
  readonly state?: readonly tf.Variable[];
  /** Extra loss added inside the gradient (the head's L2 term), or undefined. */
  regularizer?(): tf.Scalar;
  /** Per-class loss weights (length numClasses, each >= 0), or null for none. */
  readonly classWeights: readonly number[] | null;
  readonly settings: LoopSettings;
  readonly stage: 1 | 2;
  /** Epoch numbers continue after this (stage 2 after stage 1's epochs); default 0. */
  readonly epochOffset?: number;
  /**
   * The standing of the starting weights, e.g. stage 1's best epoch and validation loss for stage 2: an
   * epoch is then the best only if it beats `valLoss`, and when none does, early stopping (or a stop) puts
   * the starting weights back and `bestEpoch` is `epoch`. Default: the starting weights never count as best.
   */
  readonly initialBest?: { readonly epoch: number; readonly valLoss: number };
  /** Checked before every batch; once aborted the stage stops (see `TrainLoopResult.stopped`). */
  readonly signal?: AbortSignal;
  /** Awaited before every batch; resolves when the user is not pausing. An abort ends the wait as well. */
  waitWhilePaused?(): Promise<void>;
  /** After each completed epoch, in order; `metrics.stage` = stage, `metrics.epoch` = epochOffset + k. */
  onEpoch?(metrics: EpochMetrics): void;
  /**
   * The running training loss, at most once per `batchEveryMs` (by `now`). `epochs` in the event is the last
   * epoch number of this stage (epochOffset + settings.epochs). Reading the loss costs a GPU sync.
   */
  onBatch?(metrics: BatchMetrics): void;
  /** Least time between two `onBatch` calls; default 100 ms. */
  readonly batchEveryMs?: number;
  /** Clock in ms for `elapsedMs` and for pacing yields to the event loop; defaults to `performance.now`. */
  now?(): number;
  /**
   * After each completed epoch (after `onEpoch`): the loop's state (variables, best epoch and its weights,
   * the optimizer's variables, times), to go on from with `resume`. Reading it costs a GPU sync.
   */
  onCheckpoint?(checkpoint: LoopCheckpoint): void;
  /**
   * Goes on from a checkpoint of this stage, made with the same data, variables (shapes, order), settings
   * and seed: sets the variables, the best epoch and the optimizer back, replays the seeded draws of the
   * completed epochs without training, and trains the epochs left. The result's `history` includes the
   * checkpoint's epochs; `onEpoch` is called for the new ones only. Throws when the checkpoint does not fit.
   */
  readonly resume?: LoopCheckpoint;
}

/** What `trainLoop` resolves with. */
export interface TrainLoopResult {
  /** One entry per completed epoch. */
  readonly history: EpochMetrics[];
  /** The learning rate each history entry was trained with (see `learningRateAt`). */
  readonly learningRates: number[];
  /** True when the signal aborted the stage before its last epoch ended. */
  readonly stopped: boolean;
  /** Epoch number (with offset) of the lowest validation loss, `initialBest.epoch`, or null when none. */
  readonly bestEpoch: number | null;
  /**
   * True when the variables (and `state`) were set back to a saved copy, the best epoch's or the starting
   * weights: on early stopping, on a stop, and at the end of a stage with earlyStopping on.
   */
  readonly restoredBest: boolean;
  /** True when early stopping ended the stage before its last epoch. */
  readonly stoppedEarly: boolean;
  /** Time (ms, by `now`) spent taking checkpoints and handing them to `onCheckpoint`; 0 without it. */
  readonly checkpointMs: number;
}

/** Longest stretch of work (by `now`) before the loop yields so abort and pause messages can arrive. */
const YIELD_EVERY_MS = 50;
const BATCH_EVERY_MS = 100;

/** `TrainData` over the rows of an in-memory tensor [n, ...], which the caller keeps and disposes. */
export function tensorData(x: tf.Tensor): TrainData {
  return {
    size: x.shape[0] ?? 0,
    gather: (indices) => tf.tidy(() => tf.gather(x, tf.tensor1d(Array.from(indices), 'int32'))),
  };
}

/** The loop's working state (the parts a checkpoint holds are typed in `loopCheckpoint.ts`). */
interface Loop extends CheckpointedLoop {
  readonly args: TrainLoopArgs;
  readonly variables: tf.Variable[];
  readonly saved: tf.Variable[];
  readonly best: BestSoFar;
  readonly clock: LoopClock;
}

type Sums = [tf.Scalar, tf.Scalar];

/**
 * Trains `variables` for `settings.epochs` epochs. Per epoch: the rate of `learningRateAt` is set; training
 * indices are shuffled with `createRng(settings.seed)`; each minibatch takes one optimizer step on
 * `sum_i(w[y_i] * CE_i) / n + regularizer()` (CE against label-smoothed targets `(1 - e) * onehot + e / k`;
 * w = classWeights, or 1); the epoch's `loss`/`accuracy` are the sample-weighted means over its batches,
 * measured during the step (dropout on), as Keras reports them; accuracy is never weighted. `valLoss` (plain,
 * unweighted cross-entropy on the hard labels, no regularizer) and `valAccuracy` are then measured on the
 * whole validation set in inference mode, in chunks of batchSize rows.
 * Early stopping ends the stage once the validation loss has not improved for `patience` epochs (at least 1);
 * the best epoch's weights are restored then, on a stop, and at the end of a stage with earlyStopping on.
 * The same inputs and seed give the same history (except `elapsedMs`) on the same backend. `elapsedMs`
 * counts from the start of this call, without the time spent paused. Derive distinct seeds for the stages.
 * Tensors: the optimizer, saved copies and all intermediates are disposed here; nothing else is created.
 */
export async function trainLoop(args: TrainLoopArgs): Promise<TrainLoopResult> {
  checkLoopArgs(args);
  const { settings, signal } = args;
  const loop = startLoop(args);
  const history: EpochMetrics[] = [];
  const learningRates: number[] = [];
  let [stopped, stoppedEarly, checkpointMs] = [false, false, 0];
  try {
    const first = args.resume ? await resumeLoop(loop, args.resume, history, learningRates) : 0;
    // The checkpoint's epoch may have been the one early stopping ends the stage on.
    if (first > 0 && first < settings.epochs && settings.earlyStopping) stoppedEarly = loop.best.epochsSinceBest >= Math.max(1, settings.patience);
    for (let k = first; k < settings.epochs && !stoppedEarly; k++) {
      const rate = learningRateAt(settings.schedule, settings.learningRate, k, settings.epochs, history.map((m) => m.valLoss));
      loop.optimizer.setLearningRate(rate);
      const measured = await runEpoch(loop, k);
      if (!measured) {
        stopped = true;
        break;
      }
      const metrics: EpochMetrics = { ...measured, learningRate: rate };
      history.push(metrics);
      learningRates.push(rate);
      offerBest(loop, metrics);
      args.onEpoch?.(metrics);
      const checkpointStartMs = loop.now();
      if (args.onCheckpoint) args.onCheckpoint(await checkpointOf(loop, history, elapsedMs(loop)));
      checkpointMs += loop.now() - checkpointStartMs;
      await yieldNow(loop);
      const last = k === settings.epochs - 1;
      if (signal?.aborted && !last) stopped = true;
      else if (settings.earlyStopping && loop.best.epochsSinceBest >= Math.max(1, settings.patience)) stoppedEarly = !last;
      if (stopped || stoppedEarly) break;
    }
    const restoredBest = (stopped || settings.earlyStopping) && loop.best.changed;
    if (restoredBest) loop.saved.forEach((v, i) => v.assign(loop.best.copies[i] as tf.Tensor));
    return { history, learningRates, stopped, bestEpoch: loop.best.epoch, restoredBest, stoppedEarly, checkpointMs };
  } finally {
    loop.optimizer.dispose();
    tf.dispose(loop.best.copies);
  }
}

function startLoop(args: TrainLoopArgs): Loop {
  const now = args.now ?? (() => performance.now());
  const saved = [...args.variables, ...(args.state ?? [])];
  const startMs = now();
  return {
    args,
    now,
    rng: createRng(args.settings.seed),
    optimizer: createLoopOptimizer(args.settings, args.settings.learningRate),
    variables: [...args.variables],
    saved,
    best: {
      epoch: args.initialBest?.epoch ?? null,
      valLoss: args.initialBest?.valLoss ?? Infinity,
      epochsSinceBest: 0,
      copies: saved.map((v) => tf.clone(v)),
      changed: false,
    },
    clock: { startMs, pausedMs: 0, lastYieldMs: startMs, lastBatchMs: startMs, samplesSeen: 0 },
  };
}

/** Saves the variables when `metrics` is the best epoch so far (every epoch, without a validation set). */
function offerBest(loop: Loop, metrics: EpochMetrics): void {
  const { best } = loop;
  if (loop.args.val.size === 0 || metrics.valLoss < best.valLoss) {
    tf.dispose(best.copies);
    best.copies = loop.saved.map((v) => tf.clone(v));
    best.epoch = metrics.epoch;
    best.valLoss = metrics.valLoss;
    best.epochsSinceBest = 0;
    best.changed = false;
  } else {
    best.epochsSinceBest++;
  }
}

/** Trains and validates epoch k (0-based) of the stage; null when stopped before it ended. */
async function runEpoch(loop: Loop, k: number): Promise<EpochMetrics | null> {
  const { args } = loop;
  const epoch = (args.epochOffset ?? 0) + k + 1;
  const trained = await trainEpoch(loop, epoch);
  if (!trained) return null;
  const [valLoss, valAccuracy] = await evaluateVal(loop);
  return { epoch, ...trained, valLoss, valAccuracy, elapsedMs: elapsedMs(loop), stage: args.stage };
}

async function trainEpoch(loop: Loop, epoch: number): Promise<{ loss: number; accuracy: number } | null> {
  const n = loop.args.train.size;
  const batchSize = loop.args.settings.batchSize;
  const order = loop.rng.shuffle(Array.from({ length: n }, (_, i) => i));
  let sums: Sums = [tf.scalar(0), tf.scalar(0)];
  // Loss sum and sample count at the previous batch report of this epoch.
  let reported = { lossSum: 0, samples: 0 };
  try {
    for (let start = 0; start < n; start += batchSize) {
      if (!(await beforeBatch(loop))) return null;
      const next = trainStep(loop, order.slice(start, start + batchSize), loop.rng.uint32(), sums);
      tf.dispose(sums);
      sums = next;
      loop.best.changed = true;
      const samples = Math.min(start + batchSize, n);
      loop.clock.samplesSeen += samples - start;
      reported = await reportBatch(loop, epoch, samples, sums[0], reported);
    }
    const [lossSum, correct] = await readScalars(sums);
    return { loss: lossSum / n, accuracy: correct / n };
  } finally {
    tf.dispose(sums);
  }
}

/**
 * One optimizer step on the training rows `rows`. Returns new running sums (loss x rows, correct rows) that
 * the caller disposes; `sums` is read, not disposed.
 */
function trainStep(loop: Loop, rows: number[], seed: number, sums: Sums): Sums {
  const { args } = loop;
  const weights = args.classWeights;
  return tf.tidy((): Sums => {
    const x = args.train.gather(rows);
    const labels = rows.map((i) => args.yTrain[i] as number);
    const e = args.settings.labelSmoothing;
    const target = tf.add(tf.mul(oneHot(labels, args.numClasses), 1 - e), e / args.numClasses);
    const sampleWeights = weights === null ? null : tf.tensor1d(labels.map((y) => weights[y] as number));
    const kept: { correct?: tf.Scalar } = {};
    const cost = loop.optimizer.optimizer.minimize(
      () => {
        const probs = args.forward(x, { seed });
        // Kept out of the gradient scope's tidy so accuracy needs no second forward pass.
        kept.correct = tf.keep(countCorrect(labels, probs));
        const ce = tf.metrics.categoricalCrossentropy(target, probs);
        const loss = sampleWeights === null ? tf.mean(ce) : tf.div(tf.sum(tf.mul(sampleWeights, ce)), rows.length);
        return (args.regularizer ? tf.add(loss, args.regularizer()) : loss) as tf.Scalar;
      },
      true,
      loop.variables,
    ) as tf.Scalar;
    const correct = kept.correct as tf.Scalar;
    const next: Sums = [tf.add(sums[0], tf.mul(cost, rows.length)), tf.add(sums[1], correct)];
    correct.dispose();
    return next;
  });
}

/** Mean cross-entropy and accuracy over the validation set in inference mode; [NaN, NaN] when it is empty. */
async function evaluateVal(loop: Loop): Promise<[number, number]> {
  const { val, yVal, numClasses, forward, settings } = loop.args;
  const n = val.size;
  if (n === 0) return [NaN, NaN];
  let sums: Sums = [tf.scalar(0), tf.scalar(0)];
  try {
    for (let start = 0; start < n; start += settings.batchSize) {
      const rows = Array.from({ length: Math.min(settings.batchSize, n - start) }, (_, i) => start + i);
      const next = tf.tidy((): Sums => {
        const labels = rows.map((i) => yVal[i] as number);
        const probs = forward(val.gather(rows), null);
        const ce = tf.metrics.categoricalCrossentropy(oneHot(labels, numClasses), probs);
        return [tf.add(sums[0], tf.sum(ce)), tf.add(sums[1], countCorrect(labels, probs))];
      });
      tf.dispose(sums);
      sums = next;
      if (loop.now() - loop.clock.lastYieldMs >= YIELD_EVERY_MS) await yieldNow(loop);
    }
    const [lossSum, correct] = await readScalars(sums);
    return [lossSum / n, correct / n];
  } finally {
    tf.dispose(sums);
  }
}

/** Yields when due, waits while paused; false when the signal has aborted. */
async function beforeBatch(loop: Loop): Promise<boolean> {
  const { args, clock } = loop;
  if (loop.now() - clock.lastYieldMs >= YIELD_EVERY_MS) await yieldNow(loop);
  if (args.waitWhilePaused && !args.signal?.aborted) {
    const pausedFromMs = loop.now();
    await untilAborted(args.waitWhilePaused(), args.signal);
    clock.pausedMs += loop.now() - pausedFromMs;
  }
  return !args.signal?.aborted;
}

/** Sends a batch event when one is due; returns the loss sum and sample count it reported up to. */
async function reportBatch(
  loop: Loop,
  epoch: number,
  samples: number,
  lossSum: tf.Scalar,
  reported: { lossSum: number; samples: number },
): Promise<{ lossSum: number; samples: number }> {
  const { args, clock } = loop;
  if (!args.onBatch || loop.now() - clock.lastBatchMs < (args.batchEveryMs ?? BATCH_EVERY_MS)) return reported;
  const lossNow = (await lossSum.data())[0] ?? NaN;
  const elapsed = elapsedMs(loop);
  const { batchSize, epochs } = args.settings;
  args.onBatch({
    epoch,
    batch: Math.ceil(samples / batchSize),
    batchesPerEpoch: Math.ceil(args.train.size / batchSize),
    epochs: (args.epochOffset ?? 0) + epochs,
    loss: (lossNow - reported.lossSum) / (samples - reported.samples),
    imagesPerSecond: elapsed > 0 ? (clock.samplesSeen * 1000) / elapsed : 0,
    elapsedMs: elapsed,
    stage: args.stage,
    firstEpoch: (args.epochOffset ?? 0) + 1,
  });
  clock.lastBatchMs = loop.now();
  return { lossSum: lossNow, samples };
}

const elapsedMs = (loop: Loop): number => loop.now() - loop.clock.startMs - loop.clock.pausedMs;

/** Lets timers and messages run (Node, Worker and page alike). */
async function yieldNow(loop: Loop): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  loop.clock.lastYieldMs = loop.now();
}

/** Resolves when `wait` does or when `signal` aborts, whichever comes first. */
function untilAborted(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return wait;
  let onAbort = (): void => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([wait, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** Number of rows whose argmax matches the label, as a float32 scalar. */
function countCorrect(labels: number[], probs: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.cast(tf.equal(tf.argMax(probs, 1), tf.tensor1d(labels, 'int32')), 'float32')));
}

/** [labels.length, numClasses] float32 one-hot rows; the caller disposes it (or calls inside tf.tidy). */
function oneHot(labels: number[], numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses), 'float32') as tf.Tensor2D);
}

async function readScalars(sums: Sums): Promise<[number, number]> {
  const [a, b] = await Promise.all([sums[0].data(), sums[1].data()]);
  return [a[0] ?? NaN, b[0] ?? NaN];
}
