/**
 * Checkpoints of a run as plain, structured-cloneable data: the loop's state after a completed epoch, the
 * run's around it, and their packed form (bytes in Blobs) that the page stores and sends back to resume.
 * No tfjs here: the page packs and unpacks without loading TensorFlow.js.
 */
import { UserFacingError } from '../../core/errors';
import type { StageSummary } from '../evaluation/report';
import type { EpochMetrics } from './metrics';

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

/** The checkpoint with each of its tensors (weights, optimizer, best weights, in that order) mapped by `each`. */
export function mapTensors<A, B>(checkpoint: RunCheckpoint<A>, each: (t: SavedTensor<A>) => SavedTensor<B>): RunCheckpoint<B> {
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
 * Checks that `resumeFrom` fits this run: a stage-1 checkpoint of a pretrained backbone, or a stage-2 one of a
 * run that has a stage 2 (the scratch CNN's only stage is stage 2).
 */
export function checkResume(resumeFrom: RunCheckpoint | undefined, scratch: boolean, hasStage2: boolean): RunCheckpoint | undefined {
  if (!resumeFrom) return undefined;
  const fits = resumeFrom.format === 'fine-tune-studio/checkpoint@1' && (resumeFrom.stage === 1 ? !scratch : hasStage2);
  if (!fits) throw new UserFacingError('This checkpoint does not belong to a run with these settings: train again.');
  return resumeFrom;
}
