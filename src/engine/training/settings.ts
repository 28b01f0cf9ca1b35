/**
 * Hyper-parameters of one training run and the one table of what each may be: the choices of every
 * enumerated setting, and for every number what the settings form offers, what the training loop accepts
 * and what a saved project may hold. The engine reads these and nothing else (no DOM, no globals); the
 * project check (state) and the settings form (ui) read the same table.
 */
import type { AugmentSettings } from '../../data/images';
import { DEFAULT_AUGMENT } from '../../data/images';
import { DEFAULT_PHOTO_FIT, PHOTO_FITS } from '../../data/images';
import type { PhotoFit } from '../../data/images';

/**
 * How the learning rate changes over the epochs of a stage. `constant`; `plateau`: halved when the
 * validation loss has not improved for 2 epochs (never below 1% of the start); `cosine`: cosine decay from
 * the stage's learning rate to 1% of it over the stage's epochs.
 */
export const LEARNING_RATE_SCHEDULES = ['constant', 'plateau', 'cosine'] as const;
/** One of `LEARNING_RATE_SCHEDULES`. */
export type LearningRateSchedule = (typeof LEARNING_RATE_SCHEDULES)[number];

/**
 * How classes are weighted in the loss. `auto`: weights inversely proportional to class frequency when the
 * classes are imbalanced (largest over 1.5 times the smallest), else none; `balanced`: always; `none`: never.
 */
export const CLASS_WEIGHTINGS = ['auto', 'balanced', 'none'] as const;
/** One of `CLASS_WEIGHTINGS`. */
export type ClassWeighting = (typeof CLASS_WEIGHTINGS)[number];

/** The optimizers of the training loop: Adam, or SGD with momentum. */
export const OPTIMIZERS = ['adam', 'sgd'] as const;
/** One of `OPTIMIZERS`. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Every setting of a run; `DEFAULT_SETTINGS` holds the defaults, `NUMBER_SETTINGS` the numbers' bounds. */
export interface TrainSettings {
  /** Backbone catalog id, e.g. `mobilenet_v2_1.0_224`. */
  readonly backboneId: string;
  /**
   * Height and width of the images the backbone is fed, one of its entry's `inputSizes` (MobileNet: 160, 192
   * or 224); null takes the backbone's own size. Smaller is faster and lighter, and usually a little less accurate.
   */
  readonly inputSizePx: number | null;
  /** Stage 1 (head on frozen features): passes over the training split. */
  readonly epochs: number;
  readonly batchSize: number;
  /** Stage 1 learning rate. */
  readonly learningRate: number;
  readonly optimizer: OptimizerName;
  /** Momentum of SGD (ignored by Adam), in [0, 1). */
  readonly momentum: number;
  readonly schedule: LearningRateSchedule;
  /** Units of the head's hidden dense ReLU layer; 0 means no hidden layer (a linear softmax head). */
  readonly hiddenUnits: number;
  /** Dropout rate after the hidden layer, in [0, 1). */
  readonly dropout: number;
  /** Batch normalisation after the hidden layer. */
  readonly batchNorm: boolean;
  /** L2 penalty on the head's kernels (loss += l2 * sum of squares), >= 0. */
  readonly l2: number;
  /** Label smoothing epsilon in [0, 1): targets become (1 - e) * onehot + e / classes. */
  readonly labelSmoothing: number;
  /**
   * Share of the known validation images the "unknown" answer may reject, in [0, 0.5]: the calibrated
   * confidence threshold is chosen on validation so that at most this share falls under it (0: never unknown).
   */
  readonly unknownRejectRate: number;
  readonly classWeighting: ClassWeighting;
  /** Stop a stage when the validation loss has not improved for `patience` epochs, and restore its best epoch. */
  readonly earlyStopping: boolean;
  readonly patience: number;
  /** Fraction of each class's training images moved to validation when the folder has no validation split. */
  readonly valFraction: number;
  /** Seeds the split, the shuffles, the augmentation and the initial weights. */
  readonly seed: number;
  /** Images per forward pass when computing embeddings. */
  readonly embedBatchSize: number;
  /**
   * Augmented views computed (and cached) per training image, besides the plain centre crop; 0 trains on
   * the centre crop only. Validation and test images are never augmented.
   */
  readonly augmentViews: number;
  readonly augment: AugmentSettings;
  /**
   * How photos that are not square become the backbone's square input, for every image of every split and
   * every augmented view (whose random crops are taken within the fitted square): `crop` the centre square,
   * `letterbox` the whole photo scaled to fit and padded with mid grey, `squash` the whole photo resized
   * ignoring its aspect. Checked by `checkPhotoFit` (src/data/photoFit.ts) when a run starts.
   */
  readonly photoFit: PhotoFit;
  /** Stage 2: fine-tune the top blocks of the backbone after stage 1. */
  readonly fineTune: boolean;
  /** Blocks unfrozen in stage 2, counted from the top; null takes the backbone's default. */
  readonly fineTuneBlocks: number | null;
  readonly fineTuneEpochs: number;
  readonly fineTuneLearningRate: number;
  /**
   * Before stage 1, search the head's learning rate, dropout, label smoothing and hidden units by successive
   * halving on the cached features, judged on validation (never on test); the run then trains with the best.
   */
  readonly searchSettings: boolean;
  /**
   * Test-time augmentation: held-out images are also embedded flipped and cropped (`TTA_VIEWS`), and the
   * report gives each split's accuracy with the views' probabilities averaged beside the plain one.
   */
  readonly testTimeAugmentation: boolean;
}

