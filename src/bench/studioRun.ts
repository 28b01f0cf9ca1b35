/**
 * The studio exactly as the UI drives it, minus React: the studio store (`createStudioStore`) reads the files
 * once (layout, validation split, the scan of every image in the worker pool), then each `train()` starts the
 * same training worker the Train button starts, as a person trying several settings on one dataset would.
 * Times ingest and "Train to final model", and records the page's long tasks meanwhile.
 */
import type { Dataset, SplitName } from '../core/types';
import { createImagePool } from '../data/imagePool';
import type { ImagePool } from '../data/imagePool';
import type { BackendName } from '../engine/backend';
import { DEFAULT_SETTINGS } from '../engine/settings';
import type { TrainSettings } from '../engine/settings';
import { startTrainingWorker } from '../engine/trainClient';
import { createStudioStore } from '../state/studioStore';
import type { PickedFile, RunState } from '../state/studioStore';
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
}

/** A dataset read by the studio store, ready to train on as often as asked. */
export interface StudioSession {
  readonly ingest: IngestResult;
  /** The dataset as the scan left it, and the files its items index. */
  readonly dataset: Dataset;
  readonly files: readonly Blob[];
  /** Trains with the studio's defaults changed by `settings`; rejects with the run's message if it fails. */
  train(settings: Partial<TrainSettings>, backend: 'auto' | BackendName): Promise<StudioRunResult>;
  /** Ends the store's scan workers. */
  dispose(): void;
}

const ENDED: readonly RunState['status'][] = ['done', 'stopped', 'error'];

/** Reads `files` with a new studio store (the UI's ingest, scan included) and returns the session. */
export async function openStudio(name: string, files: readonly PickedFile[]): Promise<StudioSession> {
  // The store keeps its scan pool for later scans; the bench ends it with the session.
  const pools: ImagePool[] = [];
  const store = createStudioStore(startTrainingWorker, () => {
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
    train: (settings, backend) => trainOnce(store, name, settings, backend),
    dispose,
  };
}

async function trainOnce(
  store: ReturnType<typeof createStudioStore>,
  name: string,
  settings: Partial<TrainSettings>,
  backend: 'auto' | BackendName,
): Promise<StudioRunResult> {
  // Each run starts from the studio's defaults (the store keeps what the last run set).
  store.getState().updateSettings({ ...DEFAULT_SETTINGS, ...settings });
  store.getState().setBackendPreference(backend);
  const longTasks = watchLongTasks();
  let run: RunState;
  let trainWallMs: number;
  let tasks: LongTasks;
  try {
    const startMs = performance.now();
    const ended = new Promise<RunState>((resolve) => {
      const unsubscribe = store.subscribe((state) => {
        if (ENDED.includes(state.run.status)) {
          unsubscribe();
          resolve(state.run);
        }
      });
    });
    store.getState().train();
    run = await ended;
    trainWallMs = performance.now() - startMs;
  } finally {
    tasks = longTasks.stop();
  }
  const report = run.report;
  if (run.status !== 'done' || !report) throw new Error(`training ended with ${run.status}: ${run.message ?? ''}`);
  return {
    dataset: name, backboneId: report.backbone, backends: report.backends, settings: report.settings, trainWallMs,
    embedMs: report.timings.embedMs, stage1Ms: report.timings.trainMs, stage2Ms: report.timings.fineTuneMs,
    rowsEmbedded: Math.round((report.embedImagesPerSecond * report.timings.embedMs) / 1000),
    embedImagesPerSecond: report.embedImagesPerSecond,
    epochs: { stage1: report.history.filter((m) => m.stage !== 2).length, stage2: report.history.filter((m) => m.stage === 2).length },
    accuracy: Object.fromEntries(report.evaluations.map((e) => [e.split, e.accuracy])),
    heldOutSplit: report.evaluation.split, cacheBytes: report.cacheBytes, longTasks: tasks,
  };
}
