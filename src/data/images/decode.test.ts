import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDENTITY_AUGMENT } from './augment';
import type { AugmentParams } from './augment';
import {
  centerCropRect,
  cropSourceRect,
  DECODE_ERROR_MESSAGE,
  decodeImageToRgb,
  decodeViewsToRgb,
  rgbaToRgb,
  viewTransform,
} from './decode';
import type { Transform2d } from './decode';
import { stubSoftware } from './testing/softwareCanvas';
import type { FakeImage, Rgba } from './testing/softwareCanvas';

describe('centerCropRect', () => {
  it('crops landscape, portrait and square images to the centred square', () => {
    expect(centerCropRect(640, 480)).toEqual({ sx: 80, sy: 0, size: 480 });
    expect(centerCropRect(193, 130)).toEqual({ sx: 31, sy: 0, size: 130 });
    expect(centerCropRect(300, 500)).toEqual({ sx: 0, sy: 100, size: 300 });
    expect(centerCropRect(224, 224)).toEqual({ sx: 0, sy: 0, size: 224 });
    expect(() => centerCropRect(0, 10)).toThrow(RangeError);
  });
});

describe('rgbaToRgb', () => {
  it('drops alpha of opaque pixels and composites translucent ones over white', () => {
    const rgba = new Uint8ClampedArray([
      10, 20, 30, 255, // opaque: unchanged
      10, 20, 30, 0, // transparent: white
      0, 100, 255, 128, // half: a*c + (1-a)*255
    ]);
    const half = (c: number) => Math.round((128 / 255) * c + (1 - 128 / 255) * 255);
    expect([...rgbaToRgb(rgba)]).toEqual([10, 20, 30, 255, 255, 255, half(0), half(100), half(255)]);
    expect([half(0), half(100), half(255)]).toEqual([127, 177, 255]);
  });

  it('converts only pixelCount pixels and checks the length', () => {
    const rgba = new Uint8Array([1, 2, 3, 255, 4, 5, 6, 255]);
    expect(rgbaToRgb(rgba, 1)).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => rgbaToRgb(rgba, 3)).toThrow(RangeError);
  });
});

describe('cropSourceRect', () => {
  it('maps the whole crop to the centre square', () => {
    expect(cropSourceRect(640, 480, IDENTITY_AUGMENT.crop)).toEqual({ sx: 80, sy: 0, sw: 480, sh: 480 });
    expect(cropSourceRect(300, 500, IDENTITY_AUGMENT.crop)).toEqual({ sx: 0, sy: 100, sw: 300, sh: 300 });
  });

  it('maps fractions of the centre square to source pixels, fractional ones included', () => {
    expect(cropSourceRect(640, 480, { x: 0.25, y: 0.5, width: 0.5, height: 0.25 })).toEqual({
      sx: 80 + 120,
      sy: 240,
      sw: 240,
      sh: 120,
    });
    const rect = cropSourceRect(101, 101, { x: 0.1, y: 0, width: 0.3, height: 1 });
    expect(rect.sx).toBeCloseTo(10.1, 9);
    expect(rect.sw).toBeCloseTo(30.3, 9);
    expect(rect.sh).toBe(101);
  });

  it('tolerates rounding at the edge but rejects crops outside the square or empty', () => {
    const rect = cropSourceRect(100, 100, { x: 0.7, y: 0, width: 0.30000000000000004, height: 1 });
    expect(rect.sx + rect.sw).toBeLessThanOrEqual(100);
    expect(() => cropSourceRect(100, 100, { x: 0.8, y: 0, width: 0.3, height: 1 })).toThrow(RangeError);
    expect(() => cropSourceRect(100, 100, { x: -0.1, y: 0, width: 0.5, height: 1 })).toThrow(RangeError);
    expect(() => cropSourceRect(100, 100, { x: 0, y: 0, width: 0, height: 1 })).toThrow(RangeError);
  });
});

const apply = (t: Transform2d, x: number, y: number): [number, number] => [
  t[0] * x + t[2] * y + t[4],
  t[1] * x + t[3] * y + t[5],
];

