/**
 * How a photo of any shape becomes the network's square input: the geometry only (pure, tested in Node).
 * `decode.ts` draws what these rectangles describe.
 *
 * Every fit defines a *frame*: the rectangle of the photo, in its own pixel coordinates, that fills the whole
 * output square. Augmentation crops (`CropBox`) are fractions of that frame, so a random resized crop stays
 * inside the fitted picture whatever the fit:
 * - `crop`: the frame is the centred square of the photo; the long side is cut.
 * - `letterbox`: the frame is the square whose side is the photo's long side, centred on the photo; the
 *   photo keeps its aspect and the parts of the frame outside it are pad bands (`LETTERBOX_PAD_RGB`). A crop
 *   may take in part of a band, as it would in a letterboxed picture on screen.
 * - `squash`: the frame is the whole photo, resized to the square regardless of aspect (a 3:4 portrait is
 *   widened by 4/3); a crop of the frame is squashed the same way.
 */
import type { CropBox } from './augment';

/** How a photo that is not square is made square. */
export type PhotoFit = 'crop' | 'letterbox' | 'squash';

/** Every fit, in the order the UI offers them. */
export const PHOTO_FITS: readonly PhotoFit[] = Object.freeze(['crop', 'letterbox', 'squash']);

export const DEFAULT_PHOTO_FIT: PhotoFit = 'crop';

/**
 * Colour of letterbox pad bands: mid grey, not black. The backbones map pixels to [-1, 1] (x / 127.5 - 1),
 * so 128 is about 0, which is what their convolutions' own 'same' padding feeds them at every border: a
 * grey band reads as "more border" rather than as a strong black edge (black is -1, the most extreme input).
 * Mid grey is also close to the ImageNet mean (124, 116, 104), and for a [0, 1] copy of a backbone it is 0.5.
 */
export const LETTERBOX_PAD_RGB: readonly [number, number, number] = Object.freeze([128, 128, 128]) as readonly [
  number,
  number,
  number,
];

/**
 * Checks a fit read from settings or a message.
 * @returns `fit` when it is one of `PHOTO_FITS`; `DEFAULT_PHOTO_FIT` when it is undefined (settings saved
 *   before the option existed).
 * @throws RangeError for anything else.
 */
export function checkPhotoFit(fit: unknown): PhotoFit {
  if (fit === undefined) return DEFAULT_PHOTO_FIT;
  if (typeof fit === 'string' && (PHOTO_FITS as readonly string[]).includes(fit)) return fit as PhotoFit;
  throw new RangeError(`photoFit must be one of ${PHOTO_FITS.join(', ')}, got ${JSON.stringify(fit)}`);
}

/** A square source rectangle in pixels: top-left corner (`sx`, `sy`) and side `size`. */
export interface CropRect {
  readonly sx: number;
  readonly sy: number;
  readonly size: number;
}

/** A source rectangle in pixels, any aspect: top-left corner (`sx`, `sy`), width `sw`, height `sh`. */
export interface SourceRect {
  readonly sx: number;
  readonly sy: number;
  readonly sw: number;
  readonly sh: number;
}

/** A destination rectangle on the output square, in output pixels. */
export interface DestRect {
  readonly dx: number;
  readonly dy: number;
  readonly dw: number;
  readonly dh: number;
}

function checkImageSize(width: number, height: number): void {
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new RangeError(`image size must be positive, got ${width}x${height}`);
  }
}

/**
 * The largest square centred in a `width` x `height` image (odd leftovers are dropped on the right/bottom).
 * @throws RangeError unless both sides are positive finite numbers.
 */
export function centerCropRect(width: number, height: number): CropRect {
  checkImageSize(width, height);
  const size = Math.min(width, height);
  return { sx: Math.floor((width - size) / 2), sy: Math.floor((height - size) / 2), size };
}

/**
 * The frame of `fit` for a `width` x `height` photo (see the module comment): the centre square (`crop`),
 * the centred square of side max(width, height), reaching outside the photo on its short side (`letterbox`;
 * `sx` or `sy` is then negative), or the whole photo (`squash`).
 * @throws RangeError for a bad size or an unknown fit.
 */
