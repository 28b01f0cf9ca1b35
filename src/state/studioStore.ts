/**
 * The studio's state: a vanilla zustand store (no React here). The UI renders it and calls its actions;
 * engine events arrive through `applyTrainEvent`.
 */
import { createStore } from 'zustand/vanilla';
import { UserFacingError, errorMessage } from '../core/errors';
import type { Dataset, SkippedFile } from '../core/types';
import { buildDataset } from '../data/ingest';
import { assignValidation } from '../data/split';
import type { BackendName } from '../engine/backend';
import type { EpochMetrics, RunStage, TrainEvent } from '../engine/events';
import type { StudioReport } from '../engine/report';
import { DEFAULT_SETTINGS } from '../engine/settings';
import type { TrainSettings } from '../engine/settings';
import { startTrainingWorker } from '../engine/trainClient';
import type { TrainingHandle } from '../engine/trainClient';

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

export type RunStatus = 'idle' | 'running' | 'stopping' | 'done' | 'stopped' | 'error';

export interface RunState {
  readonly status: RunStatus;
  readonly backend: string | null;
  readonly backendReason: string | null;
  readonly stage: RunStage | null;
  readonly progress: { readonly done: number; readonly total: number };
  readonly history: readonly EpochMetrics[];
  readonly skipped: readonly SkippedFile[];
  readonly report: StudioReport | null;
  readonly message: string | null;
}

export interface StudioState {
  readonly files: readonly File[];
  readonly dataset: Dataset | null;
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
}

const IDLE_RUN: RunState = {
  status: 'idle', backend: null, backendReason: null, stage: null, progress: { done: 0, total: 0 },
  history: [], skipped: [], report: null, message: null,
};

/** Folds one engine event into the run state. */
export function applyTrainEvent(run: RunState, event: TrainEvent): RunState {
  switch (event.type) {
    case 'backend':
      return { ...run, backend: event.backend, backendReason: event.reason };
    case 'progress':
      return { ...run, stage: event.stage, progress: { done: event.done, total: event.total } };
    case 'skipped':
      return { ...run, skipped: [...run.skipped, { file: event.file, reason: event.reason }] };
    case 'epochEnd': {
      const { type: _type, ...metrics } = event;
      return { ...run, stage: 'train', history: [...run.history, metrics] };
    }
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
          files: picked.map((p) => p.file), dataset, ingestMs: performance.now() - startMs, ingestError: null,
          run: IDLE_RUN,
        });
      } catch (error) {
        const message = error instanceof UserFacingError ? error.message : `Could not read the folder: ${errorMessage(error)}`;
        set({ files: [], dataset: null, ingestError: message, run: IDLE_RUN });
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
      set({ run: { ...IDLE_RUN, status: 'running', stage: 'backbone' } });
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
  }));
}

export type StudioStore = ReturnType<typeof createStudioStore>;