describe('viewTransform', () => {
  const close = (actual: [number, number], expected: [number, number]) => {
    expect(actual[0]).toBeCloseTo(expected[0], 9);
    expect(actual[1]).toBeCloseTo(expected[1], 9);
  };

  it('is the identity without flip or rotation', () => {
    const t = viewTransform(224, { flip: false, rotationDeg: 0 });
    close(apply(t, 0, 0), [0, 0]);
    close(apply(t, 224, 10), [224, 10]);
  });

  it('mirrors left to right about the centre', () => {
    const t = viewTransform(10, { flip: true, rotationDeg: 0 });
    close(apply(t, 0, 3), [10, 3]);
    close(apply(t, 2, 7), [8, 7]);
  });

  it('rotates clockwise on screen (y down) about the centre', () => {
    const t = viewTransform(10, { flip: false, rotationDeg: 90 });
    close(apply(t, 0, 0), [10, 0]); // top-left corner goes to top-right
    close(apply(t, 10, 0), [10, 10]);
    close(apply(t, 5, 5), [5, 5]);
  });

  it('flips before rotating and keeps the centre and distances for any angle', () => {
    const t = viewTransform(10, { flip: true, rotationDeg: 90 });
    close(apply(t, 0, 0), [10, 10]); // mirrored to top-right, then rotated to bottom-right
    for (const rotationDeg of [-13.7, 4, 30]) {
      const u = viewTransform(8, { flip: true, rotationDeg });
      close(apply(u, 4, 4), [4, 4]);
      const [x, y] = apply(u, 0, 0);
      expect(Math.hypot(x - 4, y - 4)).toBeCloseTo(Math.hypot(4, 4), 9);
    }
  });
});

/** Stubs `createImageBitmap` and `OffscreenCanvas` with a fake 2D context that records what is drawn. */
function stubCanvas(options: { width: number; height: number; filterSupported: boolean; rgba: (k: number) => number }) {
  const calls: unknown[][] = [];
  const bitmap = { width: options.width, height: options.height, close: vi.fn() };
  const context: Record<string, unknown> = {
    imageSmoothingEnabled: false,
    imageSmoothingQuality: 'low',
    setTransform: (...args: number[]) => calls.push(['setTransform', ...args.map((v) => Math.round(v * 1000) / 1000 + 0)]),
    drawImage: (...args: unknown[]) =>
      calls.push(['drawImage', context.filter, context.imageSmoothingQuality, ...args.slice(1)]),
    getImageData: (_x: number, _y: number, w: number, h: number) => ({
      data: new Uint8ClampedArray(w * h * 4).map((_, k) => options.rgba(k)),
    }),
  };
  if (options.filterSupported) context.filter = 'none';
  vi.stubGlobal('createImageBitmap', (_blob: Blob, bitmapOptions: ImageBitmapOptions) => {
    calls.push(['createImageBitmap', bitmapOptions.imageOrientation]);
    return Promise.resolve(bitmap);
  });
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      constructor(width: number, height: number) {
        calls.push(['canvas', width, height]);
      }
      getContext() {
        return context;
      }
    },
  );
  return { calls, bitmap };
}

