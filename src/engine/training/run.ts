/**
 * One training run from a labelled dataset to a report: load the backbone, run every image (and augmented
 * views of the training images) through it once, train the head on the cached features (stage 1), then
 * optionally fine-tune the top blocks of the backbone with the head on the cached activations (stage 2), and
 * evaluate on the held-out splits. Plain TypeScript: the training worker calls it with a browser image
 * reader, the Node tests with their own.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, UserFacingError, errorMessage } from '../../core/errors';
import { countItems, readingWarnings } from '../../core/types';
import type { Dataset, DatasetItem, SkippedFile, SplitName } from '../../core/types';
import type { AugmentParams } from '../../data/images';
import type { Backbone, BackboneSplit } from '../backbones/backbones';
import { describeBackbone } from '../backbones/backboneInfo';
import { entryAtSize, getBackboneEntry } from '../backbones/registry';
import type { BackboneEntry } from '../backbones/catalog';
import { classCounts, classWeightsReason, resolveClassWeights } from './classWeights';
import { saveClassifier } from '../model/classifierModel';
import { memoryBudgetBytes, planMemory } from '../features/memoryPlan';
import type { MemoryPlan } from '../features/memoryPlan';
import type { ClassifierModel } from '../model/classifierModel';
import { checkResume } from './checkpoint';
import type { RunCheckpoint } from './checkpoint';
import type { TrainEvent } from './events';
import type { EpochMetrics, RunPlan } from './metrics';
import { extractAll } from '../features/extract';
import { TTA_VIEWS, ttaSummary } from '../features/tta';
import { resolveFineTuneBlocks } from './finetune';
import type { ExtractDeps, ExtractTiming, SplitCache } from '../features/extract';
import { evaluateHeldOut } from '../evaluation/heldOut';
import type { CachedClassifier } from '../evaluation/heldOut';
import type { RunProfile, StageSummary, StudioReport } from '../evaluation/report';
import { mistakesBySplit } from '../evaluation/results';
import { checkCachedLabels } from '../labels';
import { searchForRun } from '../search';
import type { RunEmbeddings } from '../labels';
import { runWarnings } from '../evaluation/runWarnings';
import type { TrainSettings } from './settings';
import { createHead } from './head';
import { runProfile } from './profile';
import type { PipelinePhases, RunImageWork, RunStartup } from './profile';
import { fineTuneStage } from './stage2';
import { trainHead } from './trainHead';

/** What to train on and with what. */
export interface RunRequest {
  readonly dataset: Dataset;
  readonly settings: TrainSettings;
  /** Name of the tfjs backend in use, recorded in the report. */
  readonly backend: string;
  /** Time the caller spent reading the folder, recorded in the report. */
  readonly ingestMs: number;
  /** Send a `checkpoint` event after every epoch of either stage. */
  readonly checkpoints?: boolean;
  /**
   * Go on from a `checkpoint` of a run with the same dataset and settings: the features are computed again
   * (deterministic), the completed epochs are skipped (their history kept, not sent again) and training
   * starts from the checkpoint's weights and optimizer state: the head's in stage 1, the top blocks' and the
   * head's in stage 2 (stage 1 is then not run again).
   */
  readonly resumeFrom?: RunCheckpoint;
  /** The backbone's entry when it is not in the catalog (a model of the user's own; id `settings.backboneId`); else the catalog's. */
  readonly backboneEntry?: BackboneEntry;
  /** How the worker started, for the report's profile. */
  readonly startup?: RunStartup;
}

/** What the run needs from its host (a Worker in the browser, the test in Node); `featureMemo`: features of earlier runs (see `ExtractDeps`). */
export interface RunDeps extends Pick<ExtractDeps, 'featureMemo'> {
  loadBackbone(entry: BackboneEntry): Promise<Backbone>;
  /** Decodes one image to `sizePx * sizePx * 3` RGB bytes, augmented by `params` (null: the centre crop); throws with a readable message if it cannot. */
  readImage(item: DatasetItem, sizePx: number, params: AugmentParams | null): Promise<Uint8Array>;
  /** Decodes one image once and draws all its views (see `ExtractDeps.readViews`); used instead of `readImage` when given. */
  readViews?(item: DatasetItem, sizePx: number, params: readonly (AugmentParams | null)[]): Promise<Uint8Array[]>;
  onEvent(event: TrainEvent): void;
  /** Asked after each epoch: true (once per request) to evaluate the model on the held-out splits now. */
  takeEvaluationRequest?(): boolean;
  /** Awaited between batches; holds the run while the user has paused it. */
  waitWhilePaused?(): Promise<void>;
  /**
   * Called before stage 2: makes the current backend able to compute convolution gradients (or switches to
   * one that can) and says which backend fine-tunes and why. Without it, stage 2 runs on the current backend.
   */
  prepareFineTune?(): Promise<{ readonly backend: string; readonly reason: string }>;
  readonly signal?: AbortSignal;
  now?(): number;
  /** What the run may hold in memory (default: `memoryBudgetBytes()` of this device). */
  readonly memoryBudgetBytes?: number;
  /** The decoding the run's image reader has done so far, for the report's profile. */
  imageWork?(): RunImageWork;
}