export function fitFrame(width: number, height: number, fit: PhotoFit): SourceRect {
  checkImageSize(width, height);
  switch (checkPhotoFit(fit)) {
    case 'crop': {
      const { sx, sy, size } = centerCropRect(width, height);
      return { sx, sy, sw: size, sh: size };
    }
    case 'letterbox': {
      const side = Math.max(width, height);
      return { sx: (width - side) / 2, sy: (height - side) / 2, sw: side, sh: side };
    }
    case 'squash':
      return { sx: 0, sy: 0, sw: width, sh: height };
  }
}

/** Slack for crops whose fractions were computed in floating point (`x + width` may exceed 1 by an ulp). */
const CROP_EPSILON = 1e-9;

/**
 * The part of the frame of `fit` that `crop` (fractions of the frame, as in `AugmentParams.crop`) selects, in
 * photo pixels. Coordinates may be fractional (`drawImage` samples sub-pixel rectangles) and, for
 * `letterbox`, may reach outside the photo (into the pad).
 * @throws RangeError for a bad image size or fit, or a crop that is empty or leaves the unit square.
 */
export function cropSourceRect(width: number, height: number, crop: CropBox, fit: PhotoFit = DEFAULT_PHOTO_FIT): SourceRect {
  const frame = fitFrame(width, height, fit);
  const { x, y, width: w, height: h } = crop;
  const inside = x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 1 + CROP_EPSILON && y + h <= 1 + CROP_EPSILON;
  if (!inside) throw new RangeError(`crop must lie inside the unit square, got ${JSON.stringify(crop)}`);
  return {
    sx: frame.sx + x * frame.sw,
    sy: frame.sy + y * frame.sh,
    sw: Math.min(w, 1 - x) * frame.sw,
    sh: Math.min(h, 1 - y) * frame.sh,
  };
}

/** What to draw for one view: which photo pixels go where on the output square. */
export interface ViewRects {
  /** Photo pixels to draw; null when the view shows none of the photo (a crop that lies wholly in the pad). */
  readonly source: SourceRect | null;
  /** Where `source` lands on the `sizePx` square (before flip and rotation); null with `source`. */
  readonly dest: DestRect | null;
  /** True when the photo leaves part of the square uncovered (letterbox pad shows). */
  readonly padded: boolean;
}

/**
 * The rectangles `drawImage` needs to draw view `crop` of a `width` x `height` photo with `fit` on a `sizePx`
 * square: the view (see `cropSourceRect`) clipped to the photo, and the matching part of the square. For
 * `crop` and `squash` the view lies inside the photo and fills the square; for `letterbox` what lies outside
 * the photo is left to the pad.
 * @throws RangeError as `cropSourceRect` does.
 */
export function viewRects(width: number, height: number, crop: CropBox, fit: PhotoFit, sizePx: number): ViewRects {
  const view = cropSourceRect(width, height, crop, fit);
  const x0 = Math.max(view.sx, 0);
  const y0 = Math.max(view.sy, 0);
  const x1 = Math.min(view.sx + view.sw, width);
  const y1 = Math.min(view.sy + view.sh, height);
  // Within rounding of the photo's edges: the view fills the square, drawn exactly (no sub-ulp slivers).
  const slack = CROP_EPSILON * Math.max(width, height);
  const inside = view.sx >= -slack && view.sy >= -slack && view.sx + view.sw <= width + slack && view.sy + view.sh <= height + slack;
  if (inside) {
    const source = { sx: x0, sy: y0, sw: Math.min(view.sw, width - x0), sh: Math.min(view.sh, height - y0) };
    return { source, dest: { dx: 0, dy: 0, dw: sizePx, dh: sizePx }, padded: false };
  }
  if (x1 <= x0 || y1 <= y0) return { source: null, dest: null, padded: true };
  const kx = sizePx / view.sw;
  const ky = sizePx / view.sh;
  return {
    source: { sx: x0, sy: y0, sw: x1 - x0, sh: y1 - y0 },
    dest: { dx: (x0 - view.sx) * kx, dy: (y0 - view.sy) * ky, dw: (x1 - x0) * kx, dh: (y1 - y0) * ky },
    padded: true,
  };
}
