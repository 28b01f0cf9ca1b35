/**
 * The studio's state: a vanilla zustand store (no React here). The UI renders it and calls its actions;
 * engine events arrive through `applyTrainEvent`.
 */
import { createStore } from 'zustand/vanilla';
import type { SkippedFile } from '../core/types';
import type { ImagePool } from '../data/images';
import type { BackendName } from '../engine/backend';
import { findBackboneEntry, registerUserBackbone } from '../engine/backbones';
import type { ClassifierModel } from '../engine/model';
import type { CustomBackbone } from '../engine/backbones';
import type { BatchMetrics, EpochMetrics, PackedCheckpoint, RunPlan, RunStage } from '../engine/training';
import type { TrainResponse } from '../engine/training';
import type { Evaluation, Prediction, StudioReport } from '../engine/evaluation';
import { appendRun, summarizeRun } from '../engine/evaluation';
import type { RunSummary } from '../engine/evaluation';
import { DEFAULT_SETTINGS } from '../engine/training';
import type { TrainSettings } from '../engine/training';
import { startTrainingWorker } from '../engine/training';
import type { TrainingHandle } from '../engine/training';
import { createDatasetSlice } from './datasetSlice';
import type { DatasetSlice, DatasetSnapshot } from './datasetSlice';
import { appendCapped, estimateRemainingMs, ratePerSecond, trainingFraction } from './progress';
import type { BatchLossPoint } from './progress';

export type { PickedFile } from './ingestFlow';

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
export type RunStatus = 'idle' | 'running' | 'paused' | 'stopping' | 'done' | 'stopped' | 'error';

/** Whether a run is under way (a worker exists), whatever it is doing. */
export const isActive = (status: RunStatus): boolean => status === 'running' || status === 'paused' || status === 'stopping';

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

/** Held-out results of the head after one epoch, while training goes on. */
export interface InterimResults {
  readonly epoch: number;
  readonly evaluations: readonly Evaluation[];
  readonly predictions: readonly Prediction[];
}

/**
 * The classifier the studio predicts with and exports: the last run's trained model, or one imported
 * (an earlier export or a Teachable Machine export).
 */
export interface ActiveClassifier {
  readonly model: ClassifierModel;
  readonly origin: 'trained' | 'imported';
  /** What to call it: the dataset's name, or the imported file's. */
  readonly name: string;
  /** The training report that came with it, when there is one. */
  readonly report: StudioReport | null;
}

/** A finished run as a project keeps it: its results and curves (see src/state/projects). */
export type SavedRun = Pick<
  RunState,
  'status' | 'backend' | 'backendReason' | 'fineTuneBackend' | 'fineTuneBackendReason' | 'plan' | 'epochs' | 'history' | 'skipped' | 'report' | 'message'
>;

/** What a saved project puts back into the studio (see `restoreProject`). */
export interface StudioSnapshot {
  readonly dataset: DatasetSnapshot | null;
  readonly settings: TrainSettings;
  readonly backendPreference: 'auto' | BackendName;
  /** The last finished run (status `done`, `stopped` or `error`), or null. */
  readonly run: SavedRun | null;
  readonly classifier: ActiveClassifier | null;
  readonly classifierNote: string | null;
  /** The project's finished runs, oldest first (absent in projects saved before runs were kept). */
  readonly runs?: readonly RunSummary[];
}