/**
 * Runs the whole pipeline and reports through `deps.onEvent`: `progress`, `skipped`, one `plan`, `batchEnd`
 * and `epochEnd` events, then exactly one of `done` (with the report), `stopped` or `error`. Stopping after
 * at least one epoch keeps the best model so far: the run evaluates it and ends with `done` (the report says
 * `stoppedByUser`). Returns the report, or null when the run was stopped before training or failed. Leaves no
 * tensors behind.
 */
export async function runTraining(request: RunRequest, deps: RunDeps): Promise<StudioReport | null> {
  try {
    const tensorsBefore = tf.memory().numTensors;
    const { report: measured, profile, model, modelNote, embeddings } = await runPipeline(request, deps);
    const report: StudioReport = { ...measured, profile: { ...profile, tensorsLeaked: tf.memory().numTensors - tensorsBefore } };
    deps.onEvent({ type: 'done', report, model, ...(modelNote ? { modelNote } : {}), ...(embeddings && { embeddings }) });
    return report;
  } catch (error) {
    if (error instanceof CancelledError || deps.signal?.aborted) {
      deps.onEvent({ type: 'stopped', reason: 'Stopped by you' });
    } else {
      deps.onEvent({ type: 'error', message: errorMessage(error) });
    }
    return null;
  }
}

/** Blocks unfrozen in stage 2 (0: no stage 2). The scratch CNN trains whole, as its single "block". */
function fineTuneBlocks(backbone: Backbone, settings: TrainSettings): number {
  if (backbone.entry.kind === 'scratch') return 1;
  return settings.fineTune ? resolveFineTuneBlocks(backbone, settings.fineTuneBlocks) : 0;
}

/** The report, and the trained classifier as one serialised LayersModel (null, with the reason, when it cannot be one). */
interface RunOutcome {
  readonly report: StudioReport;
  readonly profile: Omit<RunProfile, 'tensorsLeaked'>;
  readonly model: ClassifierModel | null;
  readonly modelNote: string | null;
  readonly embeddings: RunEmbeddings | null;
}

