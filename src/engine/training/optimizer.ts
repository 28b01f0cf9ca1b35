/**
 * The optimizers of the training loop and the learning-rate schedules of a stage, as plain functions so the
 * rate of every epoch can be recomputed (and tested) outside the loop.
 */
import * as tf from '@tensorflow/tfjs';
import type { LearningRateSchedule, TrainSettings } from './settings';

/** Epochs without improvement of the validation loss before `plateau` halves the rate. */
export const PLATEAU_EPOCHS = 2;
/** Lowest rate of the `plateau` and `cosine` schedules, as a fraction of the stage's rate. */
export const MIN_RATE_FRACTION = 0.01;

/**
 * The learning rate of epoch `epochIndex` (0-based) of a stage of `epochs` epochs starting at `baseRate`.
 * `constant`: baseRate. `cosine`: from baseRate (first epoch) to 1% of it (last epoch) along half a cosine.
 * `plateau`: replays `valLosses` (the validation losses of epochs 0..epochIndex-1; later ones are ignored):
 * after 2 epochs in a row without a new lowest loss the rate halves (never below 1% of baseRate) and the
 * count restarts; NaN losses (no validation set) change nothing.
 */
export function learningRateAt(
  schedule: LearningRateSchedule,
  baseRate: number,
  epochIndex: number,
  epochs: number,
  valLosses: readonly number[],
): number {
  const minRate = baseRate * MIN_RATE_FRACTION;
  if (schedule === 'cosine') {
    if (epochs <= 1) return baseRate;
    const progress = Math.min(1, Math.max(0, epochIndex / (epochs - 1)));
    return minRate + ((baseRate - minRate) * (1 + Math.cos(Math.PI * progress))) / 2;
  }
  if (schedule === 'constant') return baseRate;
  let rate = baseRate;
  let best = Infinity;
  let wait = 0;
  for (const loss of valLosses.slice(0, epochIndex)) {
    if (Number.isNaN(loss)) continue;
    if (loss < best) {
      best = loss;
      wait = 0;
    } else if (++wait >= PLATEAU_EPOCHS) {
      rate = Math.max(rate / 2, minRate);
      wait = 0;
    }
  }
  return rate;
}

/** An optimizer whose learning rate can be changed between steps. */
export interface LoopOptimizer {
  readonly optimizer: tf.Optimizer;
  /** Takes effect from the next step. */
  setLearningRate(rate: number): void;
  /** Frees all of the optimizer's tensors. */
  dispose(): void;
}

/**
 * Adam (tfjs defaults beta1 0.9, beta2 0.999) or SGD with `momentum` (`tf.train.momentum`; momentum 0 is
 * plain SGD) at learning rate `rate`. The caller disposes it with `dispose()`.
 */
export function createLoopOptimizer(settings: Pick<TrainSettings, 'optimizer' | 'momentum'>, rate: number): LoopOptimizer {
  if (settings.optimizer === 'sgd') {
    const sgd = tf.train.momentum(rate, settings.momentum);
    return {
      optimizer: sgd,
      // SGD caches -rate as a scalar tensor; setLearningRate replaces it.
      setLearningRate: (r) => sgd.setLearningRate(r),
      // MomentumOptimizer.dispose frees its accumulators but not that scalar (tfjs 4.22); SGD's dispose does.
      dispose: () => {
        sgd.dispose();
        tf.SGDOptimizer.prototype.dispose.call(sgd);
      },
    };
  }
  const adam = tf.train.adam(rate);
  return {
    optimizer: adam,
    // Adam has no setter, but reads its protected `learningRate` number on every step.
    setLearningRate: (r) => {
      (adam as unknown as { learningRate: number }).learningRate = r;
    },
    dispose: () => adam.dispose(),
  };
}
