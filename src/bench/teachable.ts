/**
 * The peer: Teachable Machine's published trainer (`@teachablemachine/image`, `TeachableMobileNet`), run on
 * the page as Teachable Machine runs it: each image is drawn to a 224 px centre-cropped canvas (its own
 * `cropTo`), `addExample` embeds it, `train` fits its head (dense 100 ReLU + softmax, Adam, 15% of the
 * examples held out for its own validation), and `predict` classifies the held-out images.
 *
 * Its base is the studio's own copy of MobileNetV2 0.35 (`/models/mobilenet_v2_0.35_224`), which nests the
 * Keras model inside a pooling wrapper; Teachable Machine's loader wants `out_relu` as a top-level layer, so
 * `prepareTeachableBase` saves the inner model, unchanged, to IndexedDB and the loader reads it from there.
 */
import * as tf from '@tensorflow/tfjs';
import { createTeachable } from '@teachablemachine/image';
import { cropTo } from '@teachablemachine/image/dist/utils/canvas';
import { perSecond } from './timing';
import { watchLongTasks } from './observe';
import type { LongTasks } from './observe';

/** Where the base is saved for Teachable Machine's loader. */
export const TEACHABLE_BASE_URL = 'indexeddb://bench-teachable-mobilenet-v2-0.35';
/** The layer Teachable Machine trains on (its default for MobileNetV2). */
const TRAINING_LAYER = 'out_relu';
const IMAGE_SIZE_PX = 224;

/** Teachable Machine's own training defaults (its web app's "Advanced" panel), except the epochs. */
export const TEACHABLE_DEFAULTS = { denseUnits: 100, batchSize: 16, learningRate: 0.001 } as const;

/** The LayersModel inside `model` (at any depth) that has a layer named `name`, or null. */
function findModelWithLayer(model: tf.LayersModel, name: string): tf.LayersModel | null {
  if (model.layers.some((l) => l.name === name)) return model;
  for (const layer of model.layers) {
    if (layer instanceof tf.LayersModel) {
      const found = findModelWithLayer(layer, name);
      if (found) return found;
    }
  }
  return null;
}

/**
 * Saves the inner Keras MobileNetV2 0.35 of the studio's copy (the model whose last layer is `out_relu`) to
 * `TEACHABLE_BASE_URL`; returns its weight count, to show it is the whole network.
 */
export async function prepareTeachableBase(modelUrl = '/models/mobilenet_v2_0.35_224/model.json'): Promise<{ layers: number; weights: number }> {
  const wrapper = await tf.loadLayersModel(modelUrl);
  try {
    const inner = findModelWithLayer(wrapper, TRAINING_LAYER);
    if (!inner) throw new Error(`${modelUrl} has no layer "${TRAINING_LAYER}" at any depth`);
    await inner.save(TEACHABLE_BASE_URL);
    return { layers: inner.layers.length, weights: inner.weights.length };
  } finally {
    wrapper.dispose();
  }
}

/** One labelled image for Teachable Machine. */
export interface LabelledFile {
  readonly file: Blob;
  readonly classIndex: number;
}

/** What a Teachable Machine run measured. */
export interface TeachableResult {
  readonly examples: number;
  readonly heldOut: number;
  readonly epochs: number;
  /** Loading the base from IndexedDB (`createTeachable`), ms. */
  readonly loadMs: number;
  /** Decoding, cropping and `addExample` (the embedding) of every training image, ms. */
  readonly addExamplesMs: number;
  readonly trainMs: number;
  /** Decoding, cropping and `predict` of every held-out image, ms. */
  readonly predictMs: number;
  /** load + add examples + train: Train to final model, ms. */
  readonly toModelMs: number;
  /** `toModelMs` + the held-out predictions: Train to model and held-out accuracy, ms. */
  readonly totalMs: number;
  readonly examplesPerSecond: number;
  readonly heldOutAccuracy: number;
  /** Its own validation accuracy (15% of the examples) after the last epoch. */
  readonly ownValAccuracy: number | null;
  /** True when Teachable Machine's tensors were counted by the studio's tfjs: one tfjs, one backend. */
  readonly sameTfjs: boolean;
  readonly backend: string;
  readonly longTasks: LongTasks;
}

async function cropped(file: Blob): Promise<HTMLCanvasElement> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    return cropTo(bitmap, IMAGE_SIZE_PX, false);
  } finally {
    bitmap.close();
  }
}

/** What `runTeachable` is given. */
export interface TeachableArgs {
  readonly classes: readonly string[];
  readonly train: readonly LabelledFile[];
  readonly heldOut: readonly LabelledFile[];
  readonly epochs: number;
  readonly seed: string;
}

/**
 * Trains Teachable Machine on `train` for `epochs` and classifies `heldOut`, on the backend already
 * initialised (the caller's `initBackend`), recording the page's long tasks meanwhile.
 * The base must have been saved by `prepareTeachableBase`.
 */
export async function runTeachable(args: TeachableArgs): Promise<TeachableResult> {
  const longTasks = watchLongTasks();
  try {
    const steps = await teachableSteps(args);
    return { ...steps, longTasks: longTasks.stop() };
  } finally {
    longTasks.stop();
  }
}

/** Load, add examples, train, predict: each timed. */
async function teachableSteps(args: TeachableArgs): Promise<Omit<TeachableResult, 'longTasks'>> {
  const tensorsBefore = tf.memory().numTensors;
  const startMs = performance.now();
  const metadata = { tfjsVersion: tf.version.tfjs, packageVersion: '', packageName: '@teachablemachine/image', labels: [...args.classes] };
  const tm = await createTeachable(metadata, { checkpointUrl: TEACHABLE_BASE_URL, trainingLayer: TRAINING_LAYER });
  const loadMs = performance.now() - startMs;
  // Its base's weights counted by the studio's tfjs: both run on one tfjs, on the backend the caller chose.
  const sameTfjs = tf.memory().numTensors > tensorsBefore;
  try {
    tm.setLabels([...args.classes]);
    tm.setSeed(args.seed);
    const addStart = performance.now();
    for (const { file, classIndex } of args.train) await tm.addExample(classIndex, await cropped(file));
    const addExamplesMs = performance.now() - addStart;
    const trainStart = performance.now();
    let ownValAccuracy: number | null = null;
    await tm.train({ ...TEACHABLE_DEFAULTS, epochs: args.epochs }, {
      onEpochEnd: (_epoch: number, logs?: tf.Logs) => {
        ownValAccuracy = logs?.['val_acc'] ?? logs?.['val_accuracy'] ?? ownValAccuracy;
      },
    });
    const trainMs = performance.now() - trainStart;
    const predictStart = performance.now();
    let correct = 0;
    for (const { file, classIndex } of args.heldOut) {
      const probabilities = (await tm.predict(await cropped(file))).map((p) => p.probability);
      if (probabilities.indexOf(Math.max(...probabilities)) === classIndex) correct++;
    }
    const predictMs = performance.now() - predictStart;
    const toModelMs = loadMs + addExamplesMs + trainMs;
    return {
      examples: args.train.length, heldOut: args.heldOut.length, epochs: args.epochs, loadMs, addExamplesMs, trainMs, predictMs,
      toModelMs, totalMs: toModelMs + predictMs, examplesPerSecond: perSecond(args.train.length, addExamplesMs),
      heldOutAccuracy: args.heldOut.length > 0 ? correct / args.heldOut.length : Number.NaN, ownValAccuracy, sameTfjs,
      backend: tf.getBackend(),
    };
  } finally {
    tm.dispose();
  }
}
