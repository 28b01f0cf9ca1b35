import type { SkippedFile, SplitCounts, SplitName } from '../core/types';
import type { EpochMetrics } from './events';
import type { TrainSettings } from './settings';

/** Precision, recall and F1 of one class. `precision` is null when the class was never predicted. */
export interface ClassMetrics {
  readonly class: string;
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  readonly support: number;
}

/** Averages over classes, as scikit-learn's classification report gives them. */
export interface AveragedMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** The evaluation of a model on one split. `confusionMatrix[t][p]` counts true class t predicted as p. */
export interface Evaluation {
  readonly split: SplitName;
  readonly accuracy: number;
  readonly confusionMatrix: number[][];
  readonly perClass: ClassMetrics[];
  readonly macroAvg: AveragedMetrics;
  readonly weightedAvg: AveragedMetrics;
}

/** The head's answer for one held-out image. */
export interface Prediction {
  /** Path relative to the chosen folder, as in `skipped`. */
  readonly file: string;
  readonly split: SplitName;
  readonly trueClass: string;
  readonly predictedClass: string;
  /** Softmax probability of `predictedClass`, in [0, 1]. */
  readonly confidence: number;
}

/** Per held-out split, the files predicted wrongly, most confident first. */
export type MistakesBySplit = Partial<Record<SplitName, string[]>>;

/** Wall-clock times of a run, in milliseconds. */
export interface RunTimings {
  readonly ingestMs: number;
  readonly embedMs: number;
  readonly trainMs: number;
  readonly totalMs: number;
}

/**
 * `report.json`, format version 1 (documented in the README). Later versions may add fields; these keep
 * their names and meaning.
 */
export interface StudioReport {
  readonly version: 1;
  /** Backbone catalog id. */
  readonly backbone: string;
  /** tfjs backend the run used (e.g. `wasm`, `webgpu`). */
  readonly backend: string;
  readonly classes: readonly string[];
  readonly counts: SplitCounts;
  readonly skipped: readonly SkippedFile[];
  readonly settings: TrainSettings;
  readonly history: readonly EpochMetrics[];
  /** The held-out evaluation: the `test` split when the dataset has one, else `val`. */
  readonly evaluation: Evaluation;
  /** Every split evaluated (`val`, and `test` when present). */
  readonly evaluations: readonly Evaluation[];
  readonly timings: RunTimings;
  /** Embedding throughput of the run (images per second). */
  readonly embedImagesPerSecond: number;
  readonly createdAt: string;
  /** Every held-out image (`val`, then `test`), in dataset order. Added in format version 1 without a bump. */
  readonly predictions: readonly Prediction[];
  /** Per held-out split, the misclassified files, most confident first. */
  readonly mistakes: MistakesBySplit;
}
