/**
 * Builds a video for Chromium's fake camera (`--use-file-for-fake-video-capture`): YUV4MPEG2, 4:2:0
 * (I420), from dataset photos, each centre-cropped to a square and resized by area averaging.
 */
import { readFile, writeFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';

/** The centre square of a JPEG photo, resized to `sizePx` x `sizePx` by averaging, as RGB bytes. */
export function squareRgb(jpegBytes: Uint8Array, sizePx: number): Uint8Array {
  const image = jpeg.decode(jpegBytes, { useTArray: true, formatAsRGBA: true });
  const side = Math.min(image.width, image.height);
  const left = Math.floor((image.width - side) / 2);
  const top = Math.floor((image.height - side) / 2);
  const out = new Uint8Array(sizePx * sizePx * 3);
  for (let y = 0; y < sizePx; y++) {
    const y0 = top + Math.floor((y * side) / sizePx);
    const y1 = Math.max(y0 + 1, top + Math.floor(((y + 1) * side) / sizePx));
    for (let x = 0; x < sizePx; x++) {
      const x0 = left + Math.floor((x * side) / sizePx);
      const x1 = Math.max(x0 + 1, left + Math.floor(((x + 1) * side) / sizePx));
      const sum = [0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const at = (sy * image.width + sx) * 4;
          for (let c = 0; c < 3; c++) sum[c] = (sum[c] ?? 0) + (image.data[at + c] ?? 0);
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 3; c++) out[(y * sizePx + x) * 3 + c] = Math.round((sum[c] ?? 0) / count);
    }
  }
  return out;
}

const clampByte = (v: number): number => Math.max(0, Math.min(255, Math.round(v)));

/** RGB (`sizePx`², even) to one I420 frame: BT.601 limited range, chroma averaged over 2x2 blocks. */
export function rgbToI420(rgb: Uint8Array, sizePx: number): Uint8Array {
  const area = sizePx * sizePx;
  const half = sizePx / 2;
  const frame = new Uint8Array(area + 2 * half * half);
  const px = (x: number, y: number, c: number): number => rgb[(y * sizePx + x) * 3 + c] ?? 0;
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      frame[y * sizePx + x] = clampByte(16 + (65.481 * px(x, y, 0) + 128.553 * px(x, y, 1) + 24.966 * px(x, y, 2)) / 255);
    }
  }
  for (let y = 0; y < half; y++) {
    for (let x = 0; x < half; x++) {
      const mean = (c: number): number => (px(2 * x, 2 * y, c) + px(2 * x + 1, 2 * y, c) + px(2 * x, 2 * y + 1, c) + px(2 * x + 1, 2 * y + 1, c)) / 4;
      const [r, g, b] = [mean(0), mean(1), mean(2)];
      frame[area + y * half + x] = clampByte(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      frame[area + half * half + y * half + x] = clampByte(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return frame;
}

/**
 * Writes a .y4m of `photos` (JPEG paths), each shown for `framesEach` frames at `fps`, as `sizePx`-square
 * frames. Chromium plays it at `fps` and loops it.
 */
export async function writeY4m(path: string, photos: readonly string[], options: { sizePx: number; fps: number; framesEach: number }): Promise<void> {
  const { sizePx, fps, framesEach } = options;
  const parts: Uint8Array[] = [Buffer.from(`YUV4MPEG2 W${sizePx} H${sizePx} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const photo of photos) {
    const frame = rgbToI420(squareRgb(await readFile(photo), sizePx), sizePx);
    for (let i = 0; i < framesEach; i++) parts.push(Buffer.from('FRAME\n'), frame);
  }
  await writeFile(path, Buffer.concat(parts));
}
