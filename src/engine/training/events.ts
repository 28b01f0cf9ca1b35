import type { ClassifierModel } from '../model/classifierModel';
import type { Evaluation, Prediction, StageSummary, StudioReport } from '../evaluation/report';

/** Which part of a run a `progress` event counts. */
export type RunStage = 'backbone' | 'embed' | 'train' | 'finetune' | 'evaluate';

/** What a run is about to do, sent once the backbone is loaded and the data is known. */
export interface RunPlan {
  /** Epochs planned for stage 1 (0 when the backbone is trained from scratch and only stage 2 runs). */
  readonly stage1Epochs: number;
  /** Epochs planned for stage 2 (0 when there is no stage 2). */
  readonly stage2Epochs: number;
  /** Top blocks unfrozen in stage 2 and the layer/node the backbone is cut at, or null. */
  readonly fineTune: { readonly blocks: number; readonly cutName: string; readonly activationShape: readonly number[] } | null;
  /** Training views per image (the centre crop plus the augmented views). */
  readonly viewsPerImage: number;
  /** Per-class loss weights in class order, or null when none are used; `reason` says why. */
  readonly classWeights: readonly number[] | null;
  readonly classWeightsReason: string;
  /**
   * What the run's caches and batches were estimated to need, what the device can give, and a sentence
   * when the augmented views had to be cut to fit (null when the asked settings fit).
   */
  readonly memory: { readonly estimatedBytes: number; readonly budgetBytes: number; readonly note: string | null };
}

/** Per-epoch metrics of the head; `elapsedMs` counts from the start of training. */
export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly elapsedMs: number;
  /** Learning rate of the epoch (after the schedule); absent in reports made before schedules existed. */
  readonly learningRate?: number;
  /**
   * Training stage the epoch belongs to (1: head on frozen features; 2: the top blocks of the backbone and
   * the head). Charts draw a boundary where it changes; absent means 1.
   */
  readonly stage?: 1 | 2;
}

/**
 * The running training loss within an epoch, sent at most every `batchEveryMs` (see `trainHead`).
 * `loss` is the mean cross-entropy over the batches since the previous report (dropout on).
 */
export interface BatchMetrics {
  /** 1-based epoch. */
  readonly epoch: number;
  /** 1-based index of the last batch counted, in [1, batchesPerEpoch]. */
  readonly batch: number;
  readonly batchesPerEpoch: number;
  readonly epochs: number;
  readonly loss: number;
  /** Training samples per second since training began. */
  readonly imagesPerSecond: number;
  /** Since the stage began (paused time left out). */
  readonly elapsedMs: number;
  /** The stage the batch belongs to, and the first epoch number of that stage (epochs run on across stages). */
  readonly stage: 1 | 2;
  readonly firstEpoch: number;
}

/**
 * A tensor's values in a checkpoint: plain data, structured-cloneable. `Bytes` is `ArrayBuffer` in the engine,
 * `Blob` in a `PackedCheckpoint`.
 */
export interface SavedTensor<Bytes = ArrayBuffer> {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly data: Bytes;
}

/** The training loop of a stage after a completed epoch: enough to go on exactly from there (see `trainLoop`). */
export interface LoopCheckpoint<Bytes = ArrayBuffer> {
  /** Epochs of the stage completed, >= 1. */
  readonly epochsDone: number;
  /** The stage's epochs so far. */
  readonly history: readonly EpochMetrics[];
  /** The trained variables, then the state variables (batch-norm statistics), in the loop's order. */
  readonly weights: readonly SavedTensor<Bytes>[];
  /** The best epoch so far, its standing, and its weights (same order). */
  readonly best: {
    readonly epoch: number | null;
    readonly valLoss: number;
    readonly epochsSinceBest: number;
    readonly changed: boolean;
    readonly weights: readonly SavedTensor<Bytes>[];
  };
  /** The optimizer's own variables (step count, Adam's moments or momentum's accumulators), in its order. */
  readonly optimizer: readonly SavedTensor<Bytes>[];
  /** Training time of the stage so far (paused time left out), and samples trained on. */
  readonly elapsedMs: number;
  readonly samplesSeen: number;
}

/**
 * A run after its last completed epoch (the `checkpoint` event): given back as the start request's
 * `resumeFrom`, the run re-extracts the features (deterministic), skips the completed epochs and goes on.
 */
