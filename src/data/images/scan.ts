/**
 * Scanning an image file once when a dataset is read: can the browser decode it (and if not, why), its size,
 * its hashes (exact and perceptual, for duplicate checks) and a small thumbnail. Pure helpers (format
 * sniffing, reasons, sizes; tested in Node) and `scanImage`, which the image worker runs: it needs only
 * `createImageBitmap`, `OffscreenCanvas` and `crypto.subtle`, and keeps no decoded pixels.
 */
import { DECODE_ERROR_MESSAGE, openBitmap, renderRgb } from './decode';
import { differenceHash, sha256Hex } from './hash';

/** What a scan found out about one file. */
export type ScanResult =
  | {
      readonly ok: true;
      /** Natural size in pixels, after EXIF orientation. */
      readonly width: number;
      readonly height: number;
      /** SHA-256 of the file's bytes, 64 lowercase hex characters. */
      readonly sha256: string;
      /** 64-bit difference hash of the 32x32 centre square, 16 hex characters (`differenceHash`). */
      readonly dhash: string;
      /** Standard deviation of the grey levels (0-255) of that centre square (`pixelSpread`): near 0 when blank. */
      readonly spread: number;
      /** JPEG, whole image on white, longest side `THUMBNAIL_MAX_SIDE_PX` (never enlarged). */
      readonly thumbnail: Blob;
    }
  | {
      readonly ok: false;
      /** Why the file cannot be used, for a person: empty, not an image, corrupt, or an unsupported format. */
      readonly reason: string;
    };

/** Longest side of a scan's thumbnail, in pixels. */
export const THUMBNAIL_MAX_SIDE_PX = 96;
/** JPEG quality of thumbnails, in [0, 1]. */
const THUMBNAIL_JPEG_QUALITY = 0.85;
/**
 * Side of the centre-square render the difference hash is taken from: the size `duplicates.ts` measured
 * its near-duplicate threshold on.
 */
export const DHASH_SOURCE_PX = 32;

/** Image formats told apart by their first bytes. */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'ico' | 'avif' | 'heic' | 'tiff' | 'jxl' | 'psd' | 'svg';

/** Formats every current browser decodes with `createImageBitmap`; the others get an "unsupported" reason. */
const BROWSER_FORMATS: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'gif', 'webp', 'bmp', 'ico', 'avif']);

/** Names of formats as a person knows them. */
const FORMAT_NAMES: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  ico: 'ICO',
  avif: 'AVIF',
  heic: 'HEIC/HEIF',
  tiff: 'TIFF',
  jxl: 'JPEG XL',
  psd: 'Photoshop (PSD)',
  svg: 'SVG',
};

/** How many leading bytes `sniffImageFormat` needs at most. */
export const SNIFF_BYTES = 64;

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1']);

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** AVIF or HEIF from an ISO-BMFF `ftyp` box's major and compatible brands (AVIF wins: AVIF files list mif1). */
function isoBrandFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (ascii(bytes, 4, 8) !== 'ftyp') return undefined;
  const boxSize = Math.min(bytes.length, ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0));
  const brands = [ascii(bytes, 8, 12)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(bytes, at, at + 4));
  if (brands.some((b) => b === 'avif' || b === 'avis')) return 'avif';
  return brands.some((b) => HEIF_BRANDS.has(b)) ? 'heic' : undefined;
}

