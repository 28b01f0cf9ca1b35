/**
 * Training-time augmentation: the options a user sets, and the seeded choice of one random view of an image.
 * Pure (no canvas here): the image worker applies an `AugmentParams` when it draws the image.
 */
import type { Rng } from '../../core/rng';

/** The augmentation options, each visible in the UI. */
export interface AugmentSettings {
  /**
   * Random resized crop: the crop's area is drawn in [cropScaleMin, 1] of the image's fitted square (the
   * centre square, the letterboxed square or the squashed photo; see `PhotoFit`)...
   */
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

/**
 * A rectangle in fractions of the image's fitted square, `x`, `y`, `width`, `height` all in [0, 1]: of the
 * centre square (fit `crop`), of the letterboxed square, pad bands included (`letterbox`), or of the whole
 * photo (`squash`). The crop is drawn in the fitted frame, so it never reaches photo that the fit cut away,
 * never distorts a letterboxed photo, and distorts a squashed one exactly as the fit does; see photoFit.ts.
 */
export interface CropBox {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * One random view of an image, applied in this order when it is drawn: crop (of the fitted square, then
 * resized to the full output square), horizontal flip, rotation about the centre, then the colour factors.
 */
export interface AugmentParams {
  /** Part of the fitted square to keep; `{ x: 0, y: 0, width: 1, height: 1 }` keeps all of it. */
  readonly crop: CropBox;
  /** Mirror left to right. */
  readonly flip: boolean;
  /** Rotation about the centre in degrees, clockwise on screen; exposed corners are white (pad grey with `letterbox`). */
  readonly rotationDeg: number;
  /** CSS filter factors, 1 = unchanged: `brightness()`, `contrast()` and `saturate()`. */
  readonly brightness: number;
  readonly contrast: number;
  readonly saturation: number;
}

/** The view that changes nothing: the whole fitted square, unflipped, unrotated, colours as they are. */
export const IDENTITY_AUGMENT: AugmentParams = Object.freeze({
  crop: Object.freeze({ x: 0, y: 0, width: 1, height: 1 }),
  flip: false,
  rotationDeg: 0,
  brightness: 1,
  contrast: 1,
  saturation: 1,
});

/** Aspect ratios (width / height) a random crop may have, before clipping to the square. */
const MIN_ASPECT = 3 / 4;
const MAX_ASPECT = 4 / 3;

/** Checks settings before they shape a view, so a bad value fails loudly instead of producing NaN crops. */
function checkSettings(settings: AugmentSettings): void {
  const { cropScaleMin, rotationDeg } = settings;
  if (settings.randomCrop && !(cropScaleMin > 0 && cropScaleMin <= 1)) {
    throw new RangeError(`cropScaleMin must be in (0, 1], got ${cropScaleMin}`);
  }
  if (!(rotationDeg >= 0 && rotationDeg <= 180)) throw new RangeError(`rotationDeg must be in [0, 180], got ${rotationDeg}`);
  for (const name of ['brightness', 'contrast', 'saturation'] as const) {
    const value = settings[name];
    if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${value}`);
  }
}

/**
 * A random resized crop of the unit square from three uniform draws: the area is uniform in
 * [`scaleMin`, 1]; the log aspect ratio is uniform in [log 3/4, log 4/3] narrowed to the ratios at which
 * that area still fits the square (both sides <= 1), so the crop never needs clipping; the position is
 * uniform over where it fits.
 */
function sampleCrop(scaleMin: number, u: readonly [number, number, number, number]): CropBox {
  const area = scaleMin + (1 - scaleMin) * u[0];
  const logMin = Math.log(Math.max(MIN_ASPECT, area));
  const logMax = Math.log(Math.min(MAX_ASPECT, 1 / area));
  const aspect = Math.exp(logMin + (logMax - logMin) * u[1]);
  const width = Math.min(1, Math.sqrt(area * aspect));
  const height = Math.min(1, Math.sqrt(area / aspect));
  return { x: (1 - width) * u[2], y: (1 - height) * u[3], width, height };
}

/**
 * Draws one random view. Every option consumes the same draws whether it is on or off, so turning one
 * option off leaves the others' values unchanged for the same seed. A disabled option (or a range of 0)
 * gives its identity value exactly.
 *
 * @param settings the user's options (ranges checked: `cropScaleMin` in (0, 1], `rotationDeg` in
 *   [0, 180], colour ranges in [0, 1]).
 * @param rng seeded generator, e.g. `createRng(viewSeed(seed, fileIndex, view))`.
 * @returns crop with area in [cropScaleMin, 1] and aspect in [3/4, 4/3] (narrowed to fit the square); flip
 *   with p = 0.5; rotation uniform in [-rotationDeg, rotationDeg]; each factor uniform in [1 - x, 1 + x].
 * @throws RangeError for settings out of range.
 */
export function sampleAugmentParams(settings: AugmentSettings, rng: Rng): AugmentParams {
  checkSettings(settings);
  const cropDraws = [rng.next(), rng.next(), rng.next(), rng.next()] as const;
  const flipDraw = rng.next();
  const rotationDraw = rng.next();
  const factor = (range: number, u: number): number => (range === 0 ? 1 : 1 + range * (2 * u - 1));
  const rotationDeg = settings.rotationDeg === 0 ? 0 : settings.rotationDeg * (2 * rotationDraw - 1);
  return {
    crop: settings.randomCrop ? sampleCrop(settings.cropScaleMin, cropDraws) : IDENTITY_AUGMENT.crop,
    flip: settings.horizontalFlip && flipDraw < 0.5,
    rotationDeg,
    brightness: factor(settings.brightness, rng.next()),
    contrast: factor(settings.contrast, rng.next()),
    saturation: factor(settings.saturation, rng.next()),
  };
}

/** murmur3's 32-bit finaliser: a bijection on uint32 in which every input bit affects every output bit. */
function fmix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function checkIndex(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
    throw new RangeError(`${name} must be an integer in [0, 2^32), got ${value}`);
  }
}

/**
 * The seed of view `view` (0 = first epoch, 1 = second, ...) of the image `fileIndex` in a run seeded with
 * `seed`: a pure function of the three, so a view is the same in every run with that seed, whichever worker
 * draws it and in whatever order. Each input goes through a full-avalanche mix, so neighbouring images and
 * views get unrelated seeds.
 *
 * @param seed the run's seed (any number; taken as uint32).
 * @param fileIndex image index, an integer in [0, 2^32).
 * @param view view index, an integer in [0, 2^32).
 * @returns a uint32 to pass to `createRng`.
 */
export function viewSeed(seed: number, fileIndex: number, view: number): number {
  checkIndex('fileIndex', fileIndex);
  checkIndex('view', view);
  // Distinct odd constants per input so (i, v) and (v, i) do not collide by symmetry.
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32((h + Math.imul(fileIndex, 0x7feb352d)) ^ 0x632be5ab);
  h = fmix32((h + Math.imul(view, 0x846ca68b)) ^ 0x2545f491);
  return h;
}

/** A factor as CSS text: at most 4 decimals, no trailing zeros. */
function cssNumber(value: number): string {
  return String(Number(value.toFixed(4)));
}

/**
 * The CSS filter for a 2D context's `filter` property that applies the colour factors, in the order
 * brightness, contrast, saturate (factors equal to 1 are left out), e.g.
 * `'brightness(1.1) contrast(0.9) saturate(1.2)'`; `'none'` when all three are 1.
 */
export function canvasFilter(params: AugmentParams): string {
  const parts: string[] = [];
  if (params.brightness !== 1) parts.push(`brightness(${cssNumber(params.brightness)})`);
  if (params.contrast !== 1) parts.push(`contrast(${cssNumber(params.contrast)})`);
  if (params.saturation !== 1) parts.push(`saturate(${cssNumber(params.saturation)})`);
  return parts.length > 0 ? parts.join(' ') : 'none';
}

/** Clamps a channel value to [0, 255], as every CSS filter step clamps its output to [0, 1]. */
function clampByte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : value;
}

/**
 * Applies the colour factors to RGBA pixels in place, with the formulas of the CSS Filter Effects spec that
 * `canvasFilter` asks the browser for (brightness: `c * b`; contrast: `(c - 0.5) * k + 0.5`; saturate: the
 * spec's luminance-preserving matrix), each step clamped to [0, 1], in sRGB values. Alpha is left alone.
 * For browsers whose 2D context has no `filter` property.
 *
 * @param rgba interleaved unpremultiplied RGBA bytes (as `getImageData` returns them); changed in place.
 */
export function applyColorFactors(rgba: Uint8ClampedArray, params: AugmentParams): void {
  const { brightness: b, contrast: k, saturation: s } = params;
  if (b === 1 && k === 1 && s === 1) return;
  const m = [
    [0.213 + 0.787 * s, 0.715 - 0.715 * s, 0.072 - 0.072 * s],
    [0.213 - 0.213 * s, 0.715 + 0.285 * s, 0.072 - 0.072 * s],
    [0.213 - 0.213 * s, 0.715 - 0.715 * s, 0.072 + 0.928 * s],
  ] as const;
  const contrastIntercept = 127.5 * (1 - k);
  const step = (value: number): number => clampByte(clampByte(value * b) * k + contrastIntercept);
  for (let p = 0; p + 3 < rgba.length; p += 4) {
    const r = step(rgba[p] ?? 0);
    const g = step(rgba[p + 1] ?? 0);
    const bl = step(rgba[p + 2] ?? 0);
    for (let c = 0; c < 3; c++) {
      const row = m[c as 0 | 1 | 2];
      rgba[p + c] = clampByte(row[0] * r + row[1] * g + row[2] * bl);
    }
  }
}
