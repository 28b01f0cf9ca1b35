/**
 * Generated image folders for the scale benchmark, made in the page: distinct JPEGs (the browser's own
 * encoder, `OffscreenCanvas.convertToBlob`) in class folders, as `File`s with the paths a folder input gives.
 */
import type { PickedFile } from '../state';

/**
 * `count` distinct square JPEGs under `<name>/class-<k>/img-<i>.jpg`, image i in class i mod `classes`: each
 * class its own colour, a per-image stripe pattern so that no two files (nor their perceptual hashes) are
 * alike. `sizesPx`: one side for every image, or several taken in turn within each class (image i's is
 * `sizesPx[floor(i / classes) mod n]`). The first n images of a larger set are the set of n.
 */
export async function generateImages(name: string, count: number, classes: number, sizesPx: number | readonly number[]): Promise<PickedFile[]> {
  const sides = typeof sizesPx === 'number' ? [sizesPx] : sizesPx;
  const drawers = new Map(sides.map((side) => {
    const canvas = new OffscreenCanvas(side, side);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2D canvas to draw the generated images');
    return [side, { canvas, context, image: context.createImageData(side, side) }] as const;
  }));
  const files: PickedFile[] = [];
  for (let i = 0; i < count; i++) {
    const k = i % classes;
    const sizePx = sides[Math.floor(i / classes) % sides.length] ?? 96;
    const drawer = drawers.get(sizePx);
    if (!drawer) throw new Error(`no canvas of ${sizePx} px`);
    const { canvas, context, image } = drawer;
    const data = image.data;
    for (let p = 0; p < sizePx * sizePx; p++) {
      const x = p % sizePx;
      const y = Math.floor(p / sizePx);
      data[p * 4] = (k * 25 + x) & 255;
      data[p * 4 + 1] = (y * 2 + ((x * (i + 1)) % 64)) & 255;
      data[p * 4 + 2] = ((i * 7 + x + y) % 255) & 255;
      data[p * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
    const path = `${name}/class-${k}/img-${String(i).padStart(5, '0')}.jpg`;
    files.push({ file: new File([blob], path.slice(path.lastIndexOf('/') + 1), { type: 'image/jpeg' }), path });
  }
  return files;
}
