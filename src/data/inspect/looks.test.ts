import { describe, expect, it } from 'vitest';
import type { DatasetItem } from '../../core/types';
import { pixelSpread } from '../images/scan';
import { BLANK_SPREAD, MIN_IMAGE_SIDE_PX, looksNotes } from './looks';

const item = (fileIndex: number, path: string): DatasetItem => ({ fileIndex, path, classIndex: 0, split: 'train' });

describe('looksNotes', () => {
  it('notes images under the minimum side and images of almost one colour, and nothing else', () => {
    const items = [item(0, 'a/ok.jpg'), item(1, 'a/pixel.png'), item(2, 'a/thin.png'), item(3, 'a/blank.png'), item(4, 'a/unknown.jpg')];
    const looks = new Map([
      [0, { width: 640, height: 480, spread: 50 }],
      [1, { width: 1, height: 1, spread: 0 }],
      [2, { width: 800, height: MIN_IMAGE_SIDE_PX - 1, spread: 20 }],
      [3, { width: 12000, height: 12000, spread: BLANK_SPREAD - 0.5 }],
    ]);
    const notes = looksNotes(items, looks);
    expect(notes.map((n) => [n.code, n.files])).toEqual([
      ['tiny-images', ['a/pixel.png', 'a/thin.png']],
      ['blank-images', ['a/pixel.png', 'a/blank.png']],
    ]);
    expect(notes[0]?.message).toMatch(/^2 image\(s\) are smaller than 32 pixels on a side \(a\/pixel.png, a\/thin.png\)/);
    expect(looksNotes(items.slice(0, 1), looks)).toEqual([]);
  });
});

describe('pixelSpread', () => {
  it('is 0 for one colour, the grey standard deviation otherwise', () => {
    expect(pixelSpread(new Uint8Array([200, 10, 30, 200, 10, 30]))).toBe(0);
    // Black and white pixels: grey levels 0 and 255, standard deviation 127.5.
    expect(pixelSpread(new Uint8Array([0, 0, 0, 255, 255, 255]))).toBeCloseTo(127.5, 6);
    expect(pixelSpread(new Uint8Array([]))).toBe(0);
  });
});
