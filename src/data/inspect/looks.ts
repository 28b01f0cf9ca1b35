/**
 * What an image's scan says about how it looks: too small to learn much from, or almost one flat colour (a
 * blank frame, an empty scan, a failed export). Such images are kept (the user may mean them) but noted. Pure.
 */
import type { DatasetItem, DatasetNote } from '../../core/types';

/** What a scan measured of one decoded image. */
export interface ImageLooks {
  /** Natural size in pixels, after EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** Standard deviation of the grey levels (0-255) of the scan's 32 px centre render (`pixelSpread` in data/images/scan.ts). */
  readonly spread: number;
}

/**
 * Images with a side under this many pixels get a `tiny-images` note: the backbones see 96-224 px, so such an
 * image is enlarged many times over and carries little detail (CIFAR's 32 px images are the smallest common set).
 */
export const MIN_IMAGE_SIDE_PX = 32;

/**
 * Images whose grey levels vary less than this (standard deviation, 0-255) get a `blank-images` note. A white
 * or black frame saved as JPEG measures under 1; the flattest images of the five shared datasets measure 12
 * (a pokemon on white), 15 (rps), 19 (hymenoptera), 21 (faces), 30 (lego) on that render.
 */
export const BLANK_SPREAD = 3;

/** Up to three paths, then how many more. */
function someOf(paths: readonly string[]): string {
  const shown = paths.slice(0, 3).join(', ');
  return paths.length > 3 ? `${shown} and ${paths.length - 3} more` : shown;
}

/**
 * `tiny-images` (a side under `MIN_IMAGE_SIDE_PX`) and `blank-images` (spread under `BLANK_SPREAD`) notes for
 * the items whose looks are known (by file index), each listing its files. Empty when nothing needs saying.
 */
export function looksNotes(items: readonly DatasetItem[], looks: ReadonlyMap<number, ImageLooks>): DatasetNote[] {
  const tiny: string[] = [];
  const blank: string[] = [];
  for (const item of items) {
    const look = looks.get(item.fileIndex);
    if (!look) continue;
    if (Math.min(look.width, look.height) < MIN_IMAGE_SIDE_PX) tiny.push(item.path);
    if (look.spread < BLANK_SPREAD) blank.push(item.path);
  }
  const notes: DatasetNote[] = [];
  if (tiny.length > 0) {
    const message =
      `${tiny.length} image(s) are smaller than ${MIN_IMAGE_SIDE_PX} pixels on a side (${someOf(tiny)}): they are ` +
      `enlarged to the model's input and carry little detail. They are kept; remove them if they are thumbnails or icons by mistake.`;
    notes.push({ level: 'warning', code: 'tiny-images', message, files: tiny });
  }
  if (blank.length > 0) {
    const message =
      `${blank.length} image(s) are almost one flat colour (${someOf(blank)}): blank frames or empty scans teach ` +
      `the model nothing about their class. They are kept; remove them unless blank is what the class looks like.`;
    notes.push({ level: 'warning', code: 'blank-images', message, files: blank });
  }
  return notes;
}
