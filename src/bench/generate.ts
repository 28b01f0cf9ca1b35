/**
 * Generated image folders for the scale benchmark, made in the page: distinct JPEGs (the browser's own
 * encoder, `OffscreenCanvas.convertToBlob`) in class folders, as `File`s with the paths a folder input gives.
 */
import type { PickedFile } from '../state';

/**
 * `count` distinct `sizePx` x `sizePx` JPEGs under `<name>/class-<k>/img-<i>.jpg`, image i in class
 * i mod `classes`: each class its own colour, a per-image stripe pattern so that no two files (nor their
 * perceptual hashes) are alike. The first n images of a larger set are the set of n.
 */
export async function generateImages(name: string, count: number, classes: number, sizePx: number): Promise<PickedFile[]> {
  const canvas = new OffscreenCanvas(sizePx, sizePx);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas to draw the generated images');
  const image = context.createImageData(sizePx, sizePx);
  const data = image.data;
  const files: PickedFile[] = [];
  for (let i = 0; i < count; i++) {
    const k = i % classes;
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
