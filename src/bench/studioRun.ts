/**
 * The studio exactly as the UI drives it, minus React: the studio store (`createStudioStore`) reads the files
 * once (layout, validation split, the scan of every image in the worker pool), then each `train()` starts the
 * same training worker the Train button starts, as a person trying several settings on one dataset would.
 * Times ingest and "Train to final model", and records the page's long tasks meanwhile.
 */
import type { Dataset, SplitName } from '../core/types';
import { createImagePool } from '../data/images';
import type { ImagePool } from '../data/images';
import type { BackendName } from '../engine/backend';
import type { RunProfile } from '../engine/evaluation';
import { DEFAULT_SETTINGS } from '../engine/training';
import type { RunTuning, TrainSettings } from '../engine/training';
import { startTrainingWorker } from '../engine/training';
import { createStudioStore } from '../state';
import type { PickedFile, RunState } from '../state';
import { watchLongTasks } from './observe';
import type { LongTasks } from './observe';

/** What reading a folder cost. */
export interface IngestResult {
  readonly dataset: string;
  readonly files: number;
  readonly classes: readonly string[];
  /** Images per split after the scan. */
  readonly counts: Partial<Record<SplitName, number>>;
  readonly skipped: number;
  /** Listing, layout, split and the scan (decode, hashes, thumbnails of every image), ms. */
  readonly ingestMs: number;
}

/** What one training run measured (a summary of its `report.json` plus what the page saw). */
export interface StudioRunResult {
  readonly dataset: string;
  readonly backboneId: string;
  readonly backends: { readonly embed: string; readonly fineTune: string | null };
  readonly settings: TrainSettings;
  /** From `train()` (the Train button) to the report, ms. */
  readonly trainWallMs: number;
  /** The report's own breakdown (ms): features (decode included), stage 1, stage 2. */
  readonly embedMs: number;
  readonly stage1Ms: number;
  readonly stage2Ms: number;
  readonly rowsEmbedded: number;
  readonly embedImagesPerSecond: number;
  readonly epochs: { readonly stage1: number; readonly stage2: number };
  /** Accuracy per held-out split, and the split the report leads with (`test` when present). */
  readonly accuracy: Partial<Record<SplitName, number>>;
  readonly heldOutSplit: SplitName;
  readonly cacheBytes: number;
  readonly longTasks: LongTasks;
  /** Set when asked for (`TrainOptions.evaluateStage1`) and the evaluation came: stage 1's model, as Evaluate now showed it. */
  readonly stage1Evaluation: Stage1Evaluation | null;
  /** The report's profile: where the time went, phase by phase. */
  readonly profile: RunProfile | null;
  /** The configuration the run computed with, when not the studio's own (`TrainOptions.tuning`). */
  readonly tuning: RunTuning | null;
  /**
   * What issue 22's parts gave (absent in results written before them): accuracy with test-time augmentation
   * per held-out split, the calibration error before and after per split, and the settings search's best.
   */
  readonly trust?: {
    readonly ttaAccuracy: Partial<Record<SplitName, number>>;
    readonly ece: Partial<Record<SplitName, { readonly before: number; readonly after: number }>>;
    readonly searchBest: { readonly settings: object; readonly valAccuracy: number; readonly ms: number } | null;
  };
}

/**
 * The held-out evaluation of a two-stage run's head at the end of stage 1, asked for with the studio's
 * Evaluate now while stage 1's last epoch ran: the model a head-only run with the same settings trains (same
 * features, head and seed), without a second run. Its time includes caching the activations stage 2 needs.
 */
export interface Stage1Evaluation {
  /** The epoch it followed: stage 1's last when the request arrived in time. */
  readonly epoch: number;
  /** From `train()` to the evaluation, ms. */
  readonly wallMs: number;
  readonly accuracy: Partial<Record<SplitName, number>>;
}

/** Options of `StudioSession.train`. */
export interface TrainOptions {
  /** Ask for an evaluation at the end of stage 1 (early stopping off, so its last epoch is `settings.epochs`). */
  readonly evaluateStage1?: boolean;
  /** Compute another way than the studio does (fewer threads, a decode per view): the bench's "before" runs. */
  readonly tuning?: RunTuning;
}

/** A dataset read by the studio store, ready to train on as often as asked. */
export interface StudioSession {
  readonly ingest: IngestResult;
  /** The dataset as the scan left it, and the files its items index. */
  readonly dataset: Dataset;
  readonly files: readonly Blob[];
  /** Trains with the studio's defaults changed by `settings`; rejects with the run's message if it fails. */
  train(settings: Partial<TrainSettings>, backend: 'auto' | BackendName, options?: TrainOptions): Promise<StudioRunResult>;
  /** Ends the store's scan workers. */
  dispose(): void;
}

const ENDED: readonly RunState['status'][] = ['done', 'stopped', 'error'];

