import { afterEach, describe, expect, it, vi } from 'vitest';
import { centerCropRect, DECODE_ERROR_MESSAGE, decodeImageToRgb, rgbaToRgb } from './decode';

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

  it('draws the centre square on white at sizePx and closes the bitmap', async () => {
    const calls: unknown[][] = [];
    const bitmap = { width: 40, height: 20, close: vi.fn() };
    const context = {
      fillStyle: '',
      imageSmoothingEnabled: false,
      imageSmoothingQuality: 'low',
      fillRect: (...args: unknown[]) => calls.push(['fillRect', context.fillStyle, ...args]),
      drawImage: (...args: unknown[]) => calls.push(['drawImage', context.imageSmoothingQuality, ...args.slice(1)]),
      getImageData: (_x: number, _y: number, w: number, h: number) => ({
        data: new Uint8ClampedArray(w * h * 4).map((_, k) => (k % 4 === 3 ? 255 : 200)),
      }),
    };
    vi.stubGlobal('createImageBitmap', (_blob: Blob, options: ImageBitmapOptions) => {
      calls.push(['createImageBitmap', options.imageOrientation]);
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
    const rgb = await decodeImageToRgb(new Blob(['x']), 3);
    expect(rgb).toHaveLength(27);
    expect([...new Set(rgb)]).toEqual([200]);
    expect(calls).toEqual([
      ['createImageBitmap', 'from-image'],
      ['canvas', 3, 3],
      ['fillRect', '#ffffff', 0, 0, 3, 3],
      ['drawImage', 'high', 10, 0, 20, 20, 0, 0, 3, 3],
    ]);
    expect(bitmap.close).toHaveBeenCalledOnce();
  });
});
