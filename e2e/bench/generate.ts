/**
 * Generated image folders for the scale benchmark: distinct JPEGs in class folders, written with jpeg-js.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';

/**
 * Writes `count` distinct `sizePx` x `sizePx` JPEGs under `<root>/generated/class-<k>/img-<i>.jpg`, image i
 * in class i mod `classes`, and returns the dataset folder. Each class has its own colour; a per-image stripe
 * pattern makes every file different.
 */
export function generateFolder(root: string, count: number, classes: number, sizePx: number): string {
  const folder = join(root, 'generated');
  for (let i = 0; i < count; i++) {
    const k = i % classes;
    const dir = join(folder, `class-${k}`);
    if (i < classes) mkdirSync(dir, { recursive: true });
    const data = Buffer.alloc(sizePx * sizePx * 4);
    for (let p = 0; p < sizePx * sizePx; p++) {
      const x = p % sizePx;
      const y = Math.floor(p / sizePx);
      data[p * 4] = (k * 25 + x) & 255;
      data[p * 4 + 1] = (y * 2 + ((x * (i + 1)) % 64)) & 255;
      data[p * 4 + 2] = ((i * 7 + x + y) % 255) & 255;
      data[p * 4 + 3] = 255;
    }
    writeFileSync(join(dir, `img-${String(i).padStart(5, '0')}.jpg`), jpeg.encode({ data, width: sizePx, height: sizePx }, 80).data);
  }
  return folder;
}