/** The settings of a new project; a saved project's missing settings take these. */
export const DEFAULT_SETTINGS: TrainSettings = {
  backboneId: 'mobilenet_v2_1.0_224',
  inputSizePx: null,
  epochs: 20,
  batchSize: 32,
  learningRate: 1e-3,
  optimizer: 'adam',
  momentum: 0.9,
  schedule: 'constant',
  hiddenUnits: 128,
  dropout: 0.3,
  batchNorm: false,
  l2: 0,
  labelSmoothing: 0,
  unknownRejectRate: 0.05,
  classWeighting: 'auto',
  earlyStopping: true,
  patience: 5,
  valFraction: 0.15,
  seed: 42,
  embedBatchSize: 16,
  augmentViews: 2,
  augment: DEFAULT_AUGMENT,
  photoFit: DEFAULT_PHOTO_FIT,
  fineTune: false,
  fineTuneBlocks: null,
  fineTuneEpochs: 5,
  fineTuneLearningRate: 1e-4,
  searchSettings: false,
  testTimeAugmentation: false,
};

/** The enumerated settings and the values each may take, in the order the form lists them. */
export const SETTING_CHOICES = {
  optimizer: OPTIMIZERS,
  schedule: LEARNING_RATE_SCHEDULES,
  classWeighting: CLASS_WEIGHTINGS,
  photoFit: PHOTO_FITS,
} as const satisfies { readonly [K in keyof TrainSettings]?: readonly TrainSettings[K][] };

/** Bounds of a number: [min, max], with an end left out where `minOpen` / `maxOpen`. */
export interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly minOpen?: boolean;
  readonly maxOpen?: boolean;
}

/** A number input of the settings form: its bounds and step (1 when absent). */
export interface NumberFieldBounds {
  readonly min: number;
  readonly max: number;
  readonly step?: number;
}

/** What the studio allows of one numeric setting, by who asks. */
export interface NumberSettingSpec {
  /** Whole numbers only. */
  readonly integer: boolean;
  /** Null is allowed: the run then takes the backbone's own value (its input size, its default blocks). */
  readonly nullable?: boolean;
  /** What the training loop accepts (it throws otherwise); absent where the loop does not read it. */
  readonly loop?: NumberRange;
  /** The whole numbers a saved project may hold; absent: any finite number. */
  readonly saved?: { readonly min: number; readonly max: number };
  /**
   * The settings form's field; absent where the form has none. For `fineTuneBlocks` the form lowers `max`
   * to the chosen backbone's number of cut points.
   */
  readonly field?: NumberFieldBounds;
}

/** The settings that hold a number (or null). */
export type NumberSettingKey = { [K in keyof TrainSettings]-?: TrainSettings[K] extends number | null ? K : never }[keyof TrainSettings];