async function runPipeline(request: RunRequest, deps: RunDeps): Promise<RunOutcome> {
  const { dataset, settings: asked } = request;
  const now = deps.now ?? (() => performance.now());
  const startMs = now();
  const entry = entryAtSize(request.backboneEntry ?? getBackboneEntry(asked.backboneId), asked.inputSizePx);
  if (entry.id !== asked.backboneId) throw new Error(`internal: the run was given backbone "${entry.id}" for "${asked.backboneId}"`);
  if (asked.fineTune && entry.kind !== 'scratch' && !entry.fineTune) {
    throw new UserFacingError(`${entry.label} cannot be fine-tuned here: turn off stage 2 or pick another backbone.`);
  }
  deps.onEvent({ type: 'progress', stage: 'backbone', done: 0, total: 1 });
  const backbone = await deps.loadBackbone(entry);
  const backboneMs = now() - startMs;
  let split: BackboneSplit | null = null;
  try {
    deps.onEvent({ type: 'progress', stage: 'backbone', done: 1, total: 1 });
    const blocks = fineTuneBlocks(backbone, asked);
    split = blocks > 0 ? backbone.split(blocks) : null;
    const skipped: SkippedFile[] = [...dataset.skipped];
    const trainImages = dataset.items.filter((item) => item.split === 'train').length;
    const memory = planMemory({
      trainImages, heldOutImages: (dataset.items.length - trainImages) * (asked.testTimeAugmentation ? TTA_VIEWS.length + 1 : 1), views: asked.augmentViews,
      featureSize: backbone.featureSize, activationShape: split?.activationShape ?? null, inputSizePx: entry.inputSizePx,
      embedBatchSize: asked.embedBatchSize, weightBytes: tf.memory().numBytes, budgetBytes: deps.memoryBudgetBytes ?? memoryBudgetBytes(),
    });
    // The views that fit in memory (fewer than asked, with a note in the plan, when the asked ones do not).
    const settings = memory.views === asked.augmentViews ? asked : { ...asked, augmentViews: memory.views };
    const embedStartMs = now();
    const extract: ExtractTiming = { computeMs: 0, waitMs: 0 };
    const caches = await extractAll(
      { backbone, split, dataset, views: settings.augmentViews, ttaViews: settings.testTimeAugmentation ? TTA_VIEWS : [], augment: settings.augment, seed: settings.seed, batchSize: settings.embedBatchSize, skipped, timing: extract },
      deps,
    );
    const embedMs = now() - embedStartMs;
    const [train, val] = [caches.get('train'), caches.get('val')];
    if (!train || train.rows.length === 0) throw new UserFacingError('No training images could be decoded.');
    if (!val || val.rows.length === 0) {
      throw new UserFacingError('No validation images: add more images per class so some can be held out.');
    }
    // The scratch CNN trains whole, with no head on features to search.
    const { search, settings: used } = await searchForRun({
      caches, numClasses: dataset.classes.length, settings: { ...settings, searchSettings: settings.searchSettings && entry.kind !== 'scratch' },
      classWeights: resolveClassWeights(settings.classWeighting, trainCounts(train, dataset.classes.length)),
      signal: deps.signal, waitWhilePaused: deps.waitWhilePaused, now,
      onProgress: (done, total) => deps.onEvent({ type: 'progress', stage: 'search', done, total }),
    });
    const trained = await trainStages({
      entry, backbone, split, dataset, settings: used, caches, deps, now, memory, resumeFrom: request.resumeFrom, checkpoints: request.checkpoints ?? false,
    });
    const evaluateStartMs = now();
    const heldOut = evaluateHeldOut(caches, dataset.classes, trained.classifier, settings.unknownRejectRate);
    const calibration = heldOut.calibration;
    const { labels, embeddings } = checkCachedLabels(caches, dataset.classes, settings.seed);
    const fuseStartMs = now();
    let model: ClassifierModel | null = null;
    let modelNote: string | null = null;
    try {
      const fused = await saveClassifier(backbone, trained.head, dataset.classes);
      model = calibration ? { ...fused, calibration: { temperature: calibration.temperature, unknownThreshold: calibration.unknownThreshold } } : fused;
    } catch (error) {
      modelNote = errorMessage(error);
    } finally {
      trained.dispose();
    }
    const phases: PipelinePhases = {
      backboneMs, extract, headMs: trained.trainMs, fineTuneMs: trained.fineTuneMs, checkpointMs: trained.checkpointMs,
      evaluateMs: fuseStartMs - evaluateStartMs, fuseMs: now() - fuseStartMs,
    };
    const ttaRows = [...caches.values()].reduce((n, c) => n + (c.tta?.rows.length ?? 0), 0);
    const rowsEmbedded = [...caches.values()].reduce((n, c) => n + c.rows.length, 0) + ttaRows;
    const evaluation = heldOut.evaluations.find((e) => e.split === 'test') ?? heldOut.evaluations[0];
    if (!evaluation) throw new Error('internal: no evaluation');
    const images = [...caches.values()].flatMap((c) => c.rows.filter((r) => r.view === 0).map((r) => r.item));
    const counts = countItems({ classes: dataset.classes, items: images });
    const report: StudioReport = {
      version: 1,
      backbone: entry.id,
      backboneInfo: describeBackbone(backbone.entry, backbone.sourceUrl, backbone.featureSize),
      backend: request.backend,
      backends: { embed: request.backend, fineTune: trained.fineTuneBackend },
      classes: dataset.classes,
      counts,
      skipped,
      readingWarnings: readingWarnings(dataset),
      datasetNotes: dataset.notes ?? [],
      unlabelledImages: dataset.unlabelled?.length ?? 0,
      runWarnings: runWarnings(trained.history, heldOut.evaluations, counts),
      ...(calibration && { calibration: calibration.splits, unknownThreshold: calibration.unknownThreshold }),
      settings: { ...used, searchSettings: settings.searchSettings },
      ...(search && { settingsSearch: search }),
      ...(settings.testTimeAugmentation && { testTimeAugmentation: ttaSummary(ttaRows, rowsEmbedded, embedMs, heldOut.ttaMs) }),
      plan: trained.plan,
      history: trained.history,
      stages: trained.stages,
      stoppedByUser: trained.stoppedByUser,
      evaluation,
      evaluations: heldOut.evaluations,
      timings: {
        ingestMs: request.ingestMs, embedMs, trainMs: trained.trainMs, fineTuneMs: trained.fineTuneMs,
        totalMs: request.ingestMs + (now() - startMs),
      },
      embedImagesPerSecond: embedMs > 0 ? (rowsEmbedded * 1000) / embedMs : 0,
      cacheBytes: [...caches.values()].reduce((n, c) => n + [c, c.tta].reduce((m, s) => m + (s?.features.bytes ?? 0) + (s?.activations?.bytes ?? 0), 0), 0),
      createdAt: new Date().toISOString(),
      predictions: heldOut.predictions,
      mistakes: mistakesBySplit(heldOut.evaluations, heldOut.predictions),
      labelIssues: labels.issues,
      labelIssuesMethod: labels.method,
    };
    return { report, profile: runProfile(phases, request.startup, deps.imageWork?.()), model, modelNote, embeddings };
  } finally {
    split?.dispose();
    backbone.dispose();
  }
}

