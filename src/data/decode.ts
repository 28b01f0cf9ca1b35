/**
 * Image decoding to square RGB pixel buffers, optionally as one augmented view: pure helpers (tested in
 * Node) and the decoder itself, which uses only what a Worker has (`createImageBitmap`, `OffscreenCanvas`),
 * never `document`.
 */
import { applyColorFactors, canvasFilter, IDENTITY_AUGMENT } from './augment';
import type { AugmentParams, CropBox } from './augment';

/** A square source rectangle in pixels: top-left corner (`sx`, `sy`) and side `size`. */
export interface CropRect {
  readonly sx: number;
  readonly sy: number;
  readonly size: number;
}

/** Message of the error thrown when the browser cannot decode a file. */
export const DECODE_ERROR_MESSAGE = 'could not decode image (corrupt or unsupported format)';

/**
 * The largest square centred in a `width` x `height` image (odd leftovers are dropped on the right/bottom).
 * @throws RangeError unless both sides are positive finite numbers.
 */
export function centerCropRect(width: number, height: number): CropRect {
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new RangeError(`image size must be positive, got ${width}x${height}`);
  }
  const size = Math.min(width, height);
  return { sx: Math.floor((width - size) / 2), sy: Math.floor((height - size) / 2), size };
}

/**
 * Drops the alpha channel of RGBA pixels by compositing them over white: each channel becomes
 * `round(a * c + (1 - a) * 255)` with `a = alpha / 255`, so opaque pixels keep their colour and fully
 * transparent ones turn white.
 *
 * @param rgba interleaved RGBA bytes, at least `4 * pixelCount` long.
 * @param pixelCount how many pixels to convert; defaults to `floor(rgba.length / 4)`.
 * @returns interleaved RGB bytes, `3 * pixelCount` long.
 * @throws RangeError when `rgba` is shorter than `4 * pixelCount`.
 */
export function rgbaToRgb(rgba: Uint8ClampedArray | Uint8Array, pixelCount = Math.floor(rgba.length / 4)): Uint8Array {
  if (!Number.isInteger(pixelCount) || pixelCount < 0 || pixelCount * 4 > rgba.length) {
    throw new RangeError(`rgbaToRgb: ${pixelCount} pixels need ${pixelCount * 4} bytes, got ${rgba.length}`);
  }
  const rgb = new Uint8Array(pixelCount * 3);
  for (let p = 0; p < pixelCount; p++) {
    const alpha = rgba[p * 4 + 3] ?? 255;
    for (let c = 0; c < 3; c++) {
      const value = rgba[p * 4 + c] ?? 0;
      // Integer form of a*c + (1-a)*255 with a = alpha/255; exact for alpha 0 and 255.
      rgb[p * 3 + c] = alpha === 255 ? value : Math.round((alpha * value + (255 - alpha) * 255) / 255);
    }
  }
  return rgb;
}

/** A source rectangle in pixels, any aspect: top-left corner (`sx`, `sy`), width `sw`, height `sh`. */
export interface SourceRect {
  readonly sx: number;
  readonly sy: number;
  readonly sw: number;
  readonly sh: number;
}

/** Slack for crops whose fractions were computed in floating point (`x + width` may exceed 1 by an ulp). */
const CROP_EPSILON = 1e-9;

/**
 * The pixels of a `width` x `height` image that `crop` (fractions of its centre square, as in
 * `AugmentParams.crop`) selects. Coordinates may be fractional: `drawImage` samples sub-pixel rectangles.
 * @throws RangeError for a bad image size, or a crop that is empty or leaves the square.
 */
export function cropSourceRect(width: number, height: number, crop: CropBox): SourceRect {
  const square = centerCropRect(width, height);
  const { x, y, width: w, height: h } = crop;
  const inside = x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= 1 + CROP_EPSILON && y + h <= 1 + CROP_EPSILON;
  if (!inside) throw new RangeError(`crop must lie inside the unit square, got ${JSON.stringify(crop)}`);
  return {
    sx: square.sx + x * square.size,
    sy: square.sy + y * square.size,
    sw: Math.min(w, 1 - x) * square.size,
    sh: Math.min(h, 1 - y) * square.size,
  };
}

/** A 2D affine transform as `setTransform(a, b, c, d, e, f)` takes it: x' = a x + c y + e, y' = b x + d y + f. */
export type Transform2d = readonly [a: number, b: number, c: number, d: number, e: number, f: number];

