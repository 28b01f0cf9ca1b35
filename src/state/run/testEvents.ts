/**
 * Training events for the state tests, each a whole object of its real type (no casts), so the reducer and
 * the session run on the fields the worker sends. Test-only: nothing in the app imports this file.
 */
import type { Evaluation, StudioReport } from '../../engine/evaluation';
import type { EpochMetrics, PackedCheckpoint, RunPlan, TrainResponse } from '../../engine/training';
import { DEFAULT_SETTINGS } from '../../engine/training';

/** A `batchEnd` event. */
export type BatchEndEvent = Extract<TrainResponse, { type: 'batchEnd' }>;
/** An `epochEnd` event. */
export type EpochEndEvent = Extract<TrainResponse, { type: 'epochEnd' }>;

/** A plan of `stage1Epochs` head epochs and `stage2Epochs` fine-tuning epochs, one view per image, no class weights. */
export function testPlan(stage1Epochs: number, stage2Epochs: number): RunPlan {
  return {
    stage1Epochs, stage2Epochs, fineTune: stage2Epochs > 0 ? { blocks: 1, cutName: 'block_12', activationShape: [7, 7, 256] } : null,
    viewsPerImage: 1, classWeights: null, classWeightsReason: 'off', memory: { estimatedBytes: 1000, budgetBytes: 2000, note: null },
  };
}

/**
 * The `batchEnd` of batch `batch` (1-based, of 4) of `epoch`, in a stage 1 of 10 epochs unless `patch` says
 * otherwise; loss `1 / (4 * epoch + batch - 1)`, 100 images per second, 10 ms into the stage.
 */
export function batchEnd(epoch: number, batch: number, patch: Partial<BatchEndEvent> = {}): BatchEndEvent {
  return {
    type: 'batchEnd', epoch, batch, batchesPerEpoch: 4, epochs: 10, loss: 1 / (epoch * 4 + batch - 1), imagesPerSecond: 100,
    elapsedMs: 10, stage: 1, firstEpoch: 1, ...patch,
  };
}

/** The metrics of `epoch` of stage `stage`, `elapsedMs` into its stage. */
export function epochMetrics(epoch: number, stage: 1 | 2, elapsedMs: number): EpochMetrics {
  return { epoch, loss: 1 / epoch, accuracy: 0.5, valLoss: 1.1 / epoch, valAccuracy: 0.5, elapsedMs, learningRate: 0.001, stage };
}

/** The `epochEnd` of `epoch` of stage `stage`, `elapsedMs` into its stage. */
export function epochEnd(epoch: number, stage: 1 | 2, elapsedMs: number): EpochEndEvent {
  return { type: 'epochEnd', ...epochMetrics(epoch, stage, elapsedMs) };
}

/** A stage 1 checkpoint after `epochs` epochs, with no tensors (the state code never reads them). */
export function testCheckpoint(epochs: number): PackedCheckpoint {
  const history = Array.from({ length: epochs }, (_, i) => epochMetrics(i + 1, 1, 100 * (i + 1)));
  return {
    format: 'fine-tune-studio/checkpoint@1', stage: 1, history, stages: [], trainMs: 0,
    loop: {
      epochsDone: epochs, history, weights: [], optimizer: [], elapsedMs: 100 * epochs, samplesSeen: 40 * epochs,
      best: { epoch: epochs, valLoss: 0.5, epochsSinceBest: 0, changed: true, weights: [] },
    },
  };
}

const evaluation: Evaluation = {
  split: 'val', accuracy: 1, confusionMatrix: [[1, 0], [0, 1]],
  perClass: [{ class: 'cat', precision: 1, recall: 1, f1: 1, support: 1 }, { class: 'dog', precision: 1, recall: 1, f1: 1, support: 1 }],
  macroAvg: { precision: 1, recall: 1, f1: 1, support: 2 }, weightedAvg: { precision: 1, recall: 1, f1: 1, support: 2 },
};

/** The report of a one-epoch run on two classes, one validation image each, both right. */
export function testReport(): StudioReport {
  const history = [epochMetrics(1, 1, 12)];
  return {
    version: 1, backbone: 'mobilenet_v1_0.25_224', backend: 'wasm', backends: { embed: 'wasm', fineTune: null }, classes: ['cat', 'dog'],
    counts: { train: { cat: 2, dog: 2 }, val: { cat: 1, dog: 1 } }, skipped: [], settings: DEFAULT_SETTINGS, plan: testPlan(1, 0), history,
    stages: [{ stage: 1, epochs: 1, bestEpoch: 1, restoredBest: false, stoppedEarly: false, backend: null }], stoppedByUser: false,
    evaluation, evaluations: [evaluation], timings: { ingestMs: 1, embedMs: 2, trainMs: 3, fineTuneMs: 0, totalMs: 6 },
    embedImagesPerSecond: 10, cacheBytes: 100, createdAt: '2026-11-23T00:00:00.000Z',
    predictions: [
      { file: 'pets/cat/3.jpg', split: 'val', trueClass: 'cat', predictedClass: 'cat', confidence: 0.9 },
      { file: 'pets/dog/3.jpg', split: 'val', trueClass: 'dog', predictedClass: 'dog', confidence: 0.8 },
    ],
    mistakes: { val: [] },
  };
}
