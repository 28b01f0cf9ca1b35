/**
 * Stage 1: trains a new head (see `head.ts`) on cached embeddings, by `trainLoop` over an in-memory
 * [n, featureSize] tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core/rng';
import { classCounts, resolveClassWeights } from './classWeights';
import type { LoopCheckpoint } from './checkpoint';
import type { BatchMetrics, EpochMetrics } from './metrics';
import { applyHead, createHead, headL2 } from './head';
import type { TrainSettings } from './settings';
import { tensorData, trainLoop } from './trainLoop';
import type { TrainLoopArgs, TrainLoopResult } from './trainLoop';

/** The settings `trainHead` reads. */
export type HeadTrainSettings = Pick<
  TrainSettings,
  | 'epochs' | 'batchSize' | 'learningRate' | 'optimizer' | 'momentum' | 'schedule' | 'hiddenUnits' | 'dropout'
  | 'batchNorm' | 'l2' | 'labelSmoothing' | 'classWeighting' | 'earlyStopping' | 'patience' | 'seed'
>;

/** Inputs of `trainHead`. The caller keeps ownership of (and disposes) `xTrain` and `xVal`. */
export interface TrainHeadArgs {
  /** [nTrain, featureSize] float32 embeddings; nTrain >= 1. */
  readonly xTrain: tf.Tensor2D;
  /** nTrain class indices in [0, numClasses). */
  readonly yTrain: ArrayLike<number>;
  /** [nVal, featureSize] float32 embeddings; nVal may be 0. */
  readonly xVal: tf.Tensor2D;
  /** nVal class indices in [0, numClasses). */
  readonly yVal: ArrayLike<number>;
  readonly numClasses: number;
  readonly settings: HeadTrainSettings;
  /**
   * Per-class loss weights (length numClasses) or null for none; undefined resolves `settings.classWeighting`
   * on the counts of `yTrain` (see `resolveClassWeights`).
   */
  readonly classWeights?: readonly number[] | null;
  /** Checked before every batch; once aborted, training stops and resolves with `stopped: true`. */
  readonly signal?: AbortSignal;
  /** Awaited before every batch; resolves when the user is not pausing (an abort ends the wait too). */
  readonly waitWhilePaused?: () => Promise<void>;
  /** Epoch numbers continue after this; default 0. */
  readonly epochOffset?: number;
  /**
   * Called after each completed epoch, in order, with epoch = epochOffset + 1.., and the head as it is now (to
   * evaluate on demand; the callee must not dispose or train it).
   */
  readonly onEpoch?: (metrics: EpochMetrics, model: tf.LayersModel) => void;
  /**
   * Called with the running training loss at most once per `batchEveryMs` (by `now`), never for the first
   * batch of training; reading the loss costs a GPU sync, so it is throttled.
   */
  readonly onBatch?: (metrics: BatchMetrics) => void;
  /** Least time between two `onBatch` calls; default 100 ms. */
  readonly batchEveryMs?: number;
  /** Clock in ms for `elapsedMs` and for pacing yields to the event loop; defaults to `performance.now`. */
  readonly now?: () => number;
  /** After each completed epoch: the loop's state, to resume from (see `trainLoop`). */
  readonly onCheckpoint?: (checkpoint: LoopCheckpoint) => void;
  /** Goes on from a checkpoint of a head trained on the same data with the same settings (see `trainLoop`). */
  readonly resume?: LoopCheckpoint;
}

/** What `trainHead` resolves with. The caller disposes `model`. */
export interface TrainHeadResult extends TrainLoopResult {
  /** The head, with the best epoch's weights when `restoredBest`. */
  readonly model: tf.LayersModel;
}

/**
 * Trains a new head for up to `settings.epochs` epochs with `trainLoop` (stage 1): see there for the
 * optimizer, schedule, loss, metrics, early stopping and restoring of the best epoch. The head is built from
 * `settings` (hiddenUnits, dropout, batchNorm) with its initial weights seeded from `settings.seed`; the L2
 * term `l2 * sum of squares of its kernels` is added to the training loss when l2 > 0; batch-norm moving
 * statistics are saved and restored with the best epoch.
 * The same inputs and seed give the same history (except `elapsedMs`) on the same backend.
 * Tensors: all intermediates are disposed here; the caller disposes the returned model.
 */
export async function trainHead(args: TrainHeadArgs): Promise<TrainHeadResult> {
  const { xTrain, xVal, numClasses, settings } = args;
  const rng = createRng(settings.seed);
  const model = createHead({ ...settings, featureSize: xTrain.shape[1], numClasses, seed: rng.uint32() });
  try {
    const result = await trainLoop({
      ...loopCallbacks(args, model),
      train: tensorData(xTrain),
      yTrain: args.yTrain,
      val: tensorData(xVal),
      yVal: args.yVal,
      numClasses,
      forward: (x, step) => applyHead(model, x as tf.Tensor2D, step),
      variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
      state: model.nonTrainableWeights.map((w) => w.read() as tf.Variable),
      regularizer: settings.l2 > 0 ? () => headL2(model, settings.l2) : undefined,
      classWeights:
        args.classWeights !== undefined
          ? args.classWeights
          : resolveClassWeights(settings.classWeighting, classCounts(args.yTrain, numClasses)),
      // The head's initial weights took the first draw of `rng`: shuffles and dropout get their own stream.
      settings: { ...settings, seed: rng.uint32() },
      stage: 1,
    });
    return { model, ...result };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The pass-through options of `trainLoop`, with `onEpoch` also given the head. */
function loopCallbacks(
  args: TrainHeadArgs,
  model: tf.LayersModel,
): Pick<TrainLoopArgs, 'signal' | 'waitWhilePaused' | 'epochOffset' | 'onEpoch' | 'onBatch' | 'batchEveryMs' | 'now' | 'onCheckpoint' | 'resume'> {
  const { onEpoch } = args;
  return {
    signal: args.signal,
    waitWhilePaused: args.waitWhilePaused,
    epochOffset: args.epochOffset,
    onEpoch: onEpoch ? (metrics) => onEpoch(metrics, model) : undefined,
    onBatch: args.onBatch,
    batchEveryMs: args.batchEveryMs,
    now: args.now,
    onCheckpoint: args.onCheckpoint,
    resume: args.resume,
  };
}
