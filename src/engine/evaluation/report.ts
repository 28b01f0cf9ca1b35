/**
 * The shapes of a run's held-out evaluation and of its `report.json`: plain types, checked where they are
 * read back by `reportCheck.ts`. The training metrics and plan the report carries come from
 * `training/metrics.ts`, which imports nothing back.
 */
import type { DatasetNote, SkippedFile, SplitCounts, SplitName } from '../../core/types';
import type { BackboneInfo } from '../backbones/backboneInfo';
import type { EpochMetrics, RunPlan } from '../training/metrics';
import type { TrainSettings } from '../training/settings';
import type { SplitCalibration } from './calibration';
import type { LabelIssue, LabelIssuesMethod } from '../labels';
import type { SettingsSearchResult } from '../search/searchTypes';
import type { TestTimeAugmentation } from '../features/tta';

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
  /**
   * Accuracy with test-time augmentation (the class probabilities averaged over the plain view and the run's
   * `testTimeAugmentation.views`), when the run asked for it. Added in format version 1 without a bump.
   */
  readonly ttaAccuracy?: number;
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
  /** Running every image (and view) through the frozen backbone. */
  readonly embedMs: number;
  /** Stage 1 (the head). */
  readonly trainMs: number;
  /** Stage 2 (top blocks + head); 0 without stage 2. */
  readonly fineTuneMs: number;
  readonly totalMs: number;
}

/**
 * Where a run's time went (ms), measured in the training worker, in the order the run does it. The image
 * workers' busy time (`imageDecodeMs`, `imageDrawMs`) overlaps the feature extraction: the extraction only
 * waits for them for `waitForImagesMs` of its `featuresMs + waitForImagesMs`.
 */
export interface RunProfile {
  /** From the worker's creation to its start message: fetching and compiling its code. */
  readonly workerStartMs: number;
  /** Starting the tfjs backend: the WASM binary and its threads, or the GPU device. */
  readonly backendMs: number;
  /** WASM compute threads (1 on the other backends). */
  readonly wasmThreads: number;
  /** Loading the backbone's weights (and warming it up). */
  readonly backboneMs: number;
  /** Feature extraction: the backbone's compute (pixels in, features and activations out). */
  readonly featuresMs: number;
  /** Feature extraction: waiting for decoded images. */
  readonly waitForImagesMs: number;
  /** Feature rows taken from earlier runs (same files, backbone, input size, photo fit and views) instead of computed. */
  readonly featureRowsFromEarlierRuns?: number;
  /** Image workers the run decoded in, photos decoded and views drawn (a photo is decoded once for all its views). */
  readonly imageWorkers: number;
  readonly photosDecoded: number;
  readonly viewsDrawn: number;
  /** Busy time of the image workers, summed: decoding files, and drawing views (resize, crop, flips, colour). */
  readonly imageDecodeMs: number;
  readonly imageDrawMs: number;
  /** Stage 1 and stage 2, checkpoints included (`timings.trainMs`, `timings.fineTuneMs`). */
  readonly headMs: number;
  readonly fineTuneMs: number;
  /** Of those: taking each epoch's checkpoint and handing it to the page, which saves it. */
  readonly checkpointMs: number;
  /** Evaluating the held-out splits (from the cached rows). */
  readonly evaluateMs: number;
  /** Making the trained backbone and head one model and serialising it for the page. */
  readonly fuseMs: number;
  /** Tensors the run left behind (0: none leaked). */
  readonly tensorsLeaked: number;
}

/** How one training stage went. */
export interface StageSummary {
  readonly stage: 1 | 2;
  /** Epochs completed. */
  readonly epochs: number;
  /** Epoch (run numbering) with the lowest validation loss, or null when none completed. */
  readonly bestEpoch: number | null;
  /** Whether the stage ended on its best epoch's weights (early stopping, or a stop by the user). */
  readonly restoredBest: boolean;
  /** Whether early stopping ended the stage before its last epoch. */
  readonly stoppedEarly: boolean;
  /** Backend stage 2 ran on (null for stage 1, which runs where the features were computed). */
  readonly backend: string | null;
}

/**
 * `report.json`, format version 1 (documented in the README). Later versions may add fields; these keep
 * their names and meaning.
 */
