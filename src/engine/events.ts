import type { Evaluation, Prediction, StudioReport } from './report';

/** Which part of a run a `progress` event counts. */
export type RunStage = 'backbone' | 'embed' | 'train' | 'evaluate';

/** Per-epoch metrics of the head; `elapsedMs` counts from the start of training. */
export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly elapsedMs: number;
  /**
   * Training stage the epoch belongs to (1: head on frozen features; 2: fine-tuning, not implemented yet).
   * Charts draw a boundary where it changes; absent means 1.
   */
  readonly stage?: 1 | 2;
}

/**
 * The running training loss within an epoch, sent at most every `batchEveryMs` (see `trainHead`).
 * `loss` is the mean cross-entropy over the batches since the previous report (dropout on).
 */
export interface BatchMetrics {
  /** 1-based epoch. */
  readonly epoch: number;
  /** 1-based index of the last batch counted, in [1, batchesPerEpoch]. */
  readonly batch: number;
  readonly batchesPerEpoch: number;
  readonly epochs: number;
  readonly loss: number;
  /** Training samples per second since training began. */
  readonly imagesPerSecond: number;
  /** Since training began. */
  readonly elapsedMs: number;
}

/**
 * Everything a training run reports, in order: `backend`, then `progress` events, `batchEnd` events (throttled) and
 * `epochEnd` once per epoch,
 * and exactly one of `done`, `stopped` or `error` last.
 */
export type TrainEvent =
  | { readonly type: 'backend'; readonly backend: string; readonly reason: string }
  | { readonly type: 'progress'; readonly stage: RunStage; readonly done: number; readonly total: number }
  | { readonly type: 'skipped'; readonly file: string; readonly reason: string }
  | ({ readonly type: 'batchEnd' } & BatchMetrics)
  /** The head evaluated after `epoch` because the user asked during training (see `RunDeps.takeEvaluationRequest`). */
  | {
      readonly type: 'evaluation';
      readonly epoch: number;
      readonly evaluations: readonly Evaluation[];
      readonly predictions: readonly Prediction[];
    }
  | ({ readonly type: 'epochEnd' } & EpochMetrics)
  | { readonly type: 'done'; readonly report: StudioReport }
  | { readonly type: 'stopped'; readonly reason: string }
  | { readonly type: 'error'; readonly message: string };

/** The event names, for switch statements and tests. */
export const TRAIN_EVENT_TYPES = [
  'backend', 'progress', 'skipped', 'batchEnd', 'evaluation', 'epochEnd', 'done', 'stopped', 'error',
] as const;
