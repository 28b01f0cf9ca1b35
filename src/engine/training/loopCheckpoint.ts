/**
 * Saving and restoring the training loop's state at an epoch boundary: its variables, the best epoch and its
 * weights, the optimizer's variables, the seeded draws and the clock (see `TrainLoopArgs.onCheckpoint` and
 * `TrainLoopArgs.resume`). The loop's working state is typed here by the parts a checkpoint touches.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng';
import type { LoopCheckpoint, SavedTensor } from './checkpoint';
import type { EpochMetrics } from './metrics';
import type { LoopOptimizer } from './optimizer';
import type { TrainSettings } from './settings';

/** The best epoch so far, its standing and a copy of its variables (and state), which the loop owns. */
export interface BestSoFar {
  epoch: number | null;
  valLoss: number;
  epochsSinceBest: number;
  copies: tf.Tensor[];
  /** True once a training step changed the variables after `copies` were taken. */
  changed: boolean;
}

/** Times (by the loop's `now`, in ms) and the samples trained on in the stage. */
export interface LoopClock {
  startMs: number;
  pausedMs: number;
  lastYieldMs: number;
  lastBatchMs: number;
  samplesSeen: number;
}

/** The parts of the loop's working state that a checkpoint saves and restores. */
export interface CheckpointedLoop {
  readonly args: {
    readonly settings: Pick<TrainSettings, 'epochs' | 'batchSize' | 'learningRate'>;
    readonly train: { readonly size: number };
  };
  readonly now: () => number;
  readonly rng: Rng;
  readonly optimizer: LoopOptimizer;
  /** The trained variables, then the state variables: what a saved copy holds. */
  readonly saved: readonly tf.Variable[];
  readonly best: BestSoFar;
  readonly clock: LoopClock;
}

/** A copy of a tensor's values. */
async function saveTensor(tensor: tf.Tensor, name: string): Promise<SavedTensor> {
  const values = (await tensor.data()) as Float32Array | Int32Array;
  // A copy of its own: `data()` may return a view into a larger buffer.
  return { name, shape: [...tensor.shape], dtype: tensor.dtype === 'int32' ? 'int32' : 'float32', data: values.slice().buffer as ArrayBuffer };
}

const tensorOf = (saved: SavedTensor): tf.Tensor =>
  tf.tensor(saved.dtype === 'int32' ? new Int32Array(saved.data) : new Float32Array(saved.data), [...saved.shape], saved.dtype);

/**
 * The loop's state after `history.length` completed epochs, `elapsedMs` of training (paused time left out)
 * into the stage. Reads every variable back (a GPU sync); creates no tensors that outlive the call.
 */
export async function checkpointOf(loop: CheckpointedLoop, history: readonly EpochMetrics[], elapsedMs: number): Promise<LoopCheckpoint> {
  const named = await loop.optimizer.optimizer.getWeights();
  try {
    const { best } = loop;
    return {
      epochsDone: history.length,
      history: [...history],
      weights: await Promise.all(loop.saved.map((v, i) => saveTensor(v, v.name || `variable_${i}`))),
      best: {
        epoch: best.epoch, valLoss: best.valLoss, epochsSinceBest: best.epochsSinceBest, changed: best.changed,
        weights: await Promise.all(best.copies.map((c, i) => saveTensor(c, loop.saved[i]?.name ?? `variable_${i}`))),
      },
      optimizer: await Promise.all(named.map((n) => saveTensor(n.tensor, n.name))),
      elapsedMs,
      samplesSeen: loop.clock.samplesSeen,
    };
  } finally {
    // The step count is a new scalar; the rest are the optimizer's own variables.
    named[0]?.tensor.dispose();
  }
}

/**
 * Puts the loop back at `checkpoint` (see `TrainLoopArgs.resume`): the variables, the best epoch (its old
 * copies disposed), the optimizer, the seeded draws and the clock; appends the checkpoint's epochs to
 * `history` and their rates to `learningRates`. Returns the number of epochs completed; throws when the
 * checkpoint does not fit the loop's variables or settings.
 */
export async function resumeLoop(loop: CheckpointedLoop, checkpoint: LoopCheckpoint, history: EpochMetrics[], learningRates: number[]): Promise<number> {
  const { settings, train } = loop.args;
  const fits = (saved: readonly SavedTensor[]): boolean =>
    saved.length === loop.saved.length && saved.every((t, i) => t.shape.join(',') === (loop.saved[i] as tf.Variable).shape.join(','));
  const done = checkpoint.epochsDone;
  if (!fits(checkpoint.weights) || !fits(checkpoint.best.weights) || done !== checkpoint.history.length || done > settings.epochs) {
    throw new Error('trainLoop: the checkpoint does not fit this model and settings');
  }
  tf.tidy(() => checkpoint.weights.forEach((t, i) => (loop.saved[i] as tf.Variable).assign(tensorOf(t))));
  const { best } = loop;
  tf.dispose(best.copies);
  best.copies = checkpoint.best.weights.map(tensorOf);
  Object.assign(best, { epoch: checkpoint.best.epoch, valLoss: checkpoint.best.valLoss, epochsSinceBest: checkpoint.best.epochsSinceBest, changed: checkpoint.best.changed });
  if (checkpoint.optimizer.length > 0) {
    const named = checkpoint.optimizer.map((t) => ({ name: t.name, tensor: tensorOf(t) }));
    try {
      await loop.optimizer.optimizer.setWeights(named);
    } finally {
      tf.dispose(named.map((n) => n.tensor));
    }
  }
  // The completed epochs' seeded draws (shuffle, then one seed per batch), so the epochs left draw as they would have.
  for (let k = 0; k < done; k++) {
    loop.rng.shuffle(Array.from({ length: train.size }, (_, i) => i));
    for (let start = 0; start < train.size; start += settings.batchSize) loop.rng.uint32();
  }
  history.push(...checkpoint.history);
  learningRates.push(...checkpoint.history.map((m) => m.learningRate ?? settings.learningRate));
  loop.clock.startMs = loop.now() - checkpoint.elapsedMs;
  loop.clock.samplesSeen = checkpoint.samplesSeen;
  return done;
}