const SAVED_COUNT = { min: 0, max: 100_000 } as const;

/**
 * Every numeric setting. The checks report problems in this order (the loop's and the project's checks
 * name the first, or all, in table order).
 */
export const NUMBER_SETTINGS = {
  epochs: { integer: true, loop: { min: 0, max: Infinity }, saved: SAVED_COUNT, field: { min: 1, max: 500 } },
  batchSize: { integer: true, loop: { min: 1, max: Infinity }, saved: SAVED_COUNT, field: { min: 1, max: 512 } },
  embedBatchSize: { integer: true, saved: SAVED_COUNT },
  learningRate: { integer: false, loop: { min: 0, max: Infinity, minOpen: true }, field: { min: 1e-6, max: 1, step: 0.0001 } },
  labelSmoothing: { integer: false, loop: { min: 0, max: 1, maxOpen: true }, field: { min: 0, max: 0.5, step: 0.05 } },
  unknownRejectRate: { integer: false, field: { min: 0, max: 0.5, step: 0.01 } },
  momentum: { integer: false, loop: { min: 0, max: 1, maxOpen: true }, field: { min: 0, max: 0.999, step: 0.05 } },
  augmentViews: { integer: true, saved: SAVED_COUNT, field: { min: 0, max: 10 } },
  patience: { integer: true, loop: { min: 0, max: Infinity }, saved: SAVED_COUNT, field: { min: 1, max: 100 } },
  fineTuneEpochs: { integer: true, saved: SAVED_COUNT, field: { min: 1, max: 200 } },
  hiddenUnits: { integer: true, saved: SAVED_COUNT, field: { min: 0, max: 2048 } },
  dropout: { integer: false, field: { min: 0, max: 0.9, step: 0.05 } },
  l2: { integer: false, field: { min: 0, max: 1, step: 0.0001 } },
  seed: { integer: true, field: { min: 0, max: 2 ** 31 - 1 } },
  valFraction: { integer: false },
  inputSizePx: { integer: true, nullable: true, saved: { min: 16, max: 4096 } },
  fineTuneBlocks: { integer: true, nullable: true, saved: { min: 1, max: 1000 }, field: { min: 1, max: 1000 } },
  fineTuneLearningRate: { integer: false, field: { min: 1e-7, max: 0.1, step: 0.00001 } },
} as const satisfies Readonly<Record<NumberSettingKey, NumberSettingSpec>>;

/** The settings the training loop checks (those with a `loop` range in `NUMBER_SETTINGS`). */
export type LoopCheckedSetting = {
  [K in NumberSettingKey]: (typeof NUMBER_SETTINGS)[K] extends { readonly loop: NumberRange } ? K : never;
}[NumberSettingKey];

/** The augmentation settings that hold a number. */
export type AugmentNumberKey = { [K in keyof AugmentSettings]-?: AugmentSettings[K] extends number ? K : never }[keyof AugmentSettings];

/** The settings form's fields of the augmentation's numbers (a saved project may hold any number there). */
export const AUGMENT_FIELDS: Readonly<Record<AugmentNumberKey, NumberFieldBounds>> = {
  cropScaleMin: { min: 0.1, max: 1, step: 0.05 },
  rotationDeg: { min: 0, max: 45 },
  brightness: { min: 0, max: 0.9, step: 0.05 },
  contrast: { min: 0, max: 0.9, step: 0.05 },
  saturation: { min: 0, max: 0.9, step: 0.05 },
};

/** Whether `value` lies in `range` (as a whole number when `integer`); false for NaN. */
export function inRange(value: number, range: NumberRange, integer: boolean): boolean {
  if (integer && !Number.isInteger(value)) return false;
  const aboveMin = range.minOpen ? value > range.min : value >= range.min;
  const belowMax = range.maxOpen ? value < range.max : value <= range.max;
  return aboveMin && belowMax;
}

/** The form's bounds of a numeric setting that has a field (see `NumberSettingSpec.field`). */
export function settingField(key: NumberSettingKey): NumberFieldBounds {
  const spec: NumberSettingSpec = NUMBER_SETTINGS[key];
  const field = spec.field;
  if (!field) throw new Error(`settings: ${key} has no form field`);
  return field;
}
