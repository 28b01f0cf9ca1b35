/**
 * Image decoding to square RGB pixel buffers: pure helpers (tested in Node) and the decoder itself, which
 * uses only what a Worker has (`createImageBitmap`, `OffscreenCanvas`), never `document`.
 */

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

/**
 * Decodes an image file and returns its centre square, resized to `sizePx` x `sizePx`, as RGB bytes
 * (`sizePx * sizePx * 3` long, row-major, values 0-255). EXIF orientation is applied; transparency is
 * composited over white. Runs in a Worker or a window (needs `createImageBitmap` and `OffscreenCanvas`).
 *
 * @throws Error with `DECODE_ERROR_MESSAGE` when the file cannot be decoded, or a message naming what is
 *   missing when this environment cannot decode images at all.
 */
export async function decodeImageToRgb(blob: Blob, sizePx: number): Promise<Uint8Array> {
  if (!(Number.isInteger(sizePx) && sizePx > 0)) throw new RangeError(`sizePx must be a positive integer, got ${sizePx}`);
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new Error('this environment cannot decode images (needs createImageBitmap and OffscreenCanvas)');
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch (cause) {
    throw new Error(DECODE_ERROR_MESSAGE, { cause });
  }
  try {
    if (bitmap.width === 0 || bitmap.height === 0) throw new Error(DECODE_ERROR_MESSAGE);
    const canvas = new OffscreenCanvas(sizePx, sizePx);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('could not create a 2D canvas to resize images');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, sizePx, sizePx);
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = 'high';
    const { sx, sy, size } = centerCropRect(bitmap.width, bitmap.height);
    context.drawImage(bitmap, sx, sy, size, size, 0, 0, sizePx, sizePx);
    return rgbaToRgb(context.getImageData(0, 0, sizePx, sizePx).data, sizePx * sizePx);
  } finally {
    bitmap.close();
  }
}
