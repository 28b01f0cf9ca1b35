import type { StudioReport } from './report';

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
}

/**
 * Everything a training run reports, in order: `backend`, then `progress` events, `epochEnd` once per epoch,
 * and exactly one of `done`, `stopped` or `error` last.
 */
export type TrainEvent =
  | { readonly type: 'backend'; readonly backend: string; readonly reason: string }
  | { readonly type: 'progress'; readonly stage: RunStage; readonly done: number; readonly total: number }
  | { readonly type: 'skipped'; readonly file: string; readonly reason: string }
  | ({ readonly type: 'epochEnd' } & EpochMetrics)
  | { readonly type: 'done'; readonly report: StudioReport }
  | { readonly type: 'stopped'; readonly reason: string }
  | { readonly type: 'error'; readonly message: string };

/** The event names, for switch statements and tests. */
export const TRAIN_EVENT_TYPES = ['backend', 'progress', 'skipped', 'epochEnd', 'done', 'stopped', 'error'] as const;
