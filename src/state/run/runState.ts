/**
 * The state of a training run as the studio shows it, and the pure reducer that folds the engine's events
 * into it (`applyTrainEvent`). No store and no clock here: callers pass the page time in, so Node tests
 * drive it event by event.
 */
import type { SkippedFile } from '../../core/types';
import type { Evaluation, Prediction, StudioReport } from '../../engine/evaluation';
import type { RunEmbeddings } from '../../engine/labels';
import type { BatchMetrics, EpochMetrics, PackedCheckpoint, RunPlan, RunStage, TrainResponse, TrainSettings } from '../../engine/training';
import { appendCapped, estimateRemainingMs, ratePerSecond, trainingFraction } from '../progress';
import type { BatchLossPoint } from '../progress';

/** Pace of the current stage: images per second and the time left, null until there is a pace to go on. */
export interface RunPace {
  readonly imagesPerSecond: number | null;
  readonly remainingMs: number | null;
}

/** State of the current or last run; `RunStatus` says which. */
export type RunStatus = 'idle' | 'running' | 'paused' | 'stopping' | 'done' | 'stopped' | 'error';

/** Whether a run is under way (a worker exists), whatever it is doing. */
export const isActive = (status: RunStatus): boolean => status === 'running' || status === 'paused' || status === 'stopping';

/** Held-out results of the head after one epoch, while training goes on. */
export interface InterimResults {
  readonly epoch: number;
  readonly evaluations: readonly Evaluation[];
  readonly predictions: readonly Prediction[];
}

/** The current or last run: its backends, plan, progress, pace, curves and outcome. */
export interface RunState {
  readonly status: RunStatus;
  readonly backend: string | null;
  readonly backendReason: string | null;
  /** The backend stage 2 runs on and why, once stage 2 starts. */
  readonly fineTuneBackend: string | null;
  readonly fineTuneBackendReason: string | null;
  /** What the run planned (stages, views, class weights), once the data is embedded. */
  readonly plan: RunPlan | null;
  readonly stage: RunStage | null;
  readonly progress: { readonly done: number; readonly total: number };
  /** When the current stage began (page clock, ms). */
  readonly stageStartedMs: number;
  readonly pace: RunPace;
  /** Epochs the run was asked for (both stages). */
  readonly epochs: number;
  /** The latest `batchEnd` of the run, null before the first. */
  readonly batch: BatchMetrics | null;
  /** The running training loss, at most `MAX_BATCH_POINTS` points. */
  readonly batchLosses: readonly BatchLossPoint[];
  readonly history: readonly EpochMetrics[];
  readonly skipped: readonly SkippedFile[];
  readonly report: StudioReport | null;
  /** The features the run's label check judged, for the embedding map; not saved with the project. */
  readonly embeddings: RunEmbeddings | null;
  /** The latest evaluation asked for during training (`Evaluate now`), null until one arrives. */
  readonly interim: InterimResults | null;
  /** Whether an `Evaluate now` is waiting for the end of the current epoch. */
  readonly evaluationPending: boolean;
  readonly message: string | null;
  /** The run's state after its last completed epoch (saved by src/state/projects), null before the first. */
  readonly checkpoint: PackedCheckpoint | null;
  /**
   * Set when the run failed on a backend and goes on, from its last checkpoint, on the next one: what
   * failed and where it continues. Kept until the next run starts.
   */
  readonly fallback: string | null;
}

const NO_PACE: RunPace = { imagesPerSecond: null, remainingMs: null };

/** No run yet: what a new studio, a new dataset and a new project start from. */
export const IDLE_RUN: RunState = {
  status: 'idle', backend: null, backendReason: null, fineTuneBackend: null, fineTuneBackendReason: null, plan: null, stage: null, progress: { done: 0, total: 0 },
  stageStartedMs: 0, pace: NO_PACE, epochs: 0, batch: null, batchLosses: [],
  history: [], skipped: [], report: null, embeddings: null, interim: null, evaluationPending: false, message: null, checkpoint: null, fallback: null,
};

