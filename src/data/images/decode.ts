/**
 * Image decoding to square RGB pixel buffers, optionally as one augmented view and with a choice of how a
 * non-square photo is made square (`PhotoFit`: centre crop, letterbox or squash): pure helpers (tested in
 * Node) and the decoder itself, which uses only what a Worker has (`createImageBitmap`, `OffscreenCanvas`),
 * never `document`.
 */
import { applyColorFactors, canvasFilter, IDENTITY_AUGMENT } from './augment';
import type { AugmentParams } from './augment';
import { checkPhotoFit, LETTERBOX_PAD_RGB, viewRects } from './photoFit';
import type { DestRect, PhotoFit } from './photoFit';

// The geometry lives in photoFit.ts; these names were first exported from here.
export { centerCropRect, cropSourceRect } from './photoFit';
export type { CropRect, SourceRect } from './photoFit';

/** Message of the error thrown when the browser cannot decode a file. */
export const DECODE_ERROR_MESSAGE = 'could not decode image (corrupt or unsupported format)';

/**
 * Drops the alpha channel of RGBA pixels by compositing them over a background, white by default: each
 * channel becomes `round(a * c + (1 - a) * bg)` with `a = alpha / 255`, so opaque pixels keep their colour and
 * fully transparent ones take the background's.
 *
 * @param rgba interleaved RGBA bytes, at least `4 * pixelCount` long.
 * @param pixelCount how many pixels to convert; defaults to `floor(rgba.length / 4)`.
 * @param background interleaved RGB bytes under each pixel, `3 * pixelCount` long; white when left out.
 * @returns interleaved RGB bytes, `3 * pixelCount` long.
 * @throws RangeError when `rgba` is shorter than `4 * pixelCount` or `background` is not `3 * pixelCount` long.
 */
export function rgbaToRgb(
  rgba: Uint8ClampedArray | Uint8Array,
  pixelCount = Math.floor(rgba.length / 4),
  background?: Uint8Array,
): Uint8Array {
  if (!Number.isInteger(pixelCount) || pixelCount < 0 || pixelCount * 4 > rgba.length) {
    throw new RangeError(`rgbaToRgb: ${pixelCount} pixels need ${pixelCount * 4} bytes, got ${rgba.length}`);
  }
  if (background && background.length !== pixelCount * 3) {
    throw new RangeError(`rgbaToRgb: a background of ${pixelCount} pixels needs ${pixelCount * 3} bytes, got ${background.length}`);
  }
  const rgb = new Uint8Array(pixelCount * 3);
  for (let p = 0; p < pixelCount; p++) {
    const alpha = rgba[p * 4 + 3] ?? 255;
    for (let c = 0; c < 3; c++) {
      const value = rgba[p * 4 + c] ?? 0;
      const under = background ? (background[p * 3 + c] ?? 255) : 255;
      // Integer form of a*c + (1-a)*bg with a = alpha/255; exact for alpha 0 and 255.
      rgb[p * 3 + c] = alpha === 255 ? value : Math.round((alpha * value + (255 - alpha) * under) / 255);
    }
  }
  return rgb;
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

/** What to draw: the output size, optionally the augmented view (default: the plain fitted square) and the fit. */
export interface DecodeOptions {
  /** Output side in pixels, a positive integer. */
  readonly sizePx: number;
  readonly params?: AugmentParams;
  /** How a non-square photo is made square (default `'crop'`, the centre square); see `PhotoFit`. */
  readonly fit?: PhotoFit;
}

/**
 * Decodes an image file and returns it made square by `fit` (the centre square by default), or the view
 * `params` describes of that square, resized to `sizePx` x `sizePx`, as RGB bytes (`sizePx * sizePx * 3`
 * long, row-major, values 0-255). EXIF orientation is applied; transparency, and corners a rotation
 * exposes, come out white (grey `LETTERBOX_PAD_RGB` for exposed corners with `letterbox`, whose pad bands
 * are that grey); greyscale and palette images come out as RGB. Runs in a Worker or a window (needs
 * `createImageBitmap` and `OffscreenCanvas`). Training and prediction both decode through here, so a photo
 * fed to a trained model should be decoded with the fit it was trained with.
 *
 * @param options `sizePx`, or `{ sizePx, params, fit }` (see `AugmentParams`, `PhotoFit`).
 * @throws Error with `DECODE_ERROR_MESSAGE` when the file cannot be decoded, or a message naming what is
 *   missing when this environment cannot decode images at all; RangeError for a bad size, crop or fit.
 */
export async function decodeImageToRgb(blob: Blob, options: number | DecodeOptions): Promise<Uint8Array> {
  return (await decodeViewTimed(blob, typeof options === 'number' ? { sizePx: options } : options)).view;
}

/** `decodeImageToRgb`, timed as `decodeViewsTimed` is (what an image worker answers a one-view request with). */
export async function decodeViewTimed(blob: Blob, options: DecodeOptions): Promise<{ view: Uint8Array; decodeMs: number; drawMs: number }> {
  const { views, decodeMs, drawMs } = await decodeViewsTimed(blob, { sizePx: options.sizePx, views: [options.params], fit: options.fit });
  const [view] = views;
  if (!view) throw new Error('no view was drawn');
  return { view, decodeMs, drawMs };
}

/** What `decodeViewsToRgb` draws: every view of one photo at one size and fit. */
export interface DecodeViewsOptions {
  readonly sizePx: number;
  /** One entry per view wanted; undefined stands for the plain fitted square. */
  readonly views: readonly (AugmentParams | undefined)[];
  readonly fit?: PhotoFit;
}

/**
 * Decodes an image file once and draws each of `views` from that one bitmap (`decodeImageToRgb` is its one-view
 * case): the same bytes, view for view, as decoding each alone, for a fraction of the decoding (a 5-megapixel JPEG decodes in tens of
 * milliseconds; a view is drawn in a few).
 * @throws as `decodeImageToRgb` does.
 */
export async function decodeViewsToRgb(blob: Blob, options: DecodeViewsOptions): Promise<Uint8Array[]> {
  return (await decodeViewsTimed(blob, options)).views;
}

/** `decodeViewsToRgb`'s views, with the time (ms) its decoding and its drawing of the views took. */
export interface TimedViews {
  readonly views: Uint8Array[];
  readonly decodeMs: number;
  readonly drawMs: number;
}

/** `decodeViewsToRgb`, timed: what the image workers report for the run's profile. @throws as `decodeImageToRgb` does. */
export async function decodeViewsTimed(blob: Blob, options: DecodeViewsOptions): Promise<TimedViews> {
  checkSizePx(options.sizePx);
  const photoFit = checkPhotoFit(options.fit);
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new Error('this environment cannot decode images (needs createImageBitmap and OffscreenCanvas)');
  }
  const startMs = performance.now();
  const bitmap = await openBitmap(blob);
  const decodedMs = performance.now();
  try {
    const views = options.views.map((params) => renderRgb(bitmap, options.sizePx, params ?? IDENTITY_AUGMENT, photoFit));
    return { views, decodeMs: decodedMs - startMs, drawMs: performance.now() - decodedMs };
  } finally {
    bitmap.close();
  }
}

