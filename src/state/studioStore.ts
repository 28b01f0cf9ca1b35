/**
 * The studio's store: a vanilla zustand store (no React here) of the dataset, the settings, the run and the
 * active classifier, with the actions the UI calls. The run's state and its reducer live in `run/runState`,
 * the training worker and its events in `run/trainingSession`.
 */
import { createStore } from 'zustand/vanilla';
import type { ImagePool } from '../data/images';
import type { BackendName } from '../engine/backend';
import { findBackboneEntry, registerUserBackbone } from '../engine/backbones';
import type { ClassifierModel } from '../engine/model';
import type { CustomBackbone } from '../engine/backbones';
import type { PackedCheckpoint } from '../engine/training';
import type { StudioReport } from '../engine/evaluation';
import { appendRun, summarizeRun } from '../engine/evaluation';
import type { RunSummary } from '../engine/evaluation';
import { DEFAULT_SETTINGS } from '../engine/training';
import type { TrainSettings } from '../engine/training';
import { startTrainingWorker } from '../engine/training';
import { createDatasetSlice } from './datasetSlice';
import type { DatasetSlice, DatasetSnapshot } from './datasetSlice';
import { IDLE_RUN, isActive } from './run/runState';
import type { RunState } from './run/runState';
import { createTrainingSession } from './run/trainingSession';

/** What `npm run models` put on this origin (`/models/index.json`). */
export interface ModelsIndex {
  readonly available: readonly string[];
  readonly missing: readonly string[];
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

/**
 * Creates the store; `startWorker` and `createPool` are replaceable so the store can be driven without
 * browser workers.
 */
export function createStudioStore(startWorker = startTrainingWorker, createPool?: () => ImagePool) {
  return createStore<StudioState>()((set, get) => {
    const session = createTrainingSession({
      startRequest(backend, resumeFrom) {
        const { dataset, files, settings, ingestMs, customBackbone } = get();
        if (!dataset) return null;
        return {
          type: 'start', dataset, files, settings, ingestMs, backend, checkpoints: true, ...(resumeFrom ? { resumeFrom } : {}),
          ...(customBackbone?.entry.id === settings.backboneId ? { customBackbone } : {}),
        };
      },
      getRun: () => get().run,
      setRun: (run) => set({ run }),
      onDone(event, request) {
        set({
          runs: appendRun(get().runs, summarizeRun(event.report)),
          ...(event.model
            ? { classifier: { model: event.model, origin: 'trained', name: request.dataset.name, report: event.report }, classifierNote: null }
            : { classifierNote: event.modelNote ?? 'this run gave no exportable model' }),
        });
      },
    }, startWorker);
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
        session.start(resumeFrom, get().backendPreference);
      },

      stop() {
        const { status } = get().run;
        if (status !== 'running' && status !== 'paused') return;
        set({ run: { ...get().run, status: 'stopping' } });
        session.stop();
      },

      pause() {
        if (get().run.status === 'running') session.pause();
      },

      resume() {
        if (get().run.status === 'paused') session.resume();
      },

      evaluateNow() {
        const { run } = get();
        if (run.status !== 'running' || run.evaluationPending) return;
        set({ run: { ...run, evaluationPending: true } });
        session.evaluateNow();
      },
    };
  });
}

/** A studio store, as `createStudioStore` makes it. */
export type StudioStore = ReturnType<typeof createStudioStore>;