export interface RunCheckpoint<Bytes = ArrayBuffer> {
  readonly format: 'fine-tune-studio/checkpoint@1';
  /** The stage under way. */
  readonly stage: 1 | 2;
  /** Every epoch so far, both stages, as `epochEnd` reported them. */
  readonly history: readonly EpochMetrics[];
  /** Stages finished (stage 1's when stage 2 is under way). */
  readonly stages: readonly StageSummary[];
  /** Stage 1's training time, when stage 2 is under way (else 0). */
  readonly trainMs: number;
  readonly loop: LoopCheckpoint<Bytes>;
}

/**
 * A checkpoint as the page holds it: each tensor's bytes in a Blob, made in the training worker. The page
 * stores it (IndexedDB keeps a Blob by reference) and sends it back to resume without reading or copying the
 * bytes: in stage 2 a checkpoint is tens of megabytes (the top blocks' weights, their best copy and Adam's
 * two moments), which as ArrayBuffers cost the page 50-250 ms of its main thread an epoch.
 */
export type PackedCheckpoint = RunCheckpoint<Blob>;

function mapTensors<A, B>(checkpoint: RunCheckpoint<A>, each: (t: SavedTensor<A>) => SavedTensor<B>): RunCheckpoint<B> {
  const { loop } = checkpoint;
  return {
    ...checkpoint,
    loop: {
      ...loop, weights: loop.weights.map(each), optimizer: loop.optimizer.map(each),
      best: { ...loop.best, weights: loop.best.weights.map(each) },
    },
  };
}

/** The checkpoint with its tensors' bytes in Blobs (copied once, where this runs: the training worker). */
export function packCheckpoint(checkpoint: RunCheckpoint): PackedCheckpoint {
  return mapTensors(checkpoint, (t) => ({ ...t, data: new Blob([t.data]) }));
}

/**
 * The checkpoint with its bytes read back into ArrayBuffers, for `RunRequest.resumeFrom`. Takes unpacked
 * tensors too (checkpoints stored before they were packed).
 */
export async function unpackCheckpoint(checkpoint: RunCheckpoint<Blob | ArrayBuffer>): Promise<RunCheckpoint> {
  const read = async (t: SavedTensor<Blob | ArrayBuffer>): Promise<SavedTensor> => ({ ...t, data: t.data instanceof Blob ? await t.data.arrayBuffer() : t.data });
  const { loop } = checkpoint;
  const [weights, optimizer, best] = await Promise.all([Promise.all(loop.weights.map(read)), Promise.all(loop.optimizer.map(read)), Promise.all(loop.best.weights.map(read))]);
  return { ...checkpoint, loop: { ...loop, weights, optimizer, best: { ...loop.best, weights: best } } };
}

/**
 * Everything a training run reports, in order: `backend`, then `progress` events, `batchEnd` events (throttled) and
 * `epochEnd` once per epoch,
 * and exactly one of `done`, `stopped` or `error` last.
 */
export type TrainEvent =
  /** The backend of a part of the run: features (`embed`, sent first) or stage 2 (`finetune`). */
  | { readonly type: 'backend'; readonly backend: string; readonly reason: string; readonly part?: 'embed' | 'finetune' }
  | ({ readonly type: 'plan' } & RunPlan)
  /** The run is waiting for `resume` (`paused: true`) or going on again (`paused: false`). */
  | { readonly type: 'paused'; readonly paused: boolean }
  | { readonly type: 'progress'; readonly stage: RunStage; readonly done: number; readonly total: number }
  | { readonly type: 'skipped'; readonly file: string; readonly reason: string }
  | ({ readonly type: 'batchEnd' } & BatchMetrics)
  /** The head evaluated after `epoch` because the user asked during training (see `RunDeps.takeEvaluationRequest`). */
  | {
      readonly type: 'evaluation';
      readonly epoch: number;
      readonly evaluations: readonly Evaluation[];
      readonly predictions: readonly Prediction[];
    }
  | ({ readonly type: 'epochEnd' } & EpochMetrics)
  /** Sent after each `epochEnd` (its epoch's state), when the start request asked for checkpoints. */
  | { readonly type: 'checkpoint'; readonly checkpoint: RunCheckpoint }
  /**
   * The run's result: the report, and the trained classifier (backbone and head fused, serialised) for
   * export, prediction and the webcam; `model` is null when the backbone cannot be fused (`modelNote` says why).
   */
  | { readonly type: 'done'; readonly report: StudioReport; readonly model: ClassifierModel | null; readonly modelNote?: string }
  | { readonly type: 'stopped'; readonly reason: string }
  | { readonly type: 'error'; readonly message: string };

/** The event names, for switch statements and tests. */
export const TRAIN_EVENT_TYPES = [
  'backend', 'plan', 'paused', 'progress', 'skipped', 'batchEnd', 'evaluation', 'epochEnd', 'checkpoint', 'done', 'stopped', 'error',
] as const;
