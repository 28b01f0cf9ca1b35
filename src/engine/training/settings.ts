/** Hyper-parameters of one training run. The engine reads these and nothing else (no DOM, no globals). */
import type { AugmentSettings } from '../../data/images';
import { DEFAULT_AUGMENT } from '../../data/images';
import { DEFAULT_PHOTO_FIT } from '../../data/images';
import type { PhotoFit } from '../../data/images';

/** How the learning rate changes over the epochs of a stage. */
export type LearningRateSchedule =
  /** Constant. */
  | 'constant'
  /** Halved when the validation loss has not improved for 2 epochs (never below 1% of the start). */
  | 'plateau'
  /** Cosine decay from the stage's learning rate to 1% of it over the stage's epochs. */
  | 'cosine';

/** `auto`: weights inversely proportional to class frequency when the classes are imbalanced (largest over 1.5 times the smallest), else none. */
export type ClassWeighting = 'auto' | 'balanced' | 'none';

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
  readonly optimizer: 'adam' | 'sgd';
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
}

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
};
