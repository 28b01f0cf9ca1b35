/**
 * Evaluation of a trained classifier on the held-out splits (`val`, `test`) from the extraction cache: the
 * metrics of each split and every image's prediction.
 */
import * as tf from '@tensorflow/tfjs';
import type { SplitName } from '../../core/types';
import { evaluate } from './evaluate';
import type { SplitCache } from '../features/extract';
import type { Evaluation, Prediction } from './report';
import type { RowStore } from '../features/rowStore';

/** Evaluations and per-image predictions on the held-out splits. */
export interface HeldOutResults {
  readonly evaluations: Evaluation[];
  readonly predictions: Prediction[];
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

/** Predicted class and its probability for every row of `store`, in batches of `batchSize`. */
export function classifyRows(
  store: RowStore,
  classifier: CachedClassifier,
  batchSize = 64,
): { predicted: Int32Array; confidence: Float32Array } {
  const predicted = new Int32Array(store.size);
  const confidence = new Float32Array(store.size);
  for (let start = 0; start < store.size; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, store.size - start) }, (_, i) => start + i);
    const [classes, probs] = tf.tidy(() => {
      const x = tf.tensor(store.gather(indices), [indices.length, ...classifier.rowShape]);
      const out = classifier.probabilities(x);
      return [tf.argMax(out, 1).dataSync() as Int32Array, tf.max(out, 1).dataSync() as Float32Array];
    });
    predicted.set(classes, start);
    confidence.set(probs, start);
  }
  return { predicted, confidence };
}

/** Evaluates `classifier` on `val` and `test` (where present). Leaves no tensors behind. */
export function evaluateHeldOut(
  caches: ReadonlyMap<SplitName, SplitCache>,
  classes: readonly string[],
  classifier: CachedClassifier,
): HeldOutResults {
  const evaluations: Evaluation[] = [];
  const predictions: Prediction[] = [];
  for (const split of HELD_OUT) {
    const cache = caches.get(split);
    const store = classifier.input === 'features' ? cache?.features : cache?.activations;
    if (!cache || !store || store.size === 0) continue;
    const { predicted, confidence } = classifyRows(store, classifier);
    evaluations.push(evaluate(split, classes, Int32Array.from(cache.rows, (r) => r.item.classIndex), predicted));
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
  return { evaluations, predictions };
}