/** The whole studio: the dataset (see `DatasetSlice`), the settings, the run, and the actions. */
export interface StudioState extends DatasetSlice {
  readonly settings: TrainSettings;
  readonly backendPreference: 'auto' | BackendName;
  /** null while loading; `unreachable` when the origin has no index. */
  readonly models: ModelsIndex | 'unreachable' | null;
  readonly run: RunState;
  /** What prediction, the webcam and export use; null until a run finishes or a model is imported. */
  readonly classifier: ActiveClassifier | null;
  /** Why the last run gave no exportable model (a graph backbone), or null. */
  readonly classifierNote: string | null;
  /** Every finished run of this project, oldest first (at most `MAX_RUN_SUMMARIES`): the "Runs compared" table. */
  readonly runs: readonly RunSummary[];
  /** The model of the user's own last chosen as the backbone (with its files), or null. */
  readonly customBackbone: CustomBackbone | null;
  /** Makes `classifier` the active one (an import); null clears it. */
  setClassifier(classifier: ActiveClassifier | null): void;
  /** Makes a model of the user's own known by its id and trains with it from now on (not while a run is under way). */
  useCustomBackbone(custom: CustomBackbone): void;
  /**
   * Replaces the dataset, settings, last run and classifier by a saved project's (null: a new, empty
   * project). Returns false, changing nothing, while a run is under way.
   */
  restoreProject(snapshot: StudioSnapshot | null): boolean;
  updateSettings(patch: Partial<TrainSettings>): void;
  setBackendPreference(preference: 'auto' | BackendName): void;
  loadModelsIndex(fetcher?: typeof fetch): Promise<void>;
  /** Starts a run; with `resumeFrom` (a checkpoint of a run on this dataset and settings) it goes on from there. */
  train(resumeFrom?: PackedCheckpoint): void;
  stop(): void;
  /** Evaluates the head on the held-out splits at the end of the current epoch. */
  evaluateNow(): void;
  /** Holds the run before its next batch; `resume` lets it go on. */
  pause(): void;
  resume(): void;
}

const NO_PACE: RunPace = { imagesPerSecond: null, remainingMs: null };

const IDLE_RUN: RunState = {
  status: 'idle', backend: null, backendReason: null, fineTuneBackend: null, fineTuneBackendReason: null, plan: null, stage: null, progress: { done: 0, total: 0 },
  stageStartedMs: 0, pace: NO_PACE, epochs: 0, batch: null, batchLosses: [],
  history: [], skipped: [], report: null, interim: null, evaluationPending: false, message: null, checkpoint: null, fallback: null,
};

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
      return { ...run, status: 'done', stage: null, report: event.report, message: null };
    case 'stopped':
      return { ...run, status: 'stopped', stage: null, message: event.reason };
    case 'error':
      return { ...run, status: 'error', stage: null, message: event.message };
  }
}

/**
 * Training events that arrive many times a second (batch ends, progress counts, epoch ends of a fast head) and
 * are applied to the store together, at most every `UI_UPDATE_MS`: every store update redraws the progress
 * bar and the live charts, and a redraw per event would keep the page's main thread busy while training.
 */
const COALESCED: ReadonlySet<TrainResponse['type']> = new Set(['batchEnd', 'progress', 'epochEnd']);
export const UI_UPDATE_MS = 250;

/**
 * Creates the store; `startWorker` and `createPool` are replaceable so the store can be driven without
 * browser workers.
 */