interface StagesArgs {
  readonly entry: BackboneEntry;
  readonly backbone: Backbone;
  readonly split: BackboneSplit | null;
  readonly dataset: Dataset;
  readonly settings: TrainSettings;
  readonly caches: ReadonlyMap<SplitName, SplitCache>;
  readonly deps: RunDeps;
  readonly now: () => number;
  readonly memory: MemoryPlan;
  readonly resumeFrom: RunCheckpoint | undefined;
  readonly checkpoints: boolean;
}

/** The trained model as a classifier of cached rows, and how the stages went. */
interface Trained {
  readonly classifier: CachedClassifier;
  readonly plan: RunPlan;
  readonly history: EpochMetrics[];
  readonly stages: StageSummary[];
  readonly stoppedByUser: boolean;
  readonly trainMs: number;
  readonly fineTuneMs: number;
  readonly fineTuneBackend: string | null;
  /** Of `trainMs + fineTuneMs`: taking checkpoints. */
  readonly checkpointMs: number;
  /** The trained head (valid until `dispose`). */
  readonly head: tf.LayersModel;
  /** Frees the head (the split is freed by the caller). */
  dispose(): void;
}

/** Images per class among the training images (their centre crops). */
function trainCounts(train: SplitCache, numClasses: number): number[] {
  return classCounts(Int32Array.from(train.rows.filter((r) => r.view === 0), (r) => r.item.classIndex), numClasses);
}

