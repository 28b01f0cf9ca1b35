/**
 * One training run from a labelled dataset to a report: load the backbone, embed every image once, train the
 * head on the cached embeddings, evaluate on the held-out splits. Plain TypeScript: the training worker
 * calls it with a browser image reader, the Node tests with their own.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import { countItems } from '../core/types';
import type { Dataset, DatasetItem, SkippedFile, SplitName } from '../core/types';
import type { Backbone } from './backbones';
import { getBackboneEntry } from './catalog';
import type { BackboneEntry } from './catalog';
import { evaluate, predictClasses } from './evaluate';
import type { EpochMetrics, TrainEvent } from './events';
import type { Evaluation, Prediction, StudioReport } from './report';
import { listMistakes } from './results';
import type { TrainSettings } from './settings';
import { trainHead } from './trainHead';

/** What to train on and with what. */
export interface RunRequest {
  readonly dataset: Dataset;
  readonly settings: TrainSettings;
  /** Name of the tfjs backend in use, recorded in the report. */
  readonly backend: string;
  /** Time the caller spent reading the folder, recorded in the report. */
  readonly ingestMs: number;
}

/** What the run needs from its host (a Worker in the browser, the test in Node). */
export interface RunDeps {
  loadBackbone(entry: BackboneEntry): Promise<Backbone>;
  /** Decodes one image to `sizePx * sizePx * 3` RGB bytes; throws with a readable message if it cannot. */
  readImage(item: DatasetItem, sizePx: number): Promise<Uint8Array>;
  onEvent(event: TrainEvent): void;
  /** Asked after each epoch: true (once per request) to evaluate the head on the held-out splits now. */
  takeEvaluationRequest?(): boolean;
  readonly signal?: AbortSignal;
  now?(): number;
}

/** Embeddings of the images of one split that decoded, in item order. */
interface EmbeddedSplit {
  readonly items: DatasetItem[];
  /** `[items.length * featureSize]`, row-major. */
  readonly features: Float32Array;
  readonly labels: Int32Array;
}

type Decoded = { item: DatasetItem; pixels: Uint8Array } | { item: DatasetItem; error: string };

const HELD_OUT: readonly SplitName[] = ['val', 'test'];

/**
 * Runs the whole pipeline and reports through `deps.onEvent`: `progress` and `skipped` events, one
 * `epochEnd` per epoch, then exactly one of `done` (with the report), `stopped` or `error`.
 * Returns the report, or null when the run was stopped or failed. Leaves no tensors behind.
 */