export function createStudioStore(startWorker = startTrainingWorker, createPool?: () => ImagePool) {
  let handle: TrainingHandle | null = null;
  return createStore<StudioState>()((set, get) => {
    /**
     * Starts the training worker (from `resumeFrom` when given) on `backend`. A run that fails after a
     * checkpoint goes on from that checkpoint on the next backend (WebGPU, WebGL, WASM, CPU), once per backend,
     * and says so in `run.fallback`.
     */
    const startRun = (resumeFrom: PackedCheckpoint | undefined, backend: 'auto' | BackendName, fallback: string | null): void => {
      const { dataset, files, settings, ingestMs, customBackbone } = get();
      if (!dataset) return;
      const epochs = settings.epochs + (settings.fineTune ? settings.fineTuneEpochs : 0);
      // A resumed run starts with the epochs it had completed: the curves go on from there.
      const history = resumeFrom ? [...resumeFrom.history] : [];
      set({ run: { ...IDLE_RUN, status: 'running', stage: 'backbone', stageStartedMs: performance.now(), epochs, history, fallback } });
      // Frequent events wait here and are applied together, in order, at most every UI_UPDATE_MS; any other
      // event applies them first.
      let queued: TrainResponse[] = [];
      let timer: ReturnType<typeof setTimeout> | null = null;
      const flush = (): void => {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        if (queued.length === 0) return;
        const events = queued;
        queued = [];
        set({ run: events.reduce((run, e) => applyTrainEvent(run, e), get().run) });
      };
      handle = startWorker(
        {
          type: 'start', dataset, files, settings, ingestMs, backend, checkpoints: true, ...(resumeFrom ? { resumeFrom } : {}),
          ...(customBackbone?.entry.id === settings.backboneId ? { customBackbone } : {}),
        },
        (event) => {
          if (COALESCED.has(event.type)) {
            queued.push(event);
            timer ??= setTimeout(flush, UI_UPDATE_MS);
            return;
          }
          flush();
          const before = get().run;
          set({ run: applyTrainEvent(before, event) });
          if (event.type === 'error' && before.checkpoint && before.status !== 'stopping') {
            const failed = before.fineTuneBackend ?? before.backend;
            const next = failed ? nextBackend(failed as BackendName) : null;
            if (next) {
              const epoch = before.checkpoint.history.length;
              startRun(before.checkpoint, next, `The ${failed} backend failed (${event.message}); training goes on on ${next} from epoch ${epoch}, its last checkpoint.`);
            }
          }
          if (event.type === 'done') {
            // The results first; the trained model (and all that loads, sizes and measures it) in the next task.
            setTimeout(() => {
              set({
                runs: appendRun(get().runs, summarizeRun(event.report)),
                ...(event.model
                  ? { classifier: { model: event.model, origin: 'trained', name: dataset.name, report: event.report }, classifierNote: null }
                  : { classifierNote: event.modelNote ?? 'this run gave no exportable model' }),
              });
            }, 0);
          }
        },
      );
    };
    return {
      ...createDatasetSlice(set, get, {
        isTraining: () => isActive(get().run.status),
        splitSettings: () => ({ valFraction: get().settings.valFraction, seed: get().settings.seed }),
        onDatasetChanged: () => {
          if (!isActive(get().run.status)) set({ run: IDLE_RUN });
        },
      }, createPool),
      settings: DEFAULT_SETTINGS,
      backendPreference: 'auto',
      models: null,
      run: IDLE_RUN,
      classifier: null,
      classifierNote: null,
      runs: [],
      customBackbone: null,

      setClassifier(classifier) {
        set({ classifier, classifierNote: null });
      },

      useCustomBackbone(custom) {
        if (isActive(get().run.status)) return;
        registerUserBackbone(custom.entry);
        // Two-stage stays on only where the model has cut points.
        const fineTune = get().settings.fineTune && custom.entry.fineTune !== null;
        set({ customBackbone: custom, settings: { ...get().settings, backboneId: custom.entry.id, fineTune, fineTuneBlocks: null } });
      },

      restoreProject(snapshot) {
        if (isActive(get().run.status)) return false;
        // Settings first: the dataset slice draws its listing with the split settings.
        set({ settings: snapshot?.settings ?? DEFAULT_SETTINGS, backendPreference: snapshot?.backendPreference ?? 'auto' });
        get().restore(snapshot?.dataset ?? null);
        set({
          run: snapshot?.run ? { ...IDLE_RUN, ...snapshot.run } : IDLE_RUN,
          classifier: snapshot?.classifier ?? null, classifierNote: snapshot?.classifierNote ?? null,
          runs: snapshot?.runs ?? [],
        });
        return true;
      },

      updateSettings(patch) {
        const next = { ...get().settings, ...patch };
        // An input size the new backbone does not offer falls back to the backbone's own.
        const sizes = findBackboneEntry(next.backboneId)?.inputSizes;
        const inputSizePx = next.inputSizePx !== null && sizes?.includes(next.inputSizePx) ? next.inputSizePx : null;
        set({ settings: { ...next, inputSizePx } });
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

      train(resumeFrom) {
        const { dataset, run } = get();
        // The scan may still change the dataset (undecodable files, duplicates): train on the checked one.
        if (!dataset || isActive(run.status) || get().ingestTask !== null) return;
        startRun(resumeFrom, get().backendPreference, null);
      },

      stop() {
        const { status } = get().run;
        if (status !== 'running' && status !== 'paused') return;
        set({ run: { ...get().run, status: 'stopping' } });
        handle?.stop();
      },

      pause() {
        if (get().run.status === 'running') handle?.pause();
      },

      resume() {
        if (get().run.status === 'paused') handle?.resume();
      },

      evaluateNow() {
        const { run } = get();
        if (run.status !== 'running' || run.evaluationPending) return;
        set({ run: { ...run, evaluationPending: true } });
        handle?.evaluateNow();
      },
    };
  });
}

/** The backend after `name` in the studio's order of preference, or null after the last (CPU). */
export function nextBackend(name: BackendName): BackendName | null {
  const order: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];
  const i = order.indexOf(name);
  return i >= 0 && i < order.length - 1 ? (order[i + 1] as BackendName) : null;
}

export type StudioStore = ReturnType<typeof createStudioStore>;