describe('decodeImageToRgb', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('explains when the environment cannot decode images', async () => {
    vi.stubGlobal('createImageBitmap', undefined);
    await expect(decodeImageToRgb(new Blob([]), 4)).rejects.toThrow(/cannot decode images/);
  });

  it('reports a corrupt file with a readable message', async () => {
    vi.stubGlobal('OffscreenCanvas', class {});
    vi.stubGlobal('createImageBitmap', () => Promise.reject(new DOMException('bad', 'InvalidStateError')));
    await expect(decodeImageToRgb(new Blob(['x']), 4)).rejects.toThrow(DECODE_ERROR_MESSAGE);
  });

  it('rejects an image without pixels and closes its bitmap', async () => {
    const { bitmap } = stubCanvas({ width: 0, height: 0, filterSupported: true, rgba: () => 0 });
    await expect(decodeImageToRgb(new Blob(['x']), 4)).rejects.toThrow(DECODE_ERROR_MESSAGE);
    expect(bitmap.close).toHaveBeenCalledOnce();
  });

  it('draws the centre square at sizePx, composites on white and closes the bitmap', async () => {
    // Opaque grey pixels, except the last pixel, which is fully transparent (as a rotated corner would be).
    const { calls, bitmap } = stubCanvas({
      width: 40,
      height: 20,
      filterSupported: true,
      rgba: (k) => (k >= 32 ? 0 : k % 4 === 3 ? 255 : 200),
    });
    const rgb = await decodeImageToRgb(new Blob(['x']), 3);
    expect(rgb).toHaveLength(27);
    expect([...rgb.subarray(0, 24)].every((v) => v === 200)).toBe(true);
    expect([...rgb.subarray(24)]).toEqual([255, 255, 255]);
    expect(calls).toEqual([
      ['createImageBitmap', 'from-image'],
      ['canvas', 3, 3],
      ['setTransform', 1, 0, 0, 1, 0, 0],
      ['drawImage', 'none', 'high', 10, 0, 20, 20, 0, 0, 3, 3],
    ]);
    expect(bitmap.close).toHaveBeenCalledOnce();
  });

  it('draws an augmented view: crop rectangle, flip and rotation transform, colour filter', async () => {
    const { calls, bitmap } = stubCanvas({ width: 40, height: 20, filterSupported: true, rgba: () => 255 });
    const params: AugmentParams = {
      crop: { x: 0.5, y: 0.25, width: 0.5, height: 0.75 },
      flip: true,
      rotationDeg: 90,
      brightness: 1.1,
      contrast: 1,
      saturation: 0.8,
    };
    const rgb = await decodeImageToRgb(new Blob(['x']), { sizePx: 4, params });
    expect(rgb).toHaveLength(48);
    expect(calls.slice(2)).toEqual([
      ['setTransform', 0, -1, -1, 0, 4, 4],
      ['drawImage', 'brightness(1.1) saturate(0.8)', 'high', 20, 5, 10, 15, 0, 0, 4, 4],
    ]);
    expect(bitmap.close).toHaveBeenCalledOnce();
  });

  it('applies the colour factors itself where the canvas has no filter', async () => {
    const rgba = (k: number) => (k % 4 === 3 ? 255 : 100);
    stubCanvas({ width: 8, height: 8, filterSupported: false, rgba });
    const params = { ...IDENTITY_AUGMENT, brightness: 1.5 };
    const rgb = await decodeImageToRgb(new Blob(['x']), { sizePx: 2, params });
    expect([...new Set(rgb)]).toEqual([150]);
    vi.unstubAllGlobals();
    stubCanvas({ width: 8, height: 8, filterSupported: false, rgba });
    expect([...new Set(await decodeImageToRgb(new Blob(['x']), { sizePx: 2 }))]).toEqual([100]);
  });

  it('checks sizePx in both forms', async () => {
    stubCanvas({ width: 8, height: 8, filterSupported: true, rgba: () => 255 });
    await expect(decodeImageToRgb(new Blob(['x']), 0)).rejects.toThrow(RangeError);
    await expect(decodeImageToRgb(new Blob(['x']), { sizePx: 2.5 })).rejects.toThrow(RangeError);
  });
});

const RED: Rgba = [255, 0, 0, 255];
const BLUE: Rgba = [0, 0, 255, 255];
const GREEN: Rgba = [0, 255, 0, 255];
const MAGENTA: Rgba = [255, 0, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];
const PAD = [128, 128, 128];
const WHITE = [255, 255, 255];

/**
 * A 30 x 40 (3:4) portrait: a 5-row green band at the top and a magenta one at the bottom; between them
 * the left half red, the right half blue; optionally one transparent pixel at (14, 20).
 */