/** Reads `files` with a new studio store (the UI's ingest, scan included) and returns the session. */
export async function openStudio(name: string, files: readonly PickedFile[]): Promise<StudioSession> {
  // The store keeps its scan pool for later scans; the bench ends it with the session.
  const pools: ImagePool[] = [];
  // The next run's tuning, added to the request the store makes (the Train button never sets one).
  const tuning: { next: RunTuning | undefined } = { next: undefined };
  const store = createStudioStore((request, onEvent) => startTrainingWorker({ ...request, tuning: tuning.next ?? {} }, onEvent), () => {
    const pool = createImagePool();
    pools.push(pool);
    return pool;
  });
  const dispose = (): void => pools.forEach((pool) => pool.dispose());
  const startMs = performance.now();
  await store.getState().ingest(files, name);
  const ingestMs = performance.now() - startMs;
  const { dataset, ingestError } = store.getState();
  if (!dataset) {
    dispose();
    throw new Error(`ingest failed: ${ingestError ?? 'no dataset'}`);
  }
  const counts: Partial<Record<SplitName, number>> = {};
  for (const item of dataset.items) counts[item.split] = (counts[item.split] ?? 0) + 1;
  return {
    ingest: { dataset: name, files: files.length, classes: dataset.classes, counts, skipped: dataset.skipped.length, ingestMs },
    dataset,
    files: store.getState().files,
    train: (settings, backend, options = {}) => {
      tuning.next = options.tuning;
      return trainOnce(store, name, { ...DEFAULT_SETTINGS, ...settings }, backend, options);
    },
    dispose,
  };
}

type Store = ReturnType<typeof createStudioStore>;

async function trainOnce(store: Store, name: string, settings: TrainSettings, backend: 'auto' | BackendName, options: TrainOptions): Promise<StudioRunResult> {
  // Each run starts from the studio's defaults (the store keeps what the last run set).
  store.getState().updateSettings(settings);
  store.getState().setBackendPreference(backend);
  const longTasks = watchLongTasks();
  let ended: { run: RunState; wallMs: number; stage1: Stage1Evaluation | null };
  let tasks: LongTasks;
  try {
    ended = await runToEnd(store, options.evaluateStage1 ? settings.epochs : null);
  } finally {
    tasks = longTasks.stop();
  }
  const { run, wallMs: trainWallMs, stage1 } = ended;
  const report = run.report;
  if (run.status !== 'done' || !report) throw new Error(`training ended with ${run.status}: ${run.message ?? ''}`);
  return {
    dataset: name, backboneId: report.backbone, backends: report.backends, settings: report.settings, trainWallMs,
    embedMs: report.timings.embedMs, stage1Ms: report.timings.trainMs, stage2Ms: report.timings.fineTuneMs,
    rowsEmbedded: Math.round((report.embedImagesPerSecond * report.timings.embedMs) / 1000),
    embedImagesPerSecond: report.embedImagesPerSecond,
    epochs: { stage1: report.history.filter((m) => m.stage !== 2).length, stage2: report.history.filter((m) => m.stage === 2).length },
    accuracy: Object.fromEntries(report.evaluations.map((e) => [e.split, e.accuracy])),
    heldOutSplit: report.evaluation.split, cacheBytes: report.cacheBytes, longTasks: tasks, stage1Evaluation: stage1,
    profile: report.profile ?? null, tuning: options.tuning ?? null,
    trust: {
      ttaAccuracy: Object.fromEntries(report.evaluations.flatMap((e) => (e.ttaAccuracy === undefined ? [] : [[e.split, e.ttaAccuracy]]))),
      ece: Object.fromEntries((report.calibration ?? []).map((c) => [c.split, { before: c.eceBefore, after: c.eceAfter }])),
      searchBest: report.settingsSearch
        ? { settings: report.settingsSearch.best.settings, valAccuracy: report.settingsSearch.best.valAccuracy, ms: report.settingsSearch.ms }
        : null,
    },
  };
}

/**
 * Presses Train and waits for the run to end. With `stage1Epochs`, presses Evaluate now once stage 1 has
 * finished all but its last epoch, and keeps the evaluation that follows.
 */
function runToEnd(store: Store, stage1Epochs: number | null): Promise<{ run: RunState; wallMs: number; stage1: Stage1Evaluation | null }> {
  const startMs = performance.now();
  let requested = false;
  let stage1: Stage1Evaluation | null = null;
  return new Promise((resolve) => {
    const unsubscribe = store.subscribe((state) => {
      const { run } = state;
      if (stage1Epochs !== null && !requested && run.status === 'running' && run.history.filter((m) => m.stage !== 2).length >= stage1Epochs - 1) {
        requested = true;
        store.getState().evaluateNow();
      }
      if (requested && !stage1 && run.interim) {
        const accuracy = Object.fromEntries(run.interim.evaluations.map((e) => [e.split, e.accuracy]));
        stage1 = { epoch: run.interim.epoch, wallMs: performance.now() - startMs, accuracy };
      }
      if (ENDED.includes(run.status)) {
        unsubscribe();
        resolve({ run, wallMs: performance.now() - startMs, stage1 });
      }
    });
    store.getState().train();
  });
}
