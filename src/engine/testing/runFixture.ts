/**
 * Node-only fixture of the whole-run tests (`run*.test.ts`): a mini hymenoptera dataset (8 training and 4
 * validation photos per class), its photo reader, the run's dependencies on the local backbones, and the
 * check that the fused model predicts what the report says. Uses `node:fs` and vitest's `expect`.
 */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'vitest';
import type { Dataset, DatasetItem } from '../../core/types';
import type { AugmentParams } from '../../data/images';
import { classifyPixels, loadClassifier } from '../model/classifierModel';
import type { StudioReport } from '../evaluation/report';
import type { TrainEvent } from '../training/events';
import type { RunDeps } from '../training/run';
import { DEFAULT_SETTINGS } from '../training/settings';
import { CLASSES, datasetItems, loadLocalBackbone, photos, readPhoto } from './trainedClassifier';

export const BACKBONE_ID = 'mobilenet_v1_0.25_224';
export const SCRATCH_ID = 'scratch_cnn_64';

/** Six epochs of a head on MobileNet v1 0.25, no augmentation, no early stopping. */
export const RUN_SETTINGS = {
  ...DEFAULT_SETTINGS, backboneId: BACKBONE_ID, epochs: 6, batchSize: 8, embedBatchSize: 8, augmentViews: 0, earlyStopping: false,
};

/** The first 8 training and 4 validation photos of each class, as dataset items. */
export const TRAIN_ITEMS = datasetItems(photos('train', 8), 'train', 0);
export const VAL_ITEMS = datasetItems(photos('val', 4), 'val', 100);
export const MINI_DATASET: Dataset = { name: 'hymenoptera-mini', layout: 'split-folders', classes: [...CLASSES], items: [...TRAIN_ITEMS, ...VAL_ITEMS], skipped: [] };

/**
 * A photo of the dataset as `sizePx`² RGB bytes (see `readPhoto`). Of an augmentation only the flip is
 * applied here (the canvas does the rest in the browser); the views still differ, which is what these tests need.
 */
export function readJpeg(item: DatasetItem, sizePx: number, params: AugmentParams | null = null): Promise<Uint8Array> {
  const rgb = readPhoto(item.path, sizePx);
  if (!params?.flip) return Promise.resolve(rgb);
  const flipped = new Uint8Array(rgb.length);
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) flipped.set(rgb.subarray((y * sizePx + x) * 3, (y * sizePx + x) * 3 + 3), (y * sizePx + sizePx - 1 - x) * 3);
  }
  return Promise.resolve(flipped);
}

/** The run's dependencies: local backbones, `readJpeg`, and every event pushed onto `events`. */
export function deps(events: TrainEvent[], overrides: Partial<RunDeps> = {}): RunDeps {
  return {
    loadBackbone: loadLocalBackbone,
    readImage: readJpeg,
    onEvent: (event) => events.push(event),
    ...overrides,
  };
}

/** The event types that end a run. */
export const TERMINAL = new Set(['done', 'stopped', 'error']);

/**
 * The `done` event's fused model, loaded as a LayersModel and fed the held-out photos as pixels, predicts
 * what the run reported for each of them: the same class, the same confidence (float error aside). This
 * is the model export, prediction and the webcam use, so it must be the model the report describes.
 */
export async function expectModelMatchesReport(events: readonly TrainEvent[], report: StudioReport | null): Promise<void> {
  const done = events.at(-1);
  if (done?.type !== 'done' || !report) throw new Error('the run did not end with done');
  expect(done.model).not.toBeNull();
  if (!done.model) return;
  expect(done.model.labels).toEqual(MINI_DATASET.classes);
  const tensorsBefore = tf.memory().numTensors;
  const model = await loadClassifier(done.model);
  const size = done.model.imageSizePx;
  for (const prediction of report.predictions) {
    const item = MINI_DATASET.items.find((i) => i.path === prediction.file) as DatasetItem;
    const pixels = tf.tensor4d(await readJpeg(item, size), [1, size, size, 3], 'int32');
    const probabilities = classifyPixels(model, pixels);
    const scores = Array.from(probabilities.dataSync());
    tf.dispose([pixels, probabilities]);
    const best = scores.indexOf(Math.max(...scores));
    expect(MINI_DATASET.classes[best]).toBe(prediction.predictedClass);
    expect(Math.abs((scores[best] as number) - prediction.confidence)).toBeLessThan(1e-4);
  }
  model.dispose();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
}