export interface StudioReport {
  readonly version: 1;
  /** Backbone catalog id. */
  readonly backbone: string;
  /**
   * What the backbone was: its format, where it was loaded from (for a model of the user's own, its files or
   * URL), the feature node or layer, input scaling and size, and the feature length. Added in format
   * version 1 without a bump; absent in older reports.
   */
  readonly backboneInfo?: BackboneInfo;
  /** tfjs backend the run used (e.g. `wasm`, `webgpu`). */
  readonly backend: string;
  /** Backend per part of the run: features, and stage 2 (null without it). */
  readonly backends: { readonly embed: string; readonly fineTune: string | null };
  readonly classes: readonly string[];
  readonly counts: SplitCounts;
  readonly skipped: readonly SkippedFile[];
  /**
   * The dataset notes that said the folder may have been read wrongly (`readingWarnings`: class names like
   * splits, repeated sub-folders, an unused label file that disagrees, a class spanning split folders); empty
   * when the reading was not in doubt. Added in format version 1 without a bump; absent in older reports.
   */
  readonly readingWarnings?: readonly DatasetNote[];
  /**
   * Every note the studio made about the dataset before training (`rows-without-image` for label-file rows
   * naming missing files, duplicates, imbalance, the reading warnings above...). Added in format version 1
   * without a bump; absent in older reports.
   */
  readonly datasetNotes?: readonly DatasetNote[];
  /** Images the dataset left unlabelled (not trained on). Added in format version 1 without a bump. */
  readonly unlabelledImages?: number;
  /**
   * What says the run went wrong (see `runWarnings`): a diverged loss, a collapsed model, a validation split
   * too small to judge by; empty when nothing did. Added in format version 1 without a bump; absent in older reports.
   */
  readonly runWarnings?: readonly RunWarning[];
  /**
   * Temperature scaling fitted on `val` and measured on each held-out split (ECE and reliability before and
   * after); absent when the validation split has too few images to fit it.
   */
  readonly calibration?: readonly SplitCalibration[];
  /** Calibrated confidence under which Predict and Webcam answer "unknown" (0: never), chosen on `val` for `settings.unknownRejectRate`. */
  readonly unknownThreshold?: number;
  /**
   * Images whose label looks wrong, most suspect first, judged by heads that never saw them (see
   * `engine/labels`). Added in format version 1 without a bump; absent in older reports.
   */
  readonly labelIssues?: readonly LabelIssue[];
  /** How `labelIssues` was found: method, folds, images judged, per-class thresholds, and why some were not. */
  readonly labelIssuesMethod?: LabelIssuesMethod;
  /** The settings the run trained with (with `searchSettings`, the search's best head settings in place of the asked ones). */
  readonly settings: TrainSettings;
  /**
   * The settings search, when `settings.searchSettings` asked for one: every trial on validation and the best,
   * whose values `settings` holds. Added in format version 1 without a bump.
   */
  readonly settingsSearch?: SettingsSearchResult;
  /** What test-time augmentation did, when `settings.testTimeAugmentation` asked for it. Added in format version 1 without a bump. */
  readonly testTimeAugmentation?: TestTimeAugmentation;
  /** Stages, epochs, views, fine-tuned blocks and class weights as the run planned them. */
  readonly plan: RunPlan;
  /** Every epoch of both stages in order; `stage` marks which. */
  readonly history: readonly EpochMetrics[];
  readonly stages: readonly StageSummary[];
  /** True when the user stopped training: the model is the best one so far. */
  readonly stoppedByUser: boolean;
  /** The held-out evaluation: the `test` split when the dataset has one, else `val`. */
  readonly evaluation: Evaluation;
  /** Every split evaluated (`val`, and `test` when present). */
  readonly evaluations: readonly Evaluation[];
  readonly timings: RunTimings;
  /** Where the time went, phase by phase (see `RunProfile`). Added in format version 1 without a bump; absent in older reports. */
  readonly profile?: RunProfile;
  /** Embedding throughput of the run (images or views per second). */
  readonly embedImagesPerSecond: number;
  /** Bytes of cached features and activations. */
  readonly cacheBytes: number;
  readonly createdAt: string;
  /** Every held-out image (`val`, then `test`), in dataset order. Added in format version 1 without a bump. */
  readonly predictions: readonly Prediction[];
  /** Per held-out split, the misclassified files, most confident first. */
  readonly mistakes: MistakesBySplit;
}

/** The kinds of run warning (see `runWarnings`), in the order they are listed. */
export type RunWarningCode = 'loss-diverged' | 'model-collapsed' | 'validation-too-small';

/** One thing that went wrong with a run, and what to do about it. */
export interface RunWarning {
  readonly code: RunWarningCode;
  readonly message: string;
}
