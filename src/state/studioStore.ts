/**
 * The studio's state: a vanilla zustand store (no React here). The UI renders it and calls its actions;
 * engine events arrive through `applyTrainEvent`.
 */
import { createStore } from 'zustand/vanilla';
import { UserFacingError, errorMessage } from '../core/errors';
import type { Dataset, DatasetItem, SkippedFile } from '../core/types';
import { buildDataset } from '../data/ingest';
import { assignValidation } from '../data/split';
import type { BackendName } from '../engine/backend';
import type { BatchMetrics, EpochMetrics, RunStage, TrainEvent } from '../engine/events';
import type { Evaluation, Prediction, StudioReport } from '../engine/report';
import { DEFAULT_SETTINGS } from '../engine/settings';
import type { TrainSettings } from '../engine/settings';
import { startTrainingWorker } from '../engine/trainClient';
import type { TrainingHandle } from '../engine/trainClient';
import { appendCapped, estimateRemainingMs, ratePerSecond, trainingFraction } from './progress';
import type { BatchLossPoint } from './progress';

/** A file the user gave us and the path it had inside the chosen folder. */
export interface PickedFile {
  readonly file: File;
  readonly path: string;
}

/** What `npm run models` put on this origin (`/models/index.json`). */
export interface ModelsIndex {
  readonly available: readonly string[];
  readonly missing: readonly string[];
}

/** Pace of the current stage: images per second and the time left, null until there is a pace to go on. */
export interface RunPace {
  readonly imagesPerSecond: number | null;
  readonly remainingMs: number | null;
}

/** State of the current or last run; `RunStatus` says which. */
export type RunStatus = 'idle' | 'running' | 'stopping' | 'done' | 'stopped' | 'error';

export interface RunState {
  readonly status: RunStatus;
  readonly backend: string | null;
  readonly backendReason: string | null;
  readonly stage: RunStage | null;
  readonly progress: { readonly done: number; readonly total: number };
  /** When the current stage began (page clock, ms). */
  readonly stageStartedMs: number;
  readonly pace: RunPace;
  /** Epochs the run was asked for. */
  readonly epochs: number;
  /** The latest `batchEnd` of the run, null before the first. */
  readonly batch: BatchMetrics | null;
  /** The running training loss, at most `MAX_BATCH_POINTS` points. */
  readonly batchLosses: readonly BatchLossPoint[];
  readonly history: readonly EpochMetrics[];
  readonly skipped: readonly SkippedFile[];
  readonly report: StudioReport | null;
  /** The latest evaluation asked for during training (`Evaluate now`), null until one arrives. */
  readonly interim: InterimResults | null;
  /** Whether an `Evaluate now` is waiting for the end of the current epoch. */
  readonly evaluationPending: boolean;
  readonly message: string | null;
}

/** Held-out results of the head after one epoch, while training goes on. */
export interface InterimResults {
  readonly epoch: number;
  readonly evaluations: readonly Evaluation[];
  readonly predictions: readonly Prediction[];
}

/** The whole studio: the chosen folder, the settings, the run, and the actions. */
export interface StudioState {
  readonly files: readonly File[];
  readonly dataset: Dataset | null;
  /** `dataset.items` by `path`, to find a prediction's file: `files[itemsByPath.get(path).fileIndex]`. */
  readonly itemsByPath: ReadonlyMap<string, DatasetItem>;
  readonly ingestMs: number;
  readonly ingestError: string | null;
  readonly settings: TrainSettings;
  readonly backendPreference: 'auto' | BackendName;
  /** null while loading; `unreachable` when the origin has no index. */
  readonly models: ModelsIndex | 'unreachable' | null;
  readonly run: RunState;
  ingest(files: readonly PickedFile[], name?: string): void;
  updateSettings(patch: Partial<TrainSettings>): void;
  setBackendPreference(preference: 'auto' | BackendName): void;
  loadModelsIndex(fetcher?: typeof fetch): Promise<void>;
  train(): void;
  stop(): void;
  /** Evaluates the head on the held-out splits at the end of the current epoch. */
  evaluateNow(): void;
}

const NO_PACE: RunPace = { imagesPerSecond: null, remainingMs: null };

const IDLE_RUN: RunState = {
  status: 'idle', backend: null, backendReason: null, stage: null, progress: { done: 0, total: 0 },
  stageStartedMs: 0, pace: NO_PACE, epochs: 0, batch: null, batchLosses: [],
  history: [], skipped: [], report: null, interim: null, evaluationPending: false, message: null,
};

