/**
 * Trains a head (see `head.ts`) on cached embeddings with a custom, seeded loop: Adam, minibatches shuffled by
 * `createRng(seed)` (model.fit shuffles with Math.random), categorical cross-entropy, cancellable through an
 * `AbortSignal`.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../core/rng';
import type { BatchMetrics, EpochMetrics } from './events';
import { applyHead, createHead } from './head';
import type { TrainSettings } from './settings';

/** The settings `trainHead` reads. */
export type HeadTrainSettings = Pick<
  TrainSettings,
  'epochs' | 'batchSize' | 'learningRate' | 'hiddenUnits' | 'dropout' | 'seed'
>;

/** Inputs of `trainHead`. The caller keeps ownership of (and disposes) `xTrain` and `xVal`. */
export interface TrainHeadArgs {
  /** [nTrain, featureSize] float32 embeddings; nTrain >= 1. */
  readonly xTrain: tf.Tensor2D;
  /** nTrain class indices in [0, numClasses). */
  readonly yTrain: ArrayLike<number>;
  /** [nVal, featureSize] float32 embeddings; nVal may be 0. */
  readonly xVal: tf.Tensor2D;
  /** nVal class indices in [0, numClasses). */
  readonly yVal: ArrayLike<number>;
  readonly numClasses: number;
  readonly settings: HeadTrainSettings;
  /** Checked before every batch; once aborted, training stops and resolves with `stopped: true`. */
  readonly signal?: AbortSignal;
  /**
   * Called after each completed epoch, in order, with epoch = 1..epochs, and the head as it is now (to
   * evaluate on demand; the callee must not dispose or train it).
   */
  readonly onEpoch?: (metrics: EpochMetrics, model: tf.LayersModel) => void;
  /**
   * Called with the running training loss at most once per `batchEveryMs` (by `now`), never for the first
   * batch of training; reading the loss costs a GPU sync, so it is throttled.
   */
  readonly onBatch?: (metrics: BatchMetrics) => void;
  /** Least time between two `onBatch` calls; default 100 ms. */
  readonly batchEveryMs?: number;
  /** Clock in ms for `elapsedMs` and for pacing yields to the event loop; defaults to `performance.now`. */
  readonly now?: () => number;
}

/** What `trainHead` resolves with. The caller disposes `model`. */
export interface TrainHeadResult {
  readonly model: tf.LayersModel;
  /** One entry per completed epoch (fewer than `epochs` when stopped). */
  readonly history: EpochMetrics[];
  /** True when the signal aborted training before the last epoch ended. */
  readonly stopped: boolean;
}

/** Longest stretch of batches (by `now`) before the loop yields so an abort message can arrive. */
const YIELD_EVERY_MS = 50;
const BATCH_EVERY_MS = 100;

/** Lets timers and messages run (Node, Worker and page alike). */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Trains a new head for `settings.epochs` epochs. Per epoch: training indices are shuffled with
 * `createRng(seed)`, each minibatch takes one Adam step on the mean categorical cross-entropy (with dropout),
 * and the epoch's `loss`/`accuracy` are the sample-weighted means over its batches (measured during the step,
 * with dropout on, as Keras reports them). `valLoss`/`valAccuracy` are then measured on the whole validation
 * set in inference mode; they are NaN when the validation set is empty.
 * The same inputs and seed give the same history (except `elapsedMs`) on the same backend.
 * Tensors: the optimizer and all intermediates are disposed here; the caller disposes the returned model.
 */