function portrait(withHole = false): FakeImage {
  return {
    width: 30,
    height: 40,
    pixel: (x, y) => {
      if (withHole && x === 14 && y === 20) return CLEAR;
      if (y < 5) return GREEN;
      if (y >= 35) return MAGENTA;
      return x < 15 ? RED : BLUE;
    },
    close: vi.fn(),
  };
}

/** The RGB of pixel (x, y) of a `sizePx` square. */
const at = (rgb: Uint8Array, sizePx: number, x: number, y: number): number[] => [...rgb.subarray((y * sizePx + x) * 3, (y * sizePx + x) * 3 + 3)];
const row = (rgb: Uint8Array, sizePx: number, y: number): number[][] => Array.from({ length: sizePx }, (_, x) => at(rgb, sizePx, x, y));
const column = (rgb: Uint8Array, sizePx: number, x: number): number[][] => Array.from({ length: sizePx }, (_, y) => at(rgb, sizePx, x, y));
const colours = (pixels: number[][]): string[] => [...new Set(pixels.map((p) => p.join(',')))].sort();

describe('decodeImageToRgb: photo fits on a 3:4 portrait', () => {
  afterEach(() => vi.unstubAllGlobals());
  const SIZE = 40;

  it('crop (the default) keeps the centre square: the long side is cut, no green or magenta bands', async () => {
    stubSoftware(portrait());
    const rgb = await decodeImageToRgb(new Blob(['x']), { sizePx: SIZE, fit: 'crop' });
    stubSoftware(portrait());
    expect(await decodeImageToRgb(new Blob(['x']), SIZE)).toEqual(rgb);
    const all = Array.from({ length: SIZE }, (_, y) => row(rgb, SIZE, y)).flat();
    expect(colours(all)).toEqual(['0,0,255', '255,0,0']);
    expect(column(rgb, SIZE, 0).every((p) => p.join() === '255,0,0')).toBe(true);
    expect(column(rgb, SIZE, SIZE - 1).every((p) => p.join() === '0,0,255')).toBe(true);
  });

  it('squash keeps the whole photo, bands included, stretched to the square with no pad', async () => {
    stubSoftware(portrait());
    const rgb = await decodeImageToRgb(new Blob(['x']), { sizePx: SIZE, fit: 'squash' });
    // 5 of 40 photo rows are green: 5 of 40 output rows; the red half is 20 of 40 columns.
    for (let y = 0; y < 5; y++) expect(colours(row(rgb, SIZE, y))).toEqual(['0,255,0']);
    for (let y = 35; y < 40; y++) expect(colours(row(rgb, SIZE, y))).toEqual(['255,0,255']);
    expect(at(rgb, SIZE, 19, 20)).toEqual([255, 0, 0]);
    expect(at(rgb, SIZE, 20, 20)).toEqual([0, 0, 255]);
    expect(colours(Array.from({ length: SIZE }, (_, y) => row(rgb, SIZE, y)).flat())).not.toContain(PAD.join());
  });

  it('letterbox keeps the whole photo at its aspect, with grey pad bands left and right', async () => {
    stubSoftware(portrait(true));
    const rgb = await decodeImageToRgb(new Blob(['x']), { sizePx: SIZE, fit: 'letterbox' });
    // The photo is 30 px wide on the 40 px square: 5 px bands each side, then the photo at scale 1.
    for (const x of [0, 1, 2, 3, 4, 35, 36, 37, 38, 39]) expect(colours(column(rgb, SIZE, x))).toEqual([PAD.join()]);
    for (let x = 5; x < 35; x++) {
      expect(at(rgb, SIZE, x, 0)).toEqual([0, 255, 0]);
      expect(at(rgb, SIZE, x, 39)).toEqual([255, 0, 255]);
    }
    expect(at(rgb, SIZE, 5, 20)).toEqual([255, 0, 0]);
    expect(at(rgb, SIZE, 34, 20)).toEqual([0, 0, 255]);
    // Transparency inside the photo is still white, not pad.
    expect(at(rgb, SIZE, 5 + 14, 20)).toEqual(WHITE);
  });

  it('letterbox views: a crop into the band keeps it grey; a quarter turn moves the bands; exposed corners are pad', async () => {
    const view = (params: Partial<AugmentParams>) => ({ sizePx: SIZE, fit: 'letterbox' as const, params: { ...IDENTITY_AUGMENT, ...params } });
    stubSoftware(portrait());
    // The left half of the frame, enlarged twice: a 10 px band, then the photo's red left half.
    const left = await decodeImageToRgb(new Blob(['x']), view({ crop: { x: 0, y: 0, width: 0.5, height: 1 } }));
    expect(colours(column(left, SIZE, 9))).toEqual([PAD.join()]);
    expect(at(left, SIZE, 10, 20)).toEqual([255, 0, 0]);
    stubSoftware(portrait());
    const band = await decodeImageToRgb(new Blob(['x']), view({ crop: { x: 0, y: 0, width: 0.1, height: 0.1 } }));
    expect(colours(Array.from({ length: SIZE }, (_, y) => row(band, SIZE, y)).flat())).toEqual([PAD.join()]);
    stubSoftware(portrait());
    const turned = await decodeImageToRgb(new Blob(['x']), view({ rotationDeg: 90 }));
    for (const y of [0, 4, 35, 39]) expect(colours(row(turned, SIZE, y))).toEqual([PAD.join()]);
    // Clockwise: the photo's top (green) is now on the right.
    expect(at(turned, SIZE, 39, 20)).toEqual([0, 255, 0]);
    stubSoftware(portrait());
    const tilted = await decodeImageToRgb(new Blob(['x']), view({ rotationDeg: 30 }));
    expect(at(tilted, SIZE, 0, 0)).toEqual(PAD);
  });

  it('crop and squash leave the corners a rotation exposes white, as before fits existed', async () => {
    for (const fit of ['crop', 'squash'] as const) {
      stubSoftware(portrait());
      const rgb = await decodeImageToRgb(new Blob(['x']), { sizePx: SIZE, fit, params: { ...IDENTITY_AUGMENT, rotationDeg: 30 } });
      expect(at(rgb, SIZE, 0, 0)).toEqual(WHITE);
    }
  });

  it('rejects an unknown fit before decoding', async () => {
    stubSoftware(portrait());
    await expect(decodeImageToRgb(new Blob(['x']), { sizePx: SIZE, fit: 'stretch' as never })).rejects.toThrow(/photoFit/);
  });
});