/** Folds one engine event into the run state; `nowMs` (page clock) times the stages for the pace. */
export function applyTrainEvent(run: RunState, event: TrainEvent, nowMs = performance.now()): RunState {
  switch (event.type) {
    case 'backend':
      return { ...run, backend: event.backend, backendReason: event.reason };
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
      const fraction = trainingFraction(batch.epoch, batch.batch, batch.batchesPerEpoch, batch.epochs);
      const point = { x: batch.epoch - 1 + batch.batch / batch.batchesPerEpoch, loss: batch.loss };
      return {
        ...run, stage: 'train', batch, batchLosses: appendCapped(run.batchLosses, point),
        pace: { imagesPerSecond: batch.imagesPerSecond, remainingMs: estimateRemainingMs(fraction, 1, batch.elapsedMs) },
      };
    }
    case 'epochEnd': {
      const { type: _type, ...metrics } = event;
      const remainingMs = estimateRemainingMs(metrics.epoch, run.epochs, metrics.elapsedMs);
      return { ...run, stage: 'train', history: [...run.history, metrics], pace: { ...run.pace, remainingMs } };
    }
    case 'evaluation':
      return {
        ...run, evaluationPending: false,
        interim: { epoch: event.epoch, evaluations: event.evaluations, predictions: event.predictions },
      };
    case 'done':
      return { ...run, status: 'done', stage: null, report: event.report, message: null };
    case 'stopped':
      return { ...run, status: 'stopped', stage: null, message: event.reason };
    case 'error':
      return { ...run, status: 'error', stage: null, message: event.message };
  }
}

/** Creates the store; `startWorker` is replaceable so the store can be driven without a browser Worker. */
export function createStudioStore(startWorker = startTrainingWorker) {
  let handle: TrainingHandle | null = null;
  return createStore<StudioState>()((set, get) => ({
    files: [],
    dataset: null,
    itemsByPath: new Map(),
    ingestMs: 0,
    ingestError: null,
    settings: DEFAULT_SETTINGS,
    backendPreference: 'auto',
    models: null,
    run: IDLE_RUN,

    ingest(picked, name) {
      if (get().run.status === 'running') return;
      const startMs = performance.now();
      try {
        const raw = buildDataset(picked.map((p) => ({ path: p.path, size: p.file.size })), name);
        const { valFraction, seed } = get().settings;
        const dataset = assignValidation(raw, valFraction, seed);
        set({
          files: picked.map((p) => p.file), dataset, itemsByPath: new Map(dataset.items.map((it) => [it.path, it])), ingestMs: performance.now() - startMs, ingestError: null,
          run: IDLE_RUN,
        });
      } catch (error) {
        const message = error instanceof UserFacingError ? error.message : `Could not read the folder: ${errorMessage(error)}`;
        set({ files: [], dataset: null, itemsByPath: new Map(), ingestError: message, run: IDLE_RUN });
      }
    },

    updateSettings(patch) {
      set({ settings: { ...get().settings, ...patch } });
    },

    setBackendPreference(preference) {
      set({ backendPreference: preference });
    },

    async loadModelsIndex(fetcher = fetch) {
      try {
        const response = await fetcher('/models/index.json');
        if (!response.ok) throw new Error(String(response.status));
        const index = (await response.json()) as ModelsIndex;
        set({ models: { available: index.available ?? [], missing: index.missing ?? [] } });
      } catch {
        set({ models: 'unreachable' });
      }
    },

    train() {
      const { dataset, files, settings, ingestMs, backendPreference, run } = get();
      if (!dataset || run.status === 'running' || run.status === 'stopping') return;
      set({ run: { ...IDLE_RUN, status: 'running', stage: 'backbone', stageStartedMs: performance.now(), epochs: settings.epochs } });
      handle = startWorker(
        { type: 'start', dataset, files, settings, ingestMs, backend: backendPreference },
        (event) => set({ run: applyTrainEvent(get().run, event) }),
      );
    },

    stop() {
      if (get().run.status !== 'running') return;
      set({ run: { ...get().run, status: 'stopping' } });
      handle?.stop();
    },

    evaluateNow() {
      const { run } = get();
      if (run.status !== 'running' || run.evaluationPending) return;
      set({ run: { ...run, evaluationPending: true } });
      handle?.evaluateNow();
    },
  }));
}

export type StudioStore = ReturnType<typeof createStudioStore>;
