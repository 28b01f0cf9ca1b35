import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { differenceHash } from './hash';
import {
  DHASH_SOURCE_PX,
  EMPTY_FILE_REASON,
  scanFailureReason,
  scanImage,
  sniffImageFormat,
  thumbnailSize,
  THUMBNAIL_MAX_SIDE_PX,
} from './scan';

const DATASETS = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));
const JPEG = new Uint8Array(readFileSync(`${DATASETS}hymenoptera/train/ants/0013035.jpg`));
const PNG = new Uint8Array(readFileSync(`${DATASETS}pokemon-types/images/abra.png`));

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffImageFormat', () => {
  it('recognises real JPEG and PNG files by their first bytes', () => {
    expect(sniffImageFormat(JPEG.subarray(0, 64))).toBe('jpeg');
    expect(sniffImageFormat(PNG.subarray(0, 64))).toBe('png');
  });

  it('tells the other formats apart, AVIF from HEIF by their brands', () => {
    expect(sniffImageFormat(bytes('GIF89a', [1, 0]))).toBe('gif');
    expect(sniffImageFormat(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(sniffImageFormat(bytes('BM', new Array<number>(20).fill(0)))).toBe('bmp');
    expect(sniffImageFormat(bytes([0, 0, 1, 0, 1, 0]))).toBe('ico');
    expect(sniffImageFormat(bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'avifmif1miaf'))).toBe('avif');
    expect(sniffImageFormat(bytes([0, 0, 0, 0x1c], 'ftypmif1', [0, 0, 0, 0], 'mif1avifmiaf'))).toBe('avif');
    expect(sniffImageFormat(bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'))).toBe('heic');
    expect(sniffImageFormat(bytes([0, 0, 0, 0x18], 'ftypisom', [0, 0, 0, 0], 'isomiso2'))).toBeUndefined();
    expect(sniffImageFormat(bytes('II', [0x2a, 0]))).toBe('tiff');
    expect(sniffImageFormat(bytes('MM', [0, 0x2a]))).toBe('tiff');
    expect(sniffImageFormat(bytes([0xff, 0x0a, 1]))).toBe('jxl');
    expect(sniffImageFormat(bytes('8BPS'))).toBe('psd');
    expect(sniffImageFormat(bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0"?><svg'))).toBe('svg');
    expect(sniffImageFormat(bytes('  <svg xmlns="http://www.w3.org/2000/svg">'))).toBe('svg');
  });

  it('finds no format in text, short or empty files', () => {
    expect(sniffImageFormat(bytes('hello, not an image\n'))).toBeUndefined();
    expect(sniffImageFormat(bytes([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageFormat(new Uint8Array(0))).toBeUndefined();
  });
});

describe('scanFailureReason', () => {
  it('says whether a file is empty, no image, unsupported here, or corrupt', () => {
    expect(scanFailureReason(0, new Uint8Array(0))).toBe(EMPTY_FILE_REASON);
    expect(scanFailureReason(20, bytes('hello, not an image\n'))).toMatch(/^not an image: .*no known image format/);
    expect(scanFailureReason(5000, bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'))).toBe(
      'HEIC/HEIF images cannot be decoded by this browser: convert them to JPEG or PNG',
    );
    expect(scanFailureReason(30_000, JPEG.subarray(0, 64))).toBe(
      'corrupt or truncated JPEG file: the browser could not decode it',
    );
    expect(scanFailureReason(900, PNG.subarray(0, 64))).toMatch(/^corrupt or truncated PNG file/);
  });
});

describe('thumbnailSize', () => {
  it('scales the longest side down to the limit, never up, keeping at least one pixel', () => {
    expect(thumbnailSize(500, 375, 96)).toEqual({ width: 96, height: 72 });
    expect(thumbnailSize(375, 500, 96)).toEqual({ width: 72, height: 96 });
    expect(thumbnailSize(60, 40, 96)).toEqual({ width: 60, height: 40 });
    expect(thumbnailSize(5000, 10, 96)).toEqual({ width: 96, height: 1 });
    expect(() => thumbnailSize(0, 10, 96)).toThrow(RangeError);
  });
});

/** Stubs the browser APIs `scanImage` uses; the fake canvas returns `pixel(x, y)` (RGBA) at every size. */
function stubBrowser(options: { width: number; height: number; decodes: boolean; pixel: (x: number, y: number) => number[] }) {
  const canvases: { width: number; height: number; calls: unknown[][] }[] = [];
  const bitmap = { width: options.width, height: options.height, close: vi.fn() };
  vi.stubGlobal('createImageBitmap', () =>
    options.decodes ? Promise.resolve(bitmap) : Promise.reject(new DOMException('bad', 'InvalidStateError')),
  );
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      readonly record: { width: number; height: number; calls: unknown[][] };
      constructor(width: number, height: number) {
        this.record = { width, height, calls: [] };
        canvases.push(this.record);
      }
      getContext() {
        const calls = this.record.calls;
        const context = {
          fillStyle: '',
          filter: 'none',
          fillRect: (...args: unknown[]) => calls.push(['fillRect', context.fillStyle, ...args]),
          setTransform: () => undefined,
          drawImage: (...args: unknown[]) => calls.push(['drawImage', ...args.slice(1)]),
          getImageData: (_x: number, _y: number, w: number, h: number) => {
            const data = new Uint8ClampedArray(w * h * 4);
            for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(options.pixel(x, y), (y * w + x) * 4);
            return { data };
          },
        };
        return context;
      }
      convertToBlob(opts: ImageEncodeOptions) {
        this.record.calls.push(['convertToBlob', opts.type]);
        return Promise.resolve(new Blob(['jpeg bytes'], { type: opts.type }));
      }
    },
  );
  return { bitmap, canvases };
}

describe('scanImage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('measures, hashes and thumbnails a decodable file, then closes its bitmap', async () => {
    // Bright stripes on the left half, a ramp on the right; fully transparent in the bottom row (-> white).
    const pixel = (x: number, y: number): number[] =>
      y === DHASH_SOURCE_PX - 1 ? [0, 0, 0, 0] : x < 16 ? [(x % 3) * 100, 50, 20, 255] : [x * 7, x * 7, x * 7, 255];
    const { bitmap, canvases } = stubBrowser({ width: 500, height: 375, decodes: true, pixel });
    const result = await scanImage(new Blob([JPEG]));
    expect(bitmap.close).toHaveBeenCalledOnce();
    if (!result.ok) throw new Error(`expected a scan, got ${result.reason}`);
    expect(result.width).toBe(500);
    expect(result.height).toBe(375);
    expect(result.sha256).toBe(createHash('sha256').update(JPEG).digest('hex'));
    const rgb = new Uint8Array(DHASH_SOURCE_PX * DHASH_SOURCE_PX * 3);
    for (let y = 0; y < DHASH_SOURCE_PX; y++) {
      for (let x = 0; x < DHASH_SOURCE_PX; x++) {
        const [r = 0, g = 0, b = 0, a = 0] = pixel(x, y);
        rgb.set(a === 0 ? [255, 255, 255] : [r, g, b], (y * DHASH_SOURCE_PX + x) * 3);
      }
    }
    expect(result.dhash).toBe(differenceHash(rgb, DHASH_SOURCE_PX, DHASH_SOURCE_PX));
    expect(result.dhash).toMatch(/^[0-9a-f]{16}$/);
    expect(result.thumbnail.type).toBe('image/jpeg');
    // The hash renders the centre square at 32x32; the thumbnail the whole image on white at 96x72.
    expect(canvases.map((c) => [c.width, c.height])).toEqual([[32, 32], [96, 72]]);
    expect(canvases[0]?.calls).toEqual([['drawImage', 62, 0, 375, 375, 0, 0, 32, 32]]);
    expect(canvases[1]?.calls).toEqual([
      ['fillRect', '#ffffff', 0, 0, 96, 72],
      ['drawImage', 0, 0, 96, 72],
      ['convertToBlob', 'image/jpeg'],
    ]);
    expect(THUMBNAIL_MAX_SIDE_PX).toBe(96);
  });

  it('gives a reason for each kind of bad file instead of rejecting', async () => {
    stubBrowser({ width: 10, height: 10, decodes: false, pixel: () => [0, 0, 0, 255] });
    expect(await scanImage(new Blob([]))).toEqual({ ok: false, reason: EMPTY_FILE_REASON });
    expect(await scanImage(new Blob(['hello, not an image\n']))).toEqual({
      ok: false,
      reason: scanFailureReason(20, bytes('hello, not an image\n')),
    });
    const truncated = await scanImage(new Blob([JPEG.slice(0, 20_000)]));
    expect(truncated).toEqual({ ok: false, reason: 'corrupt or truncated JPEG file: the browser could not decode it' });
  });

  it('rejects when the environment cannot decode images at all', async () => {
    vi.stubGlobal('createImageBitmap', undefined);
    await expect(scanImage(new Blob([JPEG]))).rejects.toThrow(/cannot decode images/);
  });
});
