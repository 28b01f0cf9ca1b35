/**
 * Classifying new images with a trained (or imported) classifier: pixels in, the top classes out. Plain
 * TypeScript over tfjs, used by the prediction worker (`predict.worker.ts`) and by Node tests.
 */
import * as tf from '@tensorflow/tfjs';
import { calibratedRow, classifyPixels, loadClassifier } from '../model/classifierModel';
import type { ClassifierModel } from '../model/classifierModel';

/** One class and its probability. */
export interface ClassScore {
  readonly label: string;
  /** Softmax probability in [0, 1]. */
  readonly probability: number;
}

/** A loaded classifier. `dispose` frees its weights. */
export interface LoadedClassifier {
  readonly labels: readonly string[];
  readonly imageSizePx: number;
  /**
   * images: `n` RGB byte arrays of `imageSizePx`² pixels (row-major, 0-255). Returns, for each, every class
   * by descending probability (calibrated with the model's temperature when it has one), cut to `topK`
   * (default: all). Leaves no tensors behind.
   */
  classify(images: readonly Uint8Array[], topK?: number): ClassScore[][];
  /** The same images' probabilities of every class, in label order (calibrated as in `classify`). Leaves no tensors behind. */
  probabilities(images: readonly Uint8Array[]): number[][];
  dispose(): void;
}

/** Loads `model` on the current tfjs backend. */
export async function loadForPrediction(model: ClassifierModel): Promise<LoadedClassifier> {
  const layers = await loadClassifier(model);
  const size = model.imageSizePx;
  const labels = [...model.labels];
  const probabilities = (images: readonly Uint8Array[]): number[][] => {
    if (images.length === 0) return [];
    const pixelsPerImage = size * size * 3;
    const batch = new Uint8Array(images.length * pixelsPerImage);
    images.forEach((rgb, i) => {
      if (rgb.length !== pixelsPerImage) throw new Error(`an image has ${rgb.length} bytes, expected ${pixelsPerImage}`);
      batch.set(rgb, i * pixelsPerImage);
    });
    const scores = tf.tidy(() => {
      const pixels = tf.tensor4d(batch, [images.length, size, size, 3], 'int32');
      return classifyPixels(layers, pixels).arraySync();
    });
    return scores.map((row) => calibratedRow(row, model.calibration).probabilities);
  };
  return {
    labels,
    imageSizePx: size,
    classify: (images, topK = labels.length) => probabilities(images).map((row) => rankClasses(labels, row, topK)),
    probabilities,
    dispose: () => layers.dispose(),
  };
}

/** The classes by descending probability (ties keep label order), at most `topK`. */
export function rankClasses(labels: readonly string[], probabilities: readonly number[], topK: number): ClassScore[] {
  return labels
    .map((label, i) => ({ label, probability: probabilities[i] ?? 0 }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, Math.max(1, topK));
}
