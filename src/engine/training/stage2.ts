/**
 * Stage 2: the top blocks of the backbone (above its cut) and the head, trained together at a lower
 * learning rate on the activations cached at the cut, so the frozen prefix never runs again. Each epoch sees
 * every training image once, in one of its cached views drawn at random (seeded). The scratch CNN trains
 * whole this way, with a new head, as its only stage.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core/rng';
import type { SplitName } from '../../core/types';
import type { BackboneSplit } from '../backbones/backbones';
import type { LoopCheckpoint } from './checkpoint';
import type { BatchMetrics, EpochMetrics } from './metrics';
import type { SplitCache } from '../features/extract';
import { applyHead, createHead, headL2 } from './head';
import type { CachedClassifier } from '../evaluation/heldOut';
import type { StageSummary } from '../evaluation/report';
import type { RowStore } from '../features/rowStore';
import type { TrainSettings } from './settings';
import { trainLoop } from './trainLoop';
import type { TrainData } from './trainLoop';

export interface FineTuneArgs {
  readonly split: BackboneSplit;
  /** The head trained in stage 1, trained further here; null builds a new one (scratch CNN). */
  readonly head: tf.LayersModel | null;
  readonly featureSize: number;
  readonly caches: ReadonlyMap<SplitName, SplitCache>;
  readonly numClasses: number;
  readonly settings: TrainSettings;
  /** The scratch CNN: `settings.epochs` and `settings.learningRate` instead of the fine-tuning ones. */
  readonly scratch: boolean;
  readonly classWeights: readonly number[] | null;
  /** Epochs of stage 1, so stage 2's epochs continue the numbering. */
  readonly epochOffset: number;
  /** The epoch and validation loss of the weights stage 2 starts from: it must beat them to count as best. */
  readonly initialBest?: { readonly epoch: number; readonly valLoss: number };
  readonly deps: { readonly signal?: AbortSignal; waitWhilePaused?(): Promise<void> };
  readonly now: () => number;
  onEpoch(metrics: EpochMetrics, classifier: CachedClassifier): void;
  onBatch(metrics: BatchMetrics): void;
  /** After each completed epoch: the stage's loop state (the top's and the head's weights among it). */
  onCheckpoint?(checkpoint: LoopCheckpoint): void;
  /** Goes on from a checkpoint of this stage (see `TrainLoopArgs.resume`); the view draws of its epochs are replayed. */
  readonly resume?: LoopCheckpoint;
}

export interface FineTuneResult {
  /** The fine-tuned top + head on cached activations (valid until `dispose`). */
  readonly classifier: CachedClassifier;
  readonly summary: Omit<StageSummary, 'backend'>;
  readonly stopped: boolean;
  /** Time spent taking checkpoints (see `TrainLoopResult.checkpointMs`). */
  readonly checkpointMs: number;
  /** The trained head (stage 1's, trained further, or the scratch CNN's new one); freed by `dispose`. */
  readonly head: tf.LayersModel;
  /** Frees the head (the split belongs to the caller). */
  dispose(): void;
}

/** Activation rows of `store` served as tensors of `[n, ...shape]`. */
function rowsData(store: RowStore, shape: readonly number[], pickRow: (index: number) => number, size: number): TrainData {
  return {
    size,
    gather: (indices) => tf.tensor(store.gather(indices.map(pickRow)), [indices.length, ...shape]),
  };
}

/** Trains the split's top and the head; see the module comment. */
export async function fineTuneStage(args: FineTuneArgs): Promise<FineTuneResult> {
  const { split, settings, numClasses } = args;
  const train = args.caches.get('train') as SplitCache;
  const val = args.caches.get('val') as SplitCache;
  const trainStore = train.activations as RowStore;
  const valStore = val.activations as RowStore;
  const rng = createRng(settings.seed ^ 0x5eed2);
  const head = args.head ?? createHead({
    featureSize: args.featureSize, numClasses, hiddenUnits: settings.hiddenUnits, dropout: settings.dropout,
    batchNorm: settings.batchNorm, seed: rng.uint32(),
  });
  // Rows of each training image (its views), in image order.
  const byImage = new Map<number, number[]>();
  train.rows.forEach((row, i) => byImage.set(row.item.fileIndex, [...(byImage.get(row.item.fileIndex) ?? []), i]));
  const images = [...byImage.values()];
  const yTrain = Int32Array.from(images, (rows) => (train.rows[rows[0] as number] as SplitCache['rows'][number]).item.classIndex);
  const pickView = (image: number): number => {
    const rows = images[image] as number[];
    return rows[rng.int(rows.length)] as number;
  };
  // A resumed stage draws the views of its completed epochs (one draw per image and epoch) without training.
  for (let draw = 0; draw < (args.resume?.epochsDone ?? 0) * images.length; draw++) rng.next();
  const classifier: CachedClassifier = {
    input: 'activations',
    rowShape: split.activationShape,
    probabilities: (x) => applyHead(head, split.top(x as tf.Tensor4D, false), null),
  };
  try {
    const result = await trainLoop({
      train: rowsData(trainStore, split.activationShape, pickView, images.length),
      yTrain,
      val: rowsData(valStore, split.activationShape, (i) => i, valStore.size),
      yVal: Int32Array.from(val.rows, (r) => r.item.classIndex),
      numClasses,
      forward: (x, step) => applyHead(head, split.top(x as tf.Tensor4D, step !== null), step),
      variables: [...split.variables, ...head.trainableWeights.map((w) => w.read() as tf.Variable)],
      // Batch-norm moving statistics of the head: restored with the best epoch's weights.
      state: head.nonTrainableWeights.map((w) => w.read() as tf.Variable),
      initialBest: args.initialBest,
      regularizer: settings.l2 > 0 ? () => headL2(head, settings.l2) : undefined,
      classWeights: args.classWeights,
      settings: {
        ...settings,
        epochs: args.scratch ? settings.epochs : settings.fineTuneEpochs,
        learningRate: args.scratch ? settings.learningRate : settings.fineTuneLearningRate,
      },
      stage: 2,
      epochOffset: args.epochOffset,
      signal: args.deps.signal,
      waitWhilePaused: args.deps.waitWhilePaused,
      onEpoch: (metrics) => args.onEpoch(metrics, classifier),
      onBatch: args.onBatch,
      onCheckpoint: args.onCheckpoint,
      resume: args.resume,
      now: args.now,
    });
    return {
      classifier,
      summary: { stage: 2, epochs: result.history.length, bestEpoch: result.bestEpoch, restoredBest: result.restoredBest, stoppedEarly: result.stoppedEarly },
      stopped: result.stopped,
      checkpointMs: result.checkpointMs,
      head,
      dispose: () => head.dispose(),
    };
  } catch (error) {
    head.dispose();
    throw error;
  }
}
