/**
 * A tiny fixture for the training loop's tests: three Gaussian blobs in 4-d, a linear softmax classifier on
 * raw variables, and `train`, which runs `trainLoop` on them with a fake clock and counts leaked tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core/rng';
import { tensorData, trainLoop } from '../training/trainLoop';
import type { LoopSettings, TrainLoopArgs, TrainLoopResult } from '../training/trainLoop';
import { gaussianBlobs } from './blobs';
import type { Blobs } from './blobs';

/** Feature length and class count of the blobs. */
export const DIM = 4;
export const CLASSES = 3;

/** Three Gaussian blobs in 4-d (see `gaussianBlobs`); `shift` relabels them. */
export const blobs = (perClass: number, seed: number, shift = 0): Blobs =>
  gaussianBlobs({ perClass, seed, dim: DIM, classes: CLASSES, shift });

/** A linear softmax classifier on raw variables: W [DIM, CLASSES], b [CLASSES], seeded in [-0.5, 0.5). */
export interface Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable;
  forward(x: tf.Tensor, step: { readonly seed: number } | null): tf.Tensor2D;
  dispose(): void;
}

/** A new `Linear` whose weights come from `createRng(seed)`; the caller disposes it. */
export function linear(seed: number): Linear {
  const rng = createRng(seed);
  const make = (shape: number[]): tf.Variable => {
    const init = tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() - 0.5), shape);
    const v = tf.variable(init);
    init.dispose();
    return v;
  };
  const w = make([DIM, CLASSES]);
  const b = make([CLASSES]);
  return { w, b, forward: (x) => tf.softmax(tf.add(tf.matMul(x as tf.Tensor2D, w), b)) as tf.Tensor2D, dispose: () => tf.dispose([w, b]) };
}

/** The loop settings of the fixture's runs (each test overrides what it checks). */
export const SETTINGS: LoopSettings = {
  epochs: 6, batchSize: 8, learningRate: 0.1, optimizer: 'adam', momentum: 0.9, schedule: 'constant',
  labelSmoothing: 0, earlyStopping: false, patience: 2, seed: 5,
};

/** What `train` resolves with. */
export interface Run {
  readonly result: TrainLoopResult;
  readonly model: Linear;
  /** Tensors alive after the loop minus before it (data and model excluded). */
  readonly leaked: number;
}

/** Runs the loop on blobs (10 per class to train, 4 to validate) with a 1-ms-per-read clock. */
export async function train(
  options: { settings?: Partial<LoopSettings>; args?: Partial<TrainLoopArgs>; model?: Linear; trainSet?: Blobs; valSet?: Blobs } = {},
): Promise<Run> {
  const model = options.model ?? linear(1);
  const trainSet = options.trainSet ?? blobs(10, 1);
  const valSet = options.valSet ?? blobs(4, 2);
  const xTrain = tf.tensor2d(trainSet.x, [trainSet.x.length, DIM]);
  const xVal = tf.tensor2d(valSet.x, [valSet.x.length, DIM]);
  const before = tf.memory().numTensors;
  let tick = 0;
  try {
    const result = await trainLoop({
      train: tensorData(xTrain), yTrain: trainSet.y, val: tensorData(xVal), yVal: Int32Array.from(valSet.y),
      numClasses: CLASSES, forward: model.forward, variables: [model.w, model.b], classWeights: null,
      settings: { ...SETTINGS, ...options.settings }, stage: 1, now: () => (tick += 1), ...options.args,
    });
    return { result, model, leaked: tf.memory().numTensors - before };
  } finally {
    tf.dispose([xTrain, xVal]);
  }
}

/** A tensor's values as a plain array (a sync read, fine in the CPU-backend tests). */
export const read = (v: tf.Tensor): number[] => Array.from(v.dataSync());
