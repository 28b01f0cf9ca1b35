/**
 * Out-of-fold class probabilities: the labelled rows are dealt into `folds` stratified folds, and each fold is
 * classified by a softmax head trained on the other folds only, so every row is judged by a model that never
 * saw it. The head is a linear softmax on standardised features with a little weight decay: it trains in
 * milliseconds on cached features and nothing is embedded again.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core/rng';

export interface OutOfFoldInput {
  /** `labels.length` rows of `dim` values, row after row. */
  readonly features: Float32Array;
  readonly dim: number;
  readonly labels: Int32Array;
  readonly numClasses: number;
  readonly folds: number;
  readonly seed: number;
  /** Fold of each row; default `stratifiedFolds(labels, numClasses, folds, seed)`. */
  readonly foldOf?: Int32Array;
}

/** Rows per gradient step. */
const BATCH = 256;
/** Gradient steps per fold, about (whole epochs are run: at least two). */
const STEPS = 150;
const LEARNING_RATE = 0.01;
const WEIGHT_DECAY = 1e-3;

/**
 * Fold of each row (0 .. folds-1): each class's rows, shuffled by `seed`, are dealt round-robin, so every
 * fold holds about `1 / folds` of every class.
 */
export function stratifiedFolds(labels: Int32Array, numClasses: number, folds: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const fold = new Int32Array(labels.length);
  let next = 0;
  for (let c = 0; c < numClasses; c++) {
    const rows = rng.shuffle(Array.from(labels.keys()).filter((i) => labels[i] === c));
    // Each class starts where the last one stopped, so small classes do not all land in fold 0.
    rows.forEach((row) => {
      fold[row] = next;
      next = (next + 1) % folds;
    });
  }
  return fold;
}

/** The rows of `features` at `indices`, standardised with the mean and spread of those rows (returned). */
function standardiser(features: Float32Array, dim: number, indices: readonly number[]): { mean: Float32Array; scale: Float32Array } {
  const mean = new Float32Array(dim);
  const sq = new Float32Array(dim);
  for (const i of indices) {
    for (let d = 0; d < dim; d++) {
      const v = features[i * dim + d] ?? 0;
      mean[d] = (mean[d] ?? 0) + v;
      sq[d] = (sq[d] ?? 0) + v * v;
    }
  }
  const scale = new Float32Array(dim);
  for (let d = 0; d < dim; d++) {
    const m = (mean[d] ?? 0) / indices.length;
    mean[d] = m;
    const variance = (sq[d] ?? 0) / indices.length - m * m;
    scale[d] = 1 / Math.sqrt(Math.max(variance, 0) + 1e-6);
  }
  return { mean, scale };
}

function gather(features: Float32Array, dim: number, indices: readonly number[]): Float32Array {
  const out = new Float32Array(indices.length * dim);
  indices.forEach((row, i) => out.set(features.subarray(row * dim, row * dim + dim), i * dim));
  return out;
}

/** Trains the softmax head on `trainRows` and returns the probabilities of `testRows` ([testRows.length * numClasses]). */
function fitAndPredict(input: OutOfFoldInput, trainRows: number[], testRows: readonly number[], foldSeed: number): Float32Array {
  const { features, dim, labels, numClasses } = input;
  const { mean, scale } = standardiser(features, dim, trainRows);
  const rng = createRng(foldSeed);
  const meanT = tf.tensor1d(mean);
  const scaleT = tf.tensor1d(scale);
  const [w, b] = tf.tidy(() => [tf.variable(tf.zeros([dim, numClasses])), tf.variable(tf.zeros([numClasses]))]);
  const optimizer = tf.train.adam(LEARNING_RATE);
  const prepare = (rows: readonly number[]): tf.Tensor2D =>
    tf.mul(tf.sub(tf.tensor2d(gather(features, dim, rows), [rows.length, dim]), meanT), scaleT);
  try {
    const batch = Math.min(BATCH, trainRows.length);
    const stepsPerEpoch = Math.ceil(trainRows.length / batch);
    const epochs = Math.max(2, Math.ceil(STEPS / stepsPerEpoch));
    const order = [...trainRows];
    for (let epoch = 0; epoch < epochs; epoch++) {
      rng.shuffle(order);
      for (let start = 0; start < order.length; start += batch) {
        const rows = order.slice(start, start + batch);
        tf.tidy(() => {
          const x = prepare(rows);
          const y = tf.oneHot(tf.tensor1d(Int32Array.from(rows, (r) => labels[r] ?? 0), 'int32'), numClasses);
          optimizer.minimize(() => {
            const logits = tf.add(tf.matMul(x, w), b);
            const loss = tf.losses.softmaxCrossEntropy(y, logits);
            return tf.add(loss, tf.mul(WEIGHT_DECAY, tf.sum(tf.square(w)))) as tf.Scalar;
          });
        });
      }
    }
    const probabilities = tf.tidy(() => tf.softmax(tf.add(tf.matMul(prepare(testRows), w), b)));
    const values = probabilities.dataSync() as Float32Array;
    probabilities.dispose();
    return values;
  } finally {
    optimizer.dispose();
    w.dispose();
    b.dispose();
    meanT.dispose();
    scaleT.dispose();
  }
}

/**
 * Probabilities of every class for every row ([rows * numClasses]), each row's from the head trained on the
 * folds it is not in. Needs `folds >= 2` and at least two rows outside every fold. Leaves no tensors behind.
 */
export function outOfFoldProbabilities(input: OutOfFoldInput): Float32Array {
  const { labels, numClasses, folds, seed } = input;
  if (!(Number.isInteger(folds) && folds >= 2)) throw new RangeError(`folds must be an integer >= 2, got ${folds}`);
  const fold = input.foldOf ?? stratifiedFolds(labels, numClasses, folds, seed);
  const out = new Float32Array(labels.length * numClasses);
  for (let f = 0; f < folds; f++) {
    const test: number[] = [];
    const train: number[] = [];
    fold.forEach((k, i) => (k === f ? test : train).push(i));
    if (test.length === 0) continue;
    if (train.length < 2) throw new RangeError(`fold ${f} leaves ${train.length} rows to train on`);
    const probabilities = fitAndPredict(input, train, test, (seed + 7919 * (f + 1)) >>> 0);
    test.forEach((row, i) => out.set(probabilities.subarray(i * numClasses, (i + 1) * numClasses), row * numClasses));
  }
  return out;
}