/**
 * The canvas transform that mirrors (when `flip`) and then rotates by `rotationDeg` (clockwise on screen)
 * a `sizePx` square about its centre; the identity for no flip and no rotation.
 */
export function viewTransform(sizePx: number, params: Pick<AugmentParams, 'flip' | 'rotationDeg'>): Transform2d {
  const angle = (params.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const mirror = params.flip ? -1 : 1;
  const a = mirror * cos;
  const b = mirror * sin;
  const centre = sizePx / 2;
  // Translate the centre to the origin, transform, translate back: the centre stays where it is.
  return [a, b, -sin, cos, centre - (a - sin) * centre, centre - (b + cos) * centre];
}

function checkSizePx(sizePx: number): void {
  if (!(Number.isInteger(sizePx) && sizePx > 0)) throw new RangeError(`sizePx must be a positive integer, got ${sizePx}`);
}

/** What to draw: the output size and, optionally, the augmented view (default: the plain centre square). */
export interface DecodeOptions {
  /** Output side in pixels, a positive integer. */
  readonly sizePx: number;
  readonly params?: AugmentParams;
}

/**
 * Decodes an image file and returns its centre square, or the view `params` describes, resized to
 * `sizePx` x `sizePx`, as RGB bytes (`sizePx * sizePx * 3` long, row-major, values 0-255). EXIF orientation
 * is applied; transparency, and corners a rotation exposes, come out white; greyscale and palette images
 * come out as RGB. Runs in a Worker or a window (needs `createImageBitmap` and `OffscreenCanvas`).
 *
 * @param options `sizePx`, or `{ sizePx, params }` for an augmented view (see `AugmentParams`).
 * @throws Error with `DECODE_ERROR_MESSAGE` when the file cannot be decoded, or a message naming what is
 *   missing when this environment cannot decode images at all; RangeError for a bad size or crop.
 */
export async function decodeImageToRgb(blob: Blob, options: number | DecodeOptions): Promise<Uint8Array> {
  const { sizePx, params = IDENTITY_AUGMENT } = typeof options === 'number' ? { sizePx: options } : options;
  checkSizePx(sizePx);
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new Error('this environment cannot decode images (needs createImageBitmap and OffscreenCanvas)');
  }
  const bitmap = await openBitmap(blob);
  try {
    return renderRgb(bitmap, sizePx, params);
  } finally {
    bitmap.close();
  }
}

/**
 * Draws the view `params` describes of an open bitmap (or any image source with pixel `width` and
 * `height`) at `sizePx` x `sizePx` and returns it as RGB bytes, transparency and exposed corners white,
 * as `decodeImageToRgb` does. The caller keeps ownership of `source` (and closes it).
 *
 * @throws RangeError for a bad size or crop; Error when no 2D canvas can be made.
 */
export function renderRgb(
  source: CanvasImageSource & { readonly width: number; readonly height: number },
  sizePx: number,
  params: AugmentParams = IDENTITY_AUGMENT,
): Uint8Array {
  checkSizePx(sizePx);
  const canvas = new OffscreenCanvas(sizePx, sizePx);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('could not create a 2D canvas to resize images');
  const { sx, sy, sw, sh } = cropSourceRect(source.width, source.height, params.crop);
  // Drawn on a transparent canvas and composited on white afterwards, so transparent pixels and exposed
  // corners both turn white, and the colour filter never tints that white.
  const filter = canvasFilter(params);
  const filterInCanvas = typeof context.filter === 'string';
  if (filterInCanvas) context.filter = filter;
  context.setTransform(...viewTransform(sizePx, params));
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, sx, sy, sw, sh, 0, 0, sizePx, sizePx);
  const rgba = context.getImageData(0, 0, sizePx, sizePx).data;
  if (!filterInCanvas && filter !== 'none') applyColorFactors(rgba, params);
  return rgbaToRgb(rgba, sizePx * sizePx);
}

/**
 * Decodes `blob` into a bitmap with EXIF orientation applied; the caller closes it.
 * @throws Error with `DECODE_ERROR_MESSAGE` when the browser cannot decode it or it has no pixels.
 */
export async function openBitmap(blob: Blob): Promise<ImageBitmap> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (cause) {
    throw new Error(DECODE_ERROR_MESSAGE, { cause });
  }
  if (bitmap.width === 0 || bitmap.height === 0) {
    bitmap.close();
    throw new Error(DECODE_ERROR_MESSAGE);
  }
  return bitmap;
}