describe('rgbaToRgb over a background', () => {
  it('composites translucent pixels over the given background, opaque ones unchanged', () => {
    const rgba = new Uint8Array([10, 20, 30, 255, 0, 0, 0, 0, 200, 200, 200, 128]);
    const background = new Uint8Array([1, 2, 3, 128, 128, 128, 0, 0, 0]);
    expect([...rgbaToRgb(rgba, 3, background)]).toEqual([10, 20, 30, 128, 128, 128, 100, 100, 100]);
    expect(() => rgbaToRgb(rgba, 3, new Uint8Array(6))).toThrow(RangeError);
  });
});

describe('decodeViewsToRgb', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('decodes the file once and draws each view as decodeImageToRgb draws it alone', async () => {
    const views: (AugmentParams | undefined)[] = [
      undefined,
      { ...IDENTITY_AUGMENT, flip: true },
      { ...IDENTITY_AUGMENT, crop: { x: 0.1, y: 0.2, width: 0.6, height: 0.6 } },
    ];
    const alone: Uint8Array[] = [];
    for (const params of views) {
      stubSoftware(portrait());
      alone.push(await decodeImageToRgb(new Blob(['x']), { sizePx: 24, fit: 'squash', ...(params && { params }) }));
    }
    stubSoftware(portrait());
    let decodes = 0;
    const image = portrait();
    vi.stubGlobal('createImageBitmap', () => {
      decodes++;
      return Promise.resolve(image);
    });
    const together = await decodeViewsToRgb(new Blob(['x']), { sizePx: 24, fit: 'squash', views });
    expect(decodes).toBe(1);
    expect(together).toEqual(alone);
    expect(together[0]).not.toEqual(together[1]);
  });
});
