/**
 * Evaluation of a trained classifier on the held-out splits (`val`, `test`) from the extraction cache: the
 * metrics of each split, every image's prediction, and the calibration fitted on `val` (see `calibration.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import type { SplitName } from '../../core/types';
import { calibrate, topOf } from './calibration';
import type { CalibrationResult, SplitProbabilities } from './calibration';
import { evaluate } from './evaluate';
import type { SplitCache } from '../features/extract';
import type { Evaluation, Prediction } from './report';
import type { RowStore } from '../features/rowStore';

/** Evaluations and per-image predictions on the held-out splits. */
export interface HeldOutResults {
  readonly evaluations: Evaluation[];
  /** Confidences as the model gives them (before the temperature). */
  readonly predictions: Prediction[];
  /** The temperature and "unknown" threshold fitted on `val`, measured on every held-out split; null without enough validation images. */
  readonly calibration: CalibrationResult | null;
  /** Time spent on the test-time views (classifying them and averaging), 0 without them. */
  readonly ttaMs: number;
}

/** How to classify cached rows: which store to read and the function from a row batch to probabilities. */
export interface CachedClassifier {
  /** `features` (stage 1: the head on embeddings) or `activations` (stage 2: top blocks + head). */
  readonly input: 'features' | 'activations';
  /** Shape of one row as the classifier takes it (`[featureSize]` or the activation shape `[h, w, c]`). */
  readonly rowShape: readonly number[];
  /** [n, ...rowShape] -> [n, classes] probabilities, inference mode. Intermediates are freed by the caller's tidy. */
  probabilities(x: tf.Tensor): tf.Tensor2D;
}

const HELD_OUT: readonly SplitName[] = ['val', 'test'];

/** Predicted class, its probability and every class's probability (row-major) for every row of `store`, in batches of `batchSize`. */
export function classifyRows(
  store: RowStore,
  classifier: CachedClassifier,
  batchSize = 64,
): { predicted: Int32Array; confidence: Float32Array; probabilities: Float32Array } {
  const predicted = new Int32Array(store.size);
  const confidence = new Float32Array(store.size);
  let probabilities = new Float32Array(0);
  for (let start = 0; start < store.size; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, store.size - start) }, (_, i) => start + i);
    const [classes, probs, all] = tf.tidy(() => {
      const x = tf.tensor(store.gather(indices), [indices.length, ...classifier.rowShape]);
      const out = classifier.probabilities(x);
      return [tf.argMax(out, 1).dataSync() as Int32Array, tf.max(out, 1).dataSync() as Float32Array, out.dataSync() as Float32Array];
    });
    const k = all.length / indices.length;
    if (probabilities.length === 0) probabilities = new Float32Array(store.size * k);
    predicted.set(classes, start);
    confidence.set(probs, start);
    probabilities.set(all, start * k);
  }
  return { predicted, confidence, probabilities };
}

/**
 * Evaluates `classifier` on `val` and `test` (where present), and calibrates it on `val` with an "unknown"
 * threshold that rejects at most `rejectTarget` of the validation images. Leaves no tensors behind.
 */
export function evaluateHeldOut(
  caches: ReadonlyMap<SplitName, SplitCache>,
  classes: readonly string[],
  classifier: CachedClassifier,
  rejectTarget = 0,
): HeldOutResults {
  const evaluations: Evaluation[] = [];
  const predictions: Prediction[] = [];
  const scored: SplitProbabilities[] = [];
  let ttaMs = 0;
  for (const split of HELD_OUT) {
    const cache = caches.get(split);
    const store = classifier.input === 'features' ? cache?.features : cache?.activations;
    if (!cache || !store || store.size === 0) continue;
    const { predicted, confidence, probabilities } = classifyRows(store, classifier);
    const labels = Int32Array.from(cache.rows, (r) => r.item.classIndex);
    const ttaStartMs = performance.now();
    const tta = cache.tta && ttaAccuracy(cache, classifier, probabilities, labels, classes.length);
    if (tta !== undefined) ttaMs += performance.now() - ttaStartMs;
    evaluations.push({ ...evaluate(split, classes, labels, predicted), ...(tta !== undefined && { ttaAccuracy: tta }) });
    scored.push({ split, probabilities, labels });
    cache.rows.forEach((row, i) => {
      predictions.push({
        file: row.item.path,
        split,
        trueClass: classes[row.item.classIndex] ?? String(row.item.classIndex),
        predictedClass: classes[predicted[i] ?? 0] ?? String(predicted[i]),
        confidence: confidence[i] ?? NaN,
      });
    });
  }
  return { evaluations, predictions, calibration: calibrate(scored, classes.length, rejectTarget), ttaMs };
}

/**
 * Accuracy with test-time augmentation: each image's class probabilities averaged over its plain view
 * (`plain`, row-major like the split's rows) and its test-time views (`cache.tta`), then the top class.
 * Undefined when the split has no test-time views for this classifier's input.
 */
function ttaAccuracy(cache: SplitCache, classifier: CachedClassifier, plain: Float32Array, labels: Int32Array, classes: number): number | undefined {
  const tta = cache.tta;
  const store = classifier.input === 'features' ? tta?.features : tta?.activations;
  if (!tta || !store || store.size === 0) return undefined;
  const sums = Float32Array.from(plain);
  const rowOf = new Map(cache.rows.map((r, i) => [r.item.fileIndex, i]));
  const { probabilities } = classifyRows(store, classifier);
  // Summed, not averaged: every image has the same views, and the top class of a sum is that of its mean.
  tta.rows.forEach((r, j) => {
    const i = rowOf.get(r.item.fileIndex);
    if (i === undefined) return;
    for (let c = 0; c < classes; c++) sums[i * classes + c] = (sums[i * classes + c] ?? 0) + (probabilities[j * classes + c] ?? 0);
  });
  const { predicted } = topOf(sums, classes);
  const correct = labels.reduce((n, label, i) => n + (predicted[i] === label ? 1 : 0), 0);
  return labels.length > 0 ? correct / labels.length : 0;
}