export async function runTraining(request: RunRequest, deps: RunDeps): Promise<StudioReport | null> {
  try {
    const report = await runPipeline(request, deps);
    if (report) deps.onEvent({ type: 'done', report });
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

async function runPipeline(request: RunRequest, deps: RunDeps): Promise<StudioReport | null> {
  const { dataset, settings } = request;
  const now = deps.now ?? (() => performance.now());
  const startMs = now();
  const entry = getBackboneEntry(settings.backboneId);
  deps.onEvent({ type: 'progress', stage: 'backbone', done: 0, total: 1 });
  const backbone = await deps.loadBackbone(entry);
  deps.onEvent({ type: 'progress', stage: 'backbone', done: 1, total: 1 });
  const skipped: SkippedFile[] = [...dataset.skipped];
  let splits: Map<SplitName, EmbeddedSplit>;
  const embedStartMs = now();
  try {
    splits = await embedAll(backbone, dataset, settings.embedBatchSize, deps, skipped);
  } finally {
    backbone.dispose();
  }
  const embedMs = now() - embedStartMs;
  const train = splits.get('train');
  const val = splits.get('val');
  if (!train || train.items.length === 0) throw new UserFacingError('No training images could be decoded.');
  if (!val || val.items.length === 0) {
    throw new UserFacingError('No validation images: add more images per class so some can be held out.');
  }

  const trainStartMs = now();
  const history: EpochMetrics[] = [];
  const numClasses = dataset.classes.length;
  const featureSize = backbone.featureSize;
  const xTrain = tf.tensor2d(train.features, [train.items.length, featureSize]);
  const xVal = tf.tensor2d(val.features, [val.items.length, featureSize]);
  let result;
  try {
    result = await trainHead({
      xTrain, yTrain: train.labels, xVal, yVal: val.labels, numClasses, settings, signal: deps.signal, now,
      onEpoch: (metrics, model) => {
        history.push(metrics);
        deps.onEvent({ type: 'epochEnd', ...metrics });
        if (deps.takeEvaluationRequest?.()) {
          deps.onEvent({ type: 'evaluation', epoch: metrics.epoch, ...evaluateHeldOut(model, splits, dataset.classes, featureSize) });
        }
      },
      onBatch: (metrics) => deps.onEvent({ type: 'batchEnd', ...metrics }),
    });
  } finally {
    xTrain.dispose();
    xVal.dispose();
  }
  const trainMs = now() - trainStartMs;
  if (result.stopped) {
    result.model.dispose();
    throw new CancelledError();
  }

  let heldOut: HeldOutResults;
  try {
    heldOut = evaluateHeldOut(result.model, splits, dataset.classes, featureSize);
  } finally {
    result.model.dispose();
  }
  const { evaluations, predictions } = heldOut;
  const embedded = [...splits.values()].reduce((n, s) => n + s.items.length, 0);
  const evaluation = evaluations.find((e) => e.split === 'test') ?? evaluations[0];
  if (!evaluation) throw new Error('internal: no evaluation');
  return {
    version: 1,
    backbone: entry.id,
    backend: request.backend,
    classes: dataset.classes,
    counts: countItems({ classes: dataset.classes, items: [...splits.values()].flatMap((s) => s.items) }),
    skipped,
    settings,
    history,
    evaluation,
    evaluations,
    timings: { ingestMs: request.ingestMs, embedMs, trainMs, totalMs: request.ingestMs + (now() - startMs) },
    embedImagesPerSecond: embedMs > 0 ? (embedded * 1000) / embedMs : 0,
    createdAt: new Date().toISOString(),
    predictions,
    mistakes: Object.fromEntries(
      evaluations.map((e) => [e.split, listMistakes(predictions.filter((p) => p.split === e.split)).map((p) => p.file)]),
    ),
  };
}

/** Evaluations and per-image predictions of a head on the held-out splits. */
interface HeldOutResults {
  readonly evaluations: Evaluation[];
  readonly predictions: Prediction[];
}

/** Evaluates `model` on `val` and `test` (where present); disposes only its own tensors. */
function evaluateHeldOut(
  model: tf.LayersModel,
  splits: Map<SplitName, EmbeddedSplit>,
  classes: readonly string[],
  featureSize: number,
): HeldOutResults {
  const evaluations: Evaluation[] = [];
  const predictions: Prediction[] = [];
  for (const split of HELD_OUT) {
    const data = splits.get(split);
    if (!data || data.items.length === 0) continue;
    const x = tf.tensor2d(data.features, [data.items.length, featureSize]);
    const { predicted, confidence } = predictClasses(model, x);
    x.dispose();
    evaluations.push(evaluate(split, classes, data.labels, predicted));
    data.items.forEach((item, i) => {
      predictions.push({
        file: item.path,
        split,
        trueClass: classes[item.classIndex] ?? String(item.classIndex),
        predictedClass: classes[predicted[i] ?? 0] ?? String(predicted[i]),
        confidence: confidence[i] ?? NaN,
      });
    });
  }
  return { evaluations, predictions };
}

/** Embeds every item, split by split, reading the next batch while the current one runs through the network. */
async function embedAll(
  backbone: Backbone,
  dataset: Dataset,
  batchSize: number,
  deps: RunDeps,
  skipped: SkippedFile[],
): Promise<Map<SplitName, EmbeddedSplit>> {
  const sizePx = backbone.entry.inputSizePx;
  const featureSize = backbone.featureSize;
  const total = dataset.items.length;
  const batches: DatasetItem[][] = [];
  for (let i = 0; i < total; i += batchSize) batches.push(dataset.items.slice(i, i + batchSize));
  const readBatch = (items: DatasetItem[]): Promise<Decoded[]> =>
    Promise.all(
      items.map((item) =>
        deps.readImage(item, sizePx).then(
          (pixels): Decoded => ({ item, pixels }),
          (error: unknown): Decoded => ({ item, error: errorMessage(error) }),
        ),
      ),
    );

  const rows = new Map<SplitName, { items: DatasetItem[]; features: Float32Array[] }>();
  let done = 0;
  deps.onEvent({ type: 'progress', stage: 'embed', done, total });
  let pending = batches[0] ? readBatch(batches[0]) : Promise.resolve([]);
  for (let b = 0; b < batches.length; b++) {
    const decoded = await pending;
    if (deps.signal?.aborted) throw new CancelledError();
    const next = batches[b + 1];
    if (next) pending = readBatch(next);
    const ok: { item: DatasetItem; pixels: Uint8Array }[] = [];
    for (const d of decoded) {
      if ('pixels' in d) ok.push(d);
      else {
        skipped.push({ file: d.item.path, reason: d.error });
        deps.onEvent({ type: 'skipped', file: d.item.path, reason: d.error });
      }
    }
    if (ok.length > 0) {
      const features = embedPixels(backbone, ok.map((d) => d.pixels), sizePx);
      ok.forEach((d, i) => {
        const split = rows.get(d.item.split) ?? { items: [], features: [] };
        split.items.push(d.item);
        split.features.push(features.subarray(i * featureSize, (i + 1) * featureSize));
        rows.set(d.item.split, split);
      });
    }
    done += decoded.length;
    deps.onEvent({ type: 'progress', stage: 'embed', done, total });
    // Let the worker take a `stop` message between batches.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const result = new Map<SplitName, EmbeddedSplit>();
  for (const [split, { items, features }] of rows) {
    const flat = new Float32Array(items.length * featureSize);
    features.forEach((f, i) => flat.set(f, i * featureSize));
    result.set(split, { items, features: flat, labels: Int32Array.from(items, (it) => it.classIndex) });
  }
  return result;
}

/** Runs one batch of RGB images through the backbone; returns `[n * featureSize]` features. */
function embedPixels(backbone: Backbone, images: Uint8Array[], sizePx: number): Float32Array {
  const pixelCount = sizePx * sizePx * 3;
  const buffer = new Int32Array(images.length * pixelCount);
  images.forEach((img, i) => buffer.set(img, i * pixelCount));
  return tf.tidy(() => {
    const x = tf.tensor4d(buffer, [images.length, sizePx, sizePx, 3], 'int32');
    return backbone.embed(x).dataSync() as Float32Array;
  });
}
