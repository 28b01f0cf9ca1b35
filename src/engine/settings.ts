/** Hyper-parameters of one training run. The engine reads these and nothing else (no DOM, no globals). */
export interface TrainSettings {
  /** Backbone catalog id, e.g. `mobilenet_v2_1.0_224`. */
  readonly backboneId: string;
  /** Passes over the training split. */
  readonly epochs: number;
  readonly batchSize: number;
  /** Adam learning rate. */
  readonly learningRate: number;
  /** Units of the head's hidden dense ReLU layer. */
  readonly hiddenUnits: number;
  /** Dropout rate after the hidden layer, in [0, 1). */
  readonly dropout: number;
  /** Fraction of each class's training images moved to validation when the folder has no validation split. */
  readonly valFraction: number;
  /** Seeds the split, the shuffles and the initial weights. */
  readonly seed: number;
  /** Images per forward pass when computing embeddings. */
  readonly embedBatchSize: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  backboneId: 'mobilenet_v2_1.0_224',
  epochs: 20,
  batchSize: 32,
  learningRate: 1e-3,
  hiddenUnits: 128,
  dropout: 0.3,
  valFraction: 0.15,
  seed: 42,
  embedBatchSize: 16,
};
