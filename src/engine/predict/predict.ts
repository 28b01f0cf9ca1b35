/**
 * Classifying new images with a trained (or imported) classifier: pixels in, the top classes out. Plain
 * TypeScript over tfjs, used by the prediction worker (`predict.worker.ts`) and by Node tests.
 */
import { calibratedRow, classifyImages, loadClassifier } from '../model/classifierModel';
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
  /**
   * Test-time augmentation: each entry holds the views of one image (as `classify` takes images); its answer
   * ranks the mean of the views' probabilities (the model's own, then calibrated). Leaves no tensors behind.
   */
  classifyViews(views: readonly (readonly Uint8Array[])[], topK?: number): ClassScore[][];
  dispose(): void;
}

/** Loads `model` on the current tfjs backend. */
export async function loadForPrediction(model: ClassifierModel): Promise<LoadedClassifier> {
  const layers = await loadClassifier(model);
  const size = model.imageSizePx;
  const labels = [...model.labels];
  /** The model's own probabilities, before the temperature. */
  const raw = (images: readonly Uint8Array[]): number[][] => classifyImages(layers, images, size);
  const calibrated = (row: readonly number[]): number[] => calibratedRow(row, model.calibration).probabilities;
  const probabilities = (images: readonly Uint8Array[]): number[][] => raw(images).map(calibrated);
  return {
    labels,
    imageSizePx: size,
    classify: (images, topK = labels.length) => probabilities(images).map((row) => rankClasses(labels, row, topK)),
    probabilities,
    // The views' own probabilities are averaged, then calibrated: the class is the report's `ttaAccuracy`'s.
    classifyViews: (views, topK = labels.length) => {
      const rows = raw(views.flat());
      let next = 0;
      return views.map((image) => rankClasses(labels, calibrated(meanRow(rows.slice(next, (next += image.length)), labels.length)), topK));
    },
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

/** The mean of probability rows (all of `classes` values); zeros for none. */
export function meanRow(rows: readonly (readonly number[])[], classes: number): number[] {
  const mean = new Array<number>(classes).fill(0);
  for (const row of rows) for (let c = 0; c < classes; c++) mean[c] = (mean[c] ?? 0) + (row[c] ?? 0) / rows.length;
  return mean;
}
