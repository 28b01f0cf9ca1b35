/**
 * Before a run embeds anything: how much memory its caches and batches will take, against what this device
 * can give, and what to do when they do not fit (fewer augmented views, or a clear refusal) instead of
 * crashing the tab halfway through.
 */
import { formatBytes as formatSize } from '../../core/bytes';
import { UserFacingError } from '../../core/errors';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Used when the device does not say how much memory it has (`navigator.deviceMemory` is Chromium-only). */
export const DEFAULT_MEMORY_BUDGET_BYTES = 2 * GIB;

/**
 * What the studio lets one run use: a quarter of the device's memory (`navigator.deviceMemory`, which
 * Chromium reports in GiB, rounded and capped at 8), at least 512 MiB, at most 4 GiB (a WASM heap cannot
 * grow past 4 GiB); `DEFAULT_MEMORY_BUDGET_BYTES` when the device does not say.
 */
export function memoryBudgetBytes(deviceMemoryGiB: number | undefined = deviceMemory()): number {
  if (deviceMemoryGiB === undefined || !(deviceMemoryGiB > 0)) return DEFAULT_MEMORY_BUDGET_BYTES;
  return Math.min(4 * GIB, Math.max(512 * MIB, (deviceMemoryGiB * GIB) / 4));
}

function deviceMemory(): number | undefined {
  const value = (globalThis as { navigator?: { deviceMemory?: unknown } }).navigator?.deviceMemory;
  return typeof value === 'number' ? value : undefined;
}

/** What a run will hold, in bytes. */
export interface MemoryEstimate {
  /** Cached features: one float32 row of `featureSize` per image and view. */
  readonly featureBytes: number;
  /** Cached activations at the stage-2 cut (0 without stage 2). */
  readonly activationBytes: number;
  /** The largest batch in flight: decoded pixels and the backbone's intermediate maps. */
  readonly batchBytes: number;
  readonly weightBytes: number;
  readonly totalBytes: number;
}

export interface MemoryPlanInput {
  readonly trainImages: number;
  readonly heldOutImages: number;
  /** Augmented views per training image besides the centre crop, as asked. */
  readonly views: number;
  readonly featureSize: number;
  /** [h, w, c] cached per row for stage 2, or null without stage 2. */
  readonly activationShape: readonly number[] | null;
  readonly inputSizePx: number;
  readonly embedBatchSize: number;
  /** Bytes of the backbone's weights (and the head's, negligible). */
  readonly weightBytes: number;
  readonly budgetBytes: number;
}

/** The views the run will use, the estimate for them, and a sentence when the plan had to change. */
export interface MemoryPlan {
  readonly views: number;
  readonly estimate: MemoryEstimate;
  readonly budgetBytes: number;
  readonly note: string | null;
}

/**
 * Live intermediate maps of one image in a forward pass, as a multiple of its input pixels in float32: a
 * MobileNet's widest maps (112x112x96 for a 224 input, 8 times the input's values) with the ones around them
 * alive at once. Measured bounds are backend-specific; this errs high.
 */
const FORWARD_MAPS_PER_INPUT = 24;

/** The estimate for `views` augmented views. */
export function estimateMemory(input: MemoryPlanInput, views: number): MemoryEstimate {
  const rows = input.trainImages * (views + 1) + input.heldOutImages;
  const featureBytes = rows * input.featureSize * 4;
  const activationBytes = input.activationShape ? rows * input.activationShape.reduce((a, b) => a * b, 1) * 4 : 0;
  const pixels = input.inputSizePx * input.inputSizePx * 3;
  const batchBytes = input.embedBatchSize * pixels * (1 + 4 * FORWARD_MAPS_PER_INPUT);
  const totalBytes = featureBytes + activationBytes + batchBytes + input.weightBytes;
  return { featureBytes, activationBytes, batchBytes, weightBytes: input.weightBytes, totalBytes };
}

/** Memory is counted in powers of 1024: "1.2 GiB", "340 MiB". */
const formatBytes = (bytes: number): string => formatSize(bytes, 'binary');

/**
 * Fits the run into `budgetBytes`: the views asked for when they fit, else the most views that fit (with
 * a note saying so); throws a `UserFacingError` that says what would fit when even the centre crop alone
 * does not.
 */
export function planMemory(input: MemoryPlanInput): MemoryPlan {
  const { budgetBytes } = input;
  const asked = estimateMemory(input, input.views);
  if (asked.totalBytes <= budgetBytes) return { views: input.views, estimate: asked, budgetBytes, note: null };
  for (let views = input.views - 1; views >= 0; views--) {
    const estimate = estimateMemory(input, views);
    if (estimate.totalBytes <= budgetBytes) {
      return {
        views,
        estimate,
        budgetBytes,
        note:
          `${input.views} augmented views per image would need about ${formatBytes(asked.totalBytes)}, more than the ` +
          `${formatBytes(budgetBytes)} this device can give a run; training uses ${views} instead (${formatBytes(estimate.totalBytes)}).`,
      };
    }
  }
  const least = estimateMemory(input, 0);
  const advice = input.activationShape
    ? 'Turn two-stage training off, unfreeze fewer blocks, or train on fewer images.'
    : 'Train on fewer images, or on a device with more memory.';
  throw new UserFacingError(
    `This run needs about ${formatBytes(least.totalBytes)} even without augmented views ` +
      `(${formatBytes(least.featureBytes)} of features${least.activationBytes ? `, ${formatBytes(least.activationBytes)} of stage-2 activations` : ''}), ` +
      `more than the ${formatBytes(budgetBytes)} this device can give it. ${advice}`,
  );
}
