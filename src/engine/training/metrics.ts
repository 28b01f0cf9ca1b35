/**
 * What training measures and plans: per-epoch and per-batch metrics and the plan of a run. Plain types that
 * a run's events, its checkpoints and its report all carry; kept apart from `events.ts` so the report can
 * import them without importing the events (which carry the report).
 */

/** What a run is about to do, sent once the backbone is loaded and the data is known. */
export interface RunPlan {
  /** Epochs planned for stage 1 (0 when the backbone is trained from scratch and only stage 2 runs). */
  readonly stage1Epochs: number;
  /** Epochs planned for stage 2 (0 when there is no stage 2). */
  readonly stage2Epochs: number;
  /** Top blocks unfrozen in stage 2 and the layer/node the backbone is cut at, or null. */
  readonly fineTune: { readonly blocks: number; readonly cutName: string; readonly activationShape: readonly number[] } | null;
  /** Training views per image (the centre crop plus the augmented views). */
  readonly viewsPerImage: number;
  /** Per-class loss weights in class order, or null when none are used; `reason` says why. */
  readonly classWeights: readonly number[] | null;
  readonly classWeightsReason: string;
  /**
   * What the run's caches and batches were estimated to need, what the device can give, and a sentence
   * when the augmented views had to be cut to fit (null when the asked settings fit).
   */
  readonly memory: { readonly estimatedBytes: number; readonly budgetBytes: number; readonly note: string | null };
}

/** Per-epoch metrics of the head; `elapsedMs` counts from the start of training. */
export interface EpochMetrics {
  readonly epoch: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly valLoss: number;
  readonly valAccuracy: number;
  readonly elapsedMs: number;
  /** Learning rate of the epoch (after the schedule); absent in reports made before schedules existed. */
  readonly learningRate?: number;
  /**
   * Training stage the epoch belongs to (1: head on frozen features; 2: the top blocks of the backbone and
   * the head). Charts draw a boundary where it changes; absent means 1.
   */
  readonly stage?: 1 | 2;
}

/**
 * The running training loss within an epoch, sent at most every `batchEveryMs` (see `trainHead`).
 * `loss` is the mean cross-entropy over the batches since the previous report (dropout on).
 */
export interface BatchMetrics {
  /** 1-based epoch. */
  readonly epoch: number;
  /** 1-based index of the last batch counted, in [1, batchesPerEpoch]. */
  readonly batch: number;
  readonly batchesPerEpoch: number;
  readonly epochs: number;
  readonly loss: number;
  /** Training samples per second since training began. */
  readonly imagesPerSecond: number;
  /** Since the stage began (paused time left out). */
  readonly elapsedMs: number;
  /** The stage the batch belongs to, and the first epoch number of that stage (epochs run on across stages). */
  readonly stage: 1 | 2;
  readonly firstEpoch: number;
}