/** A 2D context on a new `sizePx` square `OffscreenCanvas`, set up to resize smoothly. */
function squareContext(sizePx: number): OffscreenCanvasRenderingContext2D {
  const context = new OffscreenCanvas(sizePx, sizePx).getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('could not create a 2D canvas to resize images');
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  return context;
}

/**
 * Draws the view `params` describes of an open bitmap (or any image source with pixel `width` and
 * `height`: an `ImageBitmap`, e.g. `createImageBitmap(video)` for a webcam frame, or an `OffscreenCanvas`)
 * made square by `fit`, at `sizePx` x `sizePx`, and returns it as RGB bytes as `decodeImageToRgb` does. The
 * caller keeps ownership of `source` (and closes it). For prediction on one picture, with the fit the model
 * was trained with: `renderRgb(bitmap, 224, undefined, report.settings.photoFit)`.
 *
 * @throws RangeError for a bad size, crop or fit; Error when no 2D canvas can be made.
 */
export function renderRgb(
  source: CanvasImageSource & { readonly width: number; readonly height: number },
  sizePx: number,
  params: AugmentParams = IDENTITY_AUGMENT,
  fit: PhotoFit = 'crop',
): Uint8Array {
  checkSizePx(sizePx);
  const photoFit = checkPhotoFit(fit);
  const { source: rect, dest, padded } = viewRects(source.width, source.height, params.crop, photoFit, sizePx);
  const context = squareContext(sizePx);
  // Drawn on a transparent canvas and composited on the background afterwards, so transparent pixels and
  // exposed corners take the background's colour, and the colour filter never tints the background.
  const filter = canvasFilter(params);
  const filterInCanvas = typeof context.filter === 'string';
  if (filterInCanvas) context.filter = filter;
  context.setTransform(...viewTransform(sizePx, params));
  if (rect && dest) context.drawImage(source, rect.sx, rect.sy, rect.sw, rect.sh, dest.dx, dest.dy, dest.dw, dest.dh);
  const rgba = context.getImageData(0, 0, sizePx, sizePx).data;
  if (!filterInCanvas && filter !== 'none') applyColorFactors(rgba, params);
  const pixelCount = sizePx * sizePx;
  // Letterbox: the frame outside the photo is pad grey, and so are the corners a rotation exposes; under the
  // photo the background stays white (transparency). Otherwise white everywhere, as before fits existed.
  const needsPad = photoFit === 'letterbox' && (padded || params.rotationDeg !== 0);
  return rgbaToRgb(rgba, pixelCount, needsPad ? letterboxBackground(sizePx, params, dest) : undefined);
}

/**
 * The background of a letterboxed view, as RGB: pad grey everywhere except white where the photo lands
 * (`dest`, under the same flip and rotation as the photo); no colour filter, so the pad is always exactly
 * `LETTERBOX_PAD_RGB`.
 */
function letterboxBackground(sizePx: number, params: AugmentParams, dest: DestRect | null): Uint8Array {
  const context = squareContext(sizePx);
  const [r, g, b] = LETTERBOX_PAD_RGB;
  context.fillStyle = `rgb(${r}, ${g}, ${b})`;
  context.fillRect(0, 0, sizePx, sizePx);
  if (dest) {
    context.setTransform(...viewTransform(sizePx, params));
    context.fillStyle = '#fff';
    context.fillRect(dest.dx, dest.dy, dest.dw, dest.dh);
  }
  return rgbaToRgb(context.getImageData(0, 0, sizePx, sizePx).data, sizePx * sizePx);
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
