/**
 * A tiny software canvas for Node tests of the decoder: enough of `OffscreenCanvas` and its 2D context to
 * rasterise what `renderRgb` draws, so the geometry of each photo fit can be checked on real pixels.
 */
import { vi } from 'vitest';
import type { Transform2d } from '../decode';

/** One RGBA pixel, each channel 0-255. */
export type Rgba = readonly [number, number, number, number];

/** A decoded image as `createImageBitmap` would give it, with its pixels as a function. */
export interface FakeImage {
  readonly width: number;
  readonly height: number;
  pixel(x: number, y: number): Rgba;
  close(): void;
}

const apply = (t: Transform2d, x: number, y: number): [number, number] => [
  t[0] * x + t[2] * y + t[4],
  t[1] * x + t[3] * y + t[5],
];

function parseColour(style: string): Rgba {
  if (style === '#fff') return [255, 255, 255, 255];
  const match = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(style);
  if (!match) throw new Error(`the software canvas does not know the colour ${style}`);
  return [Number(match[1]), Number(match[2]), Number(match[3]), 255];
}

/**
 * Enough of `OffscreenCanvasRenderingContext2D` for `renderRgb`: affine `setTransform`, `fillRect`, the
 * nine-argument `drawImage` with nearest sampling, source-over compositing and `getImageData` of the whole
 * canvas, each output pixel sampled at its centre. `filter` is accepted and ignored.
 */
export class SoftwareContext {
  readonly data: Uint8ClampedArray;
  fillStyle = '#000';
  filter = 'none';
  imageSmoothingEnabled = false;
  imageSmoothingQuality = 'low';
  private inverse: Transform2d = [1, 0, 0, 1, 0, 0];

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {
    this.data = new Uint8ClampedArray(width * height * 4);
  }
  setTransform(a: number, b: number, c: number, d: number, e: number, f: number): void {
    const det = a * d - b * c;
    this.inverse = [d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det];
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    const colour = parseColour(this.fillStyle);
    this.paint((u, v) => (u >= x && u < x + w && v >= y && v < y + h ? colour : null));
  }
  drawImage(image: FakeImage, sx: number, sy: number, sw: number, sh: number, dx: number, dy: number, dw: number, dh: number): void {
    this.paint((u, v) => {
      if (!(u >= dx && u < dx + dw && v >= dy && v < dy + dh)) return null;
      return image.pixel(Math.floor(sx + ((u - dx) / dw) * sw), Math.floor(sy + ((v - dy) / dh) * sh));
    });
  }
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } {
    if (x !== 0 || y !== 0 || w !== this.width || h !== this.height) throw new Error('the software canvas reads only all of itself');
    return { data: this.data };
  }
  /** Source-over of `colourAt(u, v)` (canvas coordinates of each pixel centre) onto every pixel it covers. */
  private paint(colourAt: (u: number, v: number) => Rgba | null): void {
    for (let py = 0; py < this.height; py++) {
      for (let px = 0; px < this.width; px++) {
        const [u, v] = apply(this.inverse, px + 0.5, py + 0.5);
        const src = colourAt(u, v);
        if (!src) continue;
        const k = (py * this.width + px) * 4;
        const sa = src[3] / 255;
        const da = (this.data[k + 3] ?? 0) / 255;
        const outA = sa + da * (1 - sa);
        for (let c = 0; c < 3; c++) {
          const blended = outA === 0 ? 0 : ((src[c] ?? 0) * sa + (this.data[k + c] ?? 0) * da * (1 - sa)) / outA;
          this.data[k + c] = Math.round(blended);
        }
        this.data[k + 3] = Math.round(outA * 255);
      }
    }
  }
}

/** Makes `decodeImageToRgb` open `image` and draw on software canvases. */
export function stubSoftware(image: FakeImage): void {
  vi.stubGlobal('createImageBitmap', () => Promise.resolve(image));
  vi.stubGlobal(
    'OffscreenCanvas',
    class {
      private readonly context: SoftwareContext;
      constructor(width: number, height: number) {
        this.context = new SoftwareContext(width, height);
      }
      getContext() {
        return this.context;
      }
    },
  );
}

