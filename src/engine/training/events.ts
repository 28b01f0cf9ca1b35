/**
 * The events a training run sends to the page, as one discriminated union keyed on `type`, in the order the
 * run emits them. The metrics, the plan and the checkpoints they carry live in `metrics.ts` and `checkpoint.ts`.
 */
import type { ClassifierModel } from '../model/classifierModel';
import type { Evaluation, Prediction, StudioReport } from '../evaluation/report';
import type { RunCheckpoint } from './checkpoint';
import type { RunEmbeddings } from '../labels';
import type { BatchMetrics, EpochMetrics, RunPlan } from './metrics';

/** Which part of a run a `progress` event counts. */
export const RUN_STAGES = ['backbone', 'embed', 'search', 'train', 'finetune', 'evaluate'] as const;
export type RunStage = (typeof RUN_STAGES)[number];

/**
 * Everything a training run reports, in order: `backend`, then `progress` events, `batchEnd` events (throttled) and
 * `epochEnd` once per epoch,
 * and exactly one of `done`, `stopped` or `error` last.
 */
export type TrainEvent =
  /** The backend of a part of the run: features (`embed`, sent first) or stage 2 (`finetune`). */
  | { readonly type: 'backend'; readonly backend: string; readonly reason: string; readonly part?: 'embed' | 'finetune' }
  | ({ readonly type: 'plan' } & RunPlan)
  /** The run is waiting for `resume` (`paused: true`) or going on again (`paused: false`). */
  | { readonly type: 'paused'; readonly paused: boolean }
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
  /** Sent after each `epochEnd` (its epoch's state), when the start request asked for checkpoints. */
  | { readonly type: 'checkpoint'; readonly checkpoint: RunCheckpoint }
  /**
   * The run's result: the report, and the trained classifier (backbone and head fused, serialised) for
   * export, prediction and the webcam; `model` is null when the backbone cannot be fused (`modelNote` says why).
   */
  | {
      readonly type: 'done'; readonly report: StudioReport; readonly model: ClassifierModel | null; readonly modelNote?: string;
      /** The centre-crop features the label check judged, for the embedding map (absent above its image limit). */
      readonly embeddings?: RunEmbeddings;
    }
  | { readonly type: 'stopped'; readonly reason: string }
  | { readonly type: 'error'; readonly message: string };

/** The event names, for switch statements and tests. */
export const TRAIN_EVENT_TYPES = [
  'backend', 'plan', 'paused', 'progress', 'skipped', 'batchEnd', 'evaluation', 'epochEnd', 'checkpoint', 'done', 'stopped', 'error',
] as const;