/** Stage 1 on the cached features, then stage 2 on the cached activations when there is a split. */
async function trainStages(args: StagesArgs): Promise<Trained> {
  const { entry, backbone, split, dataset, settings, caches, deps, now, memory } = args;
  const train = caches.get('train') as SplitCache;
  const val = caches.get('val') as SplitCache;
  const numClasses = dataset.classes.length;
  const yTrain = Int32Array.from(train.rows, (r) => r.item.classIndex);
  const yVal = Int32Array.from(val.rows, (r) => r.item.classIndex);
  const counts = trainCounts(train, numClasses);
  const classWeights = resolveClassWeights(settings.classWeighting, counts);
  const scratch = entry.kind === 'scratch';
  const plan: RunPlan = {
    stage1Epochs: scratch ? 0 : settings.epochs,
    stage2Epochs: scratch ? settings.epochs : split ? settings.fineTuneEpochs : 0,
    fineTune: split && !scratch ? { blocks: split.blocks, cutName: split.cutName, activationShape: split.activationShape } : null,
    viewsPerImage: settings.augmentViews + 1,
    classWeights,
    classWeightsReason: classWeightsReason(settings, counts, classWeights),
    memory: { estimatedBytes: memory.estimate.totalBytes, budgetBytes: memory.budgetBytes, note: memory.note },
  };
  deps.onEvent({ type: 'plan', ...plan });
  const resumeFrom = checkResume(args.resumeFrom, scratch, split !== null);
  const resume = resumeFrom?.stage === 1 ? resumeFrom.loop : undefined;
  const resume2 = resumeFrom?.stage === 2 ? resumeFrom : undefined;
  // A resumed run's completed epochs were reported before: they are kept, not sent again.
  const history: EpochMetrics[] = resumeFrom ? [...resumeFrom.history] : [];
  const stages: StageSummary[] = resume2 ? [...resume2.stages] : [];
  const onBatch = (metrics: Parameters<NonNullable<Parameters<typeof trainHead>[0]['onBatch']>>[0]): void =>
    deps.onEvent({ type: 'batchEnd', ...metrics });

  const trainStartMs = now() - (resume?.elapsedMs ?? 0);
  let head: tf.LayersModel | null = null;
  let stoppedByUser = false;
  let checkpointMs = 0;
  if (!scratch && resume2) {
    // Stage 1 finished before the checkpoint: a head of the same shape, whose weights the stage-2 checkpoint restores.
    head = createHead({
      featureSize: backbone.featureSize, numClasses, hiddenUnits: settings.hiddenUnits, dropout: settings.dropout,
      batchNorm: settings.batchNorm, seed: settings.seed,
    });
  } else if (!scratch) {
    const featureClassifier = (model: tf.LayersModel): CachedClassifier => ({
      input: 'features', rowShape: [backbone.featureSize], probabilities: (x) => model.predict(x) as tf.Tensor2D,
    });
    const xTrain = tf.tensor2d(train.features.gather(train.rows.map((_, i) => i)), [train.rows.length, backbone.featureSize]);
    const xVal = tf.tensor2d(val.features.gather(val.rows.map((_, i) => i)), [val.rows.length, backbone.featureSize]);
    try {
      const result = await trainHead({
        xTrain, yTrain, xVal, yVal, numClasses, settings, classWeights, signal: deps.signal, now,
        waitWhilePaused: deps.waitWhilePaused,
        resume,
        onCheckpoint: args.checkpoints
          ? (loop) => deps.onEvent({ type: 'checkpoint', checkpoint: { format: 'fine-tune-studio/checkpoint@1', stage: 1, history: [...history], stages: [], trainMs: 0, loop } })
          : undefined,
        onEpoch: (metrics, model) => {
          history.push(metrics);
          deps.onEvent({ type: 'epochEnd', ...metrics });
          if (deps.takeEvaluationRequest?.()) {
            deps.onEvent({ type: 'evaluation', epoch: metrics.epoch, ...evaluateHeldOut(caches, dataset.classes, featureClassifier(model)) });
          }
        },
        onBatch,
      });
      if (result.history.length === 0) {
        result.model.dispose();
        throw new CancelledError();
      }
      head = result.model;
      stoppedByUser = result.stopped;
      checkpointMs = result.checkpointMs;
      stages.push({ stage: 1, epochs: result.history.length, bestEpoch: result.bestEpoch, restoredBest: result.restoredBest, stoppedEarly: result.stoppedEarly, backend: null });
    } finally {
      xTrain.dispose();
      xVal.dispose();
    }
    if (!split || stoppedByUser) {
      const model = head;
      return {
        classifier: featureClassifier(model), plan, history, stages, stoppedByUser, trainMs: now() - trainStartMs,
        fineTuneMs: 0, fineTuneBackend: null, checkpointMs, head: model, dispose: () => model.dispose(),
      };
    }
  }
  const trainMs = resume2 ? resume2.trainMs : now() - trainStartMs;
  const fineTuneStartMs = now() - (resume2?.loop.elapsedMs ?? 0);
  const prepared = await deps.prepareFineTune?.();
  // Stage 2 starts from stage 1's final head: it keeps its own weights only where they beat those.
  const stage1 = stages[0];
  const startEpoch = stage1?.restoredBest && stage1.bestEpoch !== null ? stage1.bestEpoch : history.at(-1)?.epoch;
  const startLoss = history.find((m) => m.epoch === startEpoch)?.valLoss;
  const result = await fineTuneStage({
    split: split as BackboneSplit, head, featureSize: backbone.featureSize, caches, numClasses, settings, scratch,
    classWeights, epochOffset: resume2 ? history.length - resume2.loop.epochsDone : history.length, deps, now, onBatch,
    resume: resume2?.loop,
    onCheckpoint: args.checkpoints
      ? (loop) => deps.onEvent({ type: 'checkpoint', checkpoint: { format: 'fine-tune-studio/checkpoint@1', stage: 2, history: [...history], stages: [...stages], trainMs, loop } })
      : undefined,
    initialBest: startEpoch !== undefined && startLoss !== undefined && Number.isFinite(startLoss)
      ? { epoch: startEpoch, valLoss: startLoss }
      : undefined,
    onEpoch: (metrics, classifier) => {
      history.push(metrics);
      deps.onEvent({ type: 'epochEnd', ...metrics });
      if (deps.takeEvaluationRequest?.()) {
        deps.onEvent({ type: 'evaluation', epoch: metrics.epoch, ...evaluateHeldOut(caches, dataset.classes, classifier) });
      }
    },
  });
  stages.push({ ...result.summary, backend: prepared?.backend ?? null });
  return {
    classifier: result.classifier, plan, history, stages, stoppedByUser: result.stopped, trainMs,
    fineTuneMs: now() - fineTuneStartMs, fineTuneBackend: prepared?.backend ?? null, checkpointMs: checkpointMs + result.checkpointMs,
    head: result.head, dispose: result.dispose,
  };
}
