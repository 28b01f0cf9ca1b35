/**
 * Training-time augmentation: the options a user sets, and the seeded choice of one random view of an image.
 * Pure (no canvas here): the image worker applies an `AugmentParams` when it draws the image.
 */

/** The augmentation options, each visible in the UI. */
export interface AugmentSettings {
  /** Random resized crop: the crop's area is drawn in [cropScaleMin, 1] of the image's centre square... */
  readonly randomCrop: boolean;
  /** ...with this smallest area fraction, in (0, 1]. */
  readonly cropScaleMin: number;
  readonly horizontalFlip: boolean;
  /** Largest rotation either way, in degrees (0 = none). */
  readonly rotationDeg: number;
  /** Largest relative change either way (0.2 = factors in [0.8, 1.2]); 0 = none. */
  readonly brightness: number;
  readonly contrast: number;
  readonly saturation: number;
}

export const DEFAULT_AUGMENT: AugmentSettings = {
  randomCrop: true,
  cropScaleMin: 0.6,
  horizontalFlip: true,
  rotationDeg: 10,
  brightness: 0.2,
  contrast: 0.2,
  saturation: 0.2,
};