export async function trainHead(args: TrainHeadArgs): Promise<TrainHeadResult> {
  const { xTrain, xVal, numClasses, settings, signal, onEpoch, onBatch } = args;
  const now = args.now ?? (() => performance.now());
  const nTrain = xTrain.shape[0];
  const nVal = xVal.shape[0];
  checkLabels('yTrain', args.yTrain, nTrain, numClasses);
  checkLabels('yVal', args.yVal, nVal, numClasses);
  if (nTrain === 0) throw new Error('trainHead: the training set is empty');
  if (!(settings.batchSize >= 1)) throw new Error(`trainHead: batchSize must be >= 1, got ${settings.batchSize}`);

  const rng = createRng(settings.seed);
  const model = createHead({ ...settings, featureSize: xTrain.shape[1], numClasses, seed: rng.uint32() });
  const optimizer = tf.train.adam(settings.learningRate);
  const yTrainHot = oneHot(args.yTrain, numClasses);
  const yValHot = oneHot(args.yVal, numClasses);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const history: EpochMetrics[] = [];
  const startMs = now();
  let lastYieldMs = startMs;
  let stopped = false;
  const batchesPerEpoch = Math.ceil(nTrain / settings.batchSize);
  const batchEveryMs = args.batchEveryMs ?? BATCH_EVERY_MS;
  let lastBatchMs = startMs;
  let samplesSeen = 0;

  try {
    for (let epoch = 1; epoch <= settings.epochs && !stopped; epoch++) {
      const order = rng.shuffle(Array.from({ length: nTrain }, (_, i) => i));
      let lossSum: tf.Scalar = tf.scalar(0);
      let correctSum: tf.Scalar = tf.scalar(0);
      // Loss sum and sample count at the previous batch report of this epoch.
      let reported = { lossSum: 0, samples: 0 };
      for (let start = 0; start < nTrain; start += settings.batchSize) {
        if (now() - lastYieldMs >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYieldMs = now();
        }
        if (signal?.aborted) {
          stopped = true;
          break;
        }
        const step = { model, optimizer, variables, xTrain, yTrainHot, dropoutSeed: rng.uint32() };
        const sums = trainStep(step, order.slice(start, start + settings.batchSize), lossSum, correctSum);
        lossSum.dispose();
        correctSum.dispose();
        [lossSum, correctSum] = sums;
        const samples = Math.min(start + settings.batchSize, nTrain);
        samplesSeen += samples - start;
        if (onBatch && now() - lastBatchMs >= batchEveryMs) {
          const lossNow = (await lossSum.data())[0] ?? NaN;
          const elapsedMs = now() - startMs;
          onBatch({
            epoch, batch: Math.ceil(samples / settings.batchSize), batchesPerEpoch, epochs: settings.epochs,
            loss: (lossNow - reported.lossSum) / (samples - reported.samples),
            imagesPerSecond: elapsedMs > 0 ? (samplesSeen * 1000) / elapsedMs : 0, elapsedMs,
          });
          reported = { lossSum: lossNow, samples };
          lastBatchMs = now();
        }
      }
      const [lossTotal, correctTotal] = await readAndDispose(lossSum, correctSum);
      if (stopped) break;
      const [valLoss, valAccuracy] = await evaluateSet(model, xVal, yValHot);
      const metrics: EpochMetrics = {
        epoch,
        loss: lossTotal / nTrain,
        accuracy: correctTotal / nTrain,
        valLoss,
        valAccuracy,
        elapsedMs: now() - startMs,
        stage: 1,
      };
      history.push(metrics);
      onEpoch?.(metrics, model);
      await yieldToEventLoop();
      lastYieldMs = now();
      if (signal?.aborted && epoch < settings.epochs) stopped = true;
    }
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    optimizer.dispose();
    yTrainHot.dispose();
    yValHot.dispose();
  }
  return { model, history, stopped };
}

/** What one optimisation step needs. */
interface StepContext {
  readonly model: tf.LayersModel;
  readonly optimizer: tf.Optimizer;
  readonly variables: tf.Variable[];
  readonly xTrain: tf.Tensor2D;
  readonly yTrainHot: tf.Tensor2D;
  readonly dropoutSeed: number;
}

/**
 * One Adam step on the rows `batch`. Returns new running sums (loss x rows, correct rows) as scalars the
 * caller disposes; `lossSum` and `correctSum` are read, not disposed.
 */
function trainStep(step: StepContext, batch: number[], lossSum: tf.Scalar, correctSum: tf.Scalar): [tf.Scalar, tf.Scalar] {
  const sums = tf.tidy((): tf.Scalar[] => {
    const idx = tf.tensor1d(batch, 'int32');
    const xb = tf.gather(step.xTrain, idx);
    const yb = tf.gather(step.yTrainHot, idx);
    let correct: tf.Scalar | undefined;
    const cost = step.optimizer.minimize(
      () => {
        const probs = applyHead(step.model, xb, step.dropoutSeed);
        // Kept out of the gradient scope's tidy so accuracy needs no second forward pass.
        correct = tf.keep(countCorrect(yb, probs));
        return tf.mean(tf.metrics.categoricalCrossentropy(yb, probs)) as tf.Scalar;
      },
      true,
      step.variables,
    ) as tf.Scalar;
    const counted = correct as tf.Scalar;
    const next = [tf.add(lossSum, tf.mul(cost, batch.length)), tf.add(correctSum, counted)] as tf.Scalar[];
    counted.dispose();
    return next;
  });
  return [sums[0] as tf.Scalar, sums[1] as tf.Scalar];
}

/** Mean cross-entropy and accuracy on a whole set in inference mode; [NaN, NaN] for an empty set. */
async function evaluateSet(model: tf.LayersModel, x: tf.Tensor2D, yHot: tf.Tensor2D): Promise<[number, number]> {
  const n = x.shape[0];
  if (n === 0) return [NaN, NaN];
  const [loss, correct] = tf.tidy((): tf.Tensor[] => {
    const probs = applyHead(model, x);
    return [tf.mean(tf.metrics.categoricalCrossentropy(yHot, probs)), countCorrect(yHot, probs)];
  });
  const [lossValue, correctValue] = await readAndDispose(loss as tf.Tensor, correct as tf.Tensor);
  return [lossValue, correctValue / n];
}

/** Number of rows whose argmax matches the one-hot label, as a float32 scalar. */
function countCorrect(yHot: tf.Tensor, probs: tf.Tensor): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(yHot, 1), tf.argMax(probs, 1)), 'float32'));
}

function oneHot(labels: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Array.from(labels), 'int32'), numClasses), 'float32') as tf.Tensor2D);
}

async function readAndDispose(a: tf.Tensor, b: tf.Tensor): Promise<[number, number]> {
  const [va, vb] = await Promise.all([a.data(), b.data()]);
  a.dispose();
  b.dispose();
  return [va[0] ?? NaN, vb[0] ?? NaN];
}

function checkLabels(name: string, labels: ArrayLike<number>, rows: number, numClasses: number): void {
  if (labels.length !== rows) throw new Error(`trainHead: ${name} has ${labels.length} labels for ${rows} rows`);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new Error(`trainHead: ${name}[${i}] = ${y} is not a class index in [0, ${numClasses})`);
    }
  }
}