/**
 * The image format a file's first bytes announce (magic numbers), whatever its name says.
 * @param head the file's first `SNIFF_BYTES` bytes (fewer for a shorter file).
 * @returns the format, or undefined when the bytes are no image format known here.
 */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'webp';
  if (ascii(head, 0, 2) === 'BM' && head.length >= 14) return 'bmp';
  if (startsWith(head, [0, 0, 1, 0]) && (head[4] ?? 0) + (head[5] ?? 0) > 0) return 'ico';
  if (startsWith(head, [0x49, 0x49, 0x2a, 0]) || startsWith(head, [0x4d, 0x4d, 0, 0x2a])) return 'tiff';
  if (startsWith(head, [0xff, 0x0a]) || startsWith(head, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'jxl';
  if (ascii(head, 0, 4) === '8BPS') return 'psd';
  const iso = isoBrandFormat(head);
  if (iso) return iso;
  const text = ascii(head, 0, head.length).replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'svg';
  return undefined;
}

/** Reason for a file with no bytes. */
export const EMPTY_FILE_REASON = 'empty file (0 bytes)';

/**
 * Why a file that the browser could not decode cannot be used, judged from its size and first bytes.
 * @param size the file's size in bytes.
 * @param head its first `SNIFF_BYTES` bytes.
 * @returns a sentence for a person: empty; not an image at all; a format this browser cannot decode (with
 *   what to do); or a corrupt or truncated file of a format it can decode.
 */
export function scanFailureReason(size: number, head: Uint8Array): string {
  if (size === 0) return EMPTY_FILE_REASON;
  const format = sniffImageFormat(head);
  if (format === undefined) return 'not an image: the content is in no known image format (is it misnamed?)';
  const name = FORMAT_NAMES[format];
  if (!BROWSER_FORMATS.has(format)) {
    return `${name} images cannot be decoded by this browser: convert them to JPEG or PNG`;
  }
  return `corrupt or truncated ${name} file: the browser could not decode it`;
}

/**
 * The thumbnail size for a `width` x `height` image: scaled so the longest side is `maxSidePx`, never
 * enlarged, each side at least 1 pixel.
 * @throws RangeError unless every argument is a positive finite number.
 */
export function thumbnailSize(width: number, height: number, maxSidePx: number): { width: number; height: number } {
  if (![width, height, maxSidePx].every((v) => Number.isFinite(v) && v > 0)) {
    throw new RangeError(`thumbnailSize: sizes must be positive, got ${width}x${height} max ${maxSidePx}`);
  }
  const scale = Math.min(1, maxSidePx / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The whole bitmap on white, at most `THUMBNAIL_MAX_SIDE_PX` on its longest side, as a JPEG. */
async function renderThumbnail(bitmap: ImageBitmap): Promise<Blob> {
  const size = thumbnailSize(bitmap.width, bitmap.height, THUMBNAIL_MAX_SIDE_PX);
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('could not create a 2D canvas for thumbnails');
  // JPEG has no alpha: without a white ground, transparent pixels would turn black.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, size.width, size.height);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, size.width, size.height);
  return canvas.convertToBlob({ type: 'image/jpeg', quality: THUMBNAIL_JPEG_QUALITY });
}

/** Standard deviation of the grey levels (Rec. 601 luma, 0-255) of packed RGB pixels. */
export function pixelSpread(rgb: Uint8Array): number {
  const n = Math.floor(rgb.length / 3);
  if (n === 0) return 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const grey = 0.299 * (rgb[3 * i] ?? 0) + 0.587 * (rgb[3 * i + 1] ?? 0) + 0.114 * (rgb[3 * i + 2] ?? 0);
    sum += grey;
    squares += grey * grey;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, squares / n - mean * mean));
}

/** SHA-256 and first bytes of a file; its bytes are dropped once this returns. */
async function hashFile(blob: Blob): Promise<{ sha256: string; head: Uint8Array }> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  return { sha256: await sha256Hex(bytes), head: bytes.slice(0, SNIFF_BYTES) };
}

/**
 * Scans one image file: decodes it (EXIF orientation applied), hashes its bytes (SHA-256) and its pixels
 * (difference hash of the `DHASH_SOURCE_PX` centre square), and makes a JPEG thumbnail. The bitmap is
 * closed before this returns and no pixels are kept, so memory stays bounded however many files are
 * scanned. A file that cannot be used resolves to `{ ok: false, reason }` (see `scanFailureReason`).
 *
 * @throws Error when this environment cannot decode images or hash at all (never for a bad file).
 */
export async function scanImage(blob: Blob): Promise<ScanResult> {
  if (typeof createImageBitmap !== 'function' || typeof OffscreenCanvas !== 'function') {
    throw new Error('this environment cannot decode images (needs createImageBitmap and OffscreenCanvas)');
  }
  if (blob.size === 0) return { ok: false, reason: EMPTY_FILE_REASON };
  const { sha256, head } = await hashFile(blob);
  let bitmap: ImageBitmap;
  try {
    bitmap = await openBitmap(blob);
  } catch (error) {
    if (error instanceof Error && error.message === DECODE_ERROR_MESSAGE) {
      return { ok: false, reason: scanFailureReason(blob.size, head) };
    }
    throw error;
  }
  try {
    const centre = renderRgb(bitmap, DHASH_SOURCE_PX);
    const dhash = differenceHash(centre, DHASH_SOURCE_PX, DHASH_SOURCE_PX);
    const thumbnail = await renderThumbnail(bitmap);
    return { ok: true, width: bitmap.width, height: bitmap.height, sha256, dhash, spread: pixelSpread(centre), thumbnail };
  } finally {
    bitmap.close();
  }
}