/**
 * A run just started with `settings` at `nowMs` (page clock), loading its backbone. A run resumed from a
 * checkpoint starts with the epochs it had completed, so the curves go on from there; `fallback` says why
 * it runs (see `RunState.fallback`), null for a run the user started.
 */
export function runStarting(settings: TrainSettings, resumeFrom: PackedCheckpoint | undefined, fallback: string | null, nowMs: number): RunState {
  const epochs = settings.epochs + (settings.fineTune ? settings.fineTuneEpochs : 0);
  const history = resumeFrom ? [...resumeFrom.history] : [];
  return { ...IDLE_RUN, status: 'running', stage: 'backbone', stageStartedMs: nowMs, epochs, history, fallback };
}

/** Folds one engine event into the run state; `nowMs` (page clock) times the stages for the pace. */
export function applyTrainEvent(run: RunState, event: TrainResponse, nowMs = performance.now()): RunState {
  switch (event.type) {
    case 'backend':
      return event.part === 'finetune'
        ? { ...run, fineTuneBackend: event.backend, fineTuneBackendReason: event.reason }
        : { ...run, backend: event.backend, backendReason: event.reason };
    case 'plan': {
      const { type: _type, ...plan } = event;
      return { ...run, plan, epochs: plan.stage1Epochs + plan.stage2Epochs };
    }
    case 'paused':
      if (run.status !== 'running' && run.status !== 'paused') return run;
      return { ...run, status: event.paused ? 'paused' : 'running' };
    case 'progress': {
      const stageStartedMs = event.stage === run.stage ? run.stageStartedMs : nowMs;
      const elapsedMs = nowMs - stageStartedMs;
      const pace: RunPace = event.stage === 'embed'
        ? { imagesPerSecond: ratePerSecond(event.done, elapsedMs), remainingMs: estimateRemainingMs(event.done, event.total, elapsedMs) }
        : NO_PACE;
      return { ...run, stage: event.stage, stageStartedMs, pace, progress: { done: event.done, total: event.total } };
    }
    case 'skipped':
      return { ...run, skipped: [...run.skipped, { file: event.file, reason: event.reason }] };
    case 'batchEnd': {
      const { type: _type, ...batch } = event;
      // Epoch numbers run on across stages, but each stage's clock starts at 0: pace the current stage alone.
      const stage2 = batch.stage === 2;
      const before = batch.firstEpoch - 1;
      const fraction = trainingFraction(batch.epoch - before, batch.batch, batch.batchesPerEpoch, batch.epochs - before);
      const point = { x: batch.epoch - 1 + batch.batch / batch.batchesPerEpoch, loss: batch.loss };
      return {
        ...run, stage: stage2 ? 'finetune' : 'train', batch, batchLosses: appendCapped(run.batchLosses, point),
        pace: { imagesPerSecond: batch.imagesPerSecond, remainingMs: estimateRemainingMs(fraction, 1, batch.elapsedMs) },
      };
    }
    case 'epochEnd': {
      const { type: _type, ...metrics } = event;
      const before = metrics.stage === 2 ? run.history.filter((m) => m.stage !== 2).length : 0;
      const stageEpochs = metrics.stage === 2 ? (run.plan?.stage2Epochs ?? run.epochs - before) : (run.plan?.stage1Epochs ?? run.epochs);
      const remainingMs = estimateRemainingMs(metrics.epoch - before, stageEpochs, metrics.elapsedMs);
      return { ...run, stage: metrics.stage === 2 ? 'finetune' : 'train', history: [...run.history, metrics], pace: { ...run.pace, remainingMs } };
    }
    case 'evaluation':
      return {
        ...run, evaluationPending: false,
        interim: { epoch: event.epoch, evaluations: event.evaluations, predictions: event.predictions },
      };
    case 'checkpoint':
      return { ...run, checkpoint: event.checkpoint };
    case 'done':
      return { ...run, status: 'done', stage: null, report: event.report, embeddings: event.embeddings ?? null, message: null };
    case 'stopped':
      return { ...run, status: 'stopped', stage: null, message: event.reason };
    case 'error':
      return { ...run, status: 'error', stage: null, message: event.message };
  }
}
