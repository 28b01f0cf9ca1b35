import { describe, expect, it } from 'vitest';
import { IDENTITY_AUGMENT } from './augment';
import { checkPhotoFit, cropSourceRect, DEFAULT_PHOTO_FIT, fitFrame, PHOTO_FITS, viewRects } from './photoFit';

const WHOLE = IDENTITY_AUGMENT.crop;

describe('checkPhotoFit', () => {
  it('accepts the three fits, defaults a missing one to crop, rejects anything else', () => {
    for (const fit of PHOTO_FITS) expect(checkPhotoFit(fit)).toBe(fit);
    expect(PHOTO_FITS).toEqual(['crop', 'letterbox', 'squash']);
    expect(checkPhotoFit(undefined)).toBe('crop');
    expect(DEFAULT_PHOTO_FIT).toBe('crop');
    for (const bad of ['pad', '', null, 3, 'Crop']) expect(() => checkPhotoFit(bad)).toThrow(RangeError);
  });
});

describe('fitFrame', () => {
  it('crop: the centre square, cutting the long side', () => {
    expect(fitFrame(300, 400, 'crop')).toEqual({ sx: 0, sy: 50, sw: 300, sh: 300 });
    expect(fitFrame(640, 480, 'crop')).toEqual({ sx: 80, sy: 0, sw: 480, sh: 480 });
  });

  it('letterbox: the square of the long side, centred, reaching into the pad on the short side', () => {
    expect(fitFrame(300, 400, 'letterbox')).toEqual({ sx: -50, sy: 0, sw: 400, sh: 400 });
    expect(fitFrame(640, 480, 'letterbox')).toEqual({ sx: 0, sy: -80, sw: 640, sh: 640 });
    expect(fitFrame(31, 40, 'letterbox')).toEqual({ sx: -4.5, sy: 0, sw: 40, sh: 40 });
  });

  it('squash: the whole photo', () => {
    expect(fitFrame(300, 400, 'squash')).toEqual({ sx: 0, sy: 0, sw: 300, sh: 400 });
  });

  it('every fit is the whole photo when it is square', () => {
    for (const fit of PHOTO_FITS) expect(fitFrame(224, 224, fit)).toEqual({ sx: 0, sy: 0, sw: 224, sh: 224 });
  });

  it('rejects bad sizes and fits', () => {
    expect(() => fitFrame(0, 10, 'squash')).toThrow(RangeError);
    expect(() => fitFrame(10, 10, 'stretch' as never)).toThrow(RangeError);
  });
});

describe('cropSourceRect with a fit', () => {
  it('takes crop fractions of the fitted frame', () => {
    const crop = { x: 0.25, y: 0.5, width: 0.5, height: 0.25 };
    // crop: of the 300x300 square at y = 50.
    expect(cropSourceRect(300, 400, crop, 'crop')).toEqual({ sx: 75, sy: 200, sw: 150, sh: 75 });
    // squash: of the whole 300x400 photo (a square crop of the output is a 3:4 piece of the photo).
    expect(cropSourceRect(300, 400, crop, 'squash')).toEqual({ sx: 75, sy: 200, sw: 150, sh: 100 });
    // letterbox: of the 400x400 frame at x = -50.
    expect(cropSourceRect(300, 400, crop, 'letterbox')).toEqual({ sx: 50, sy: 200, sw: 200, sh: 100 });
  });
});

describe('viewRects', () => {
  it('crop and squash fill the square with photo, never pad', () => {
    expect(viewRects(300, 400, WHOLE, 'crop', 224)).toEqual({
      source: { sx: 0, sy: 50, sw: 300, sh: 300 },
      dest: { dx: 0, dy: 0, dw: 224, dh: 224 },
      padded: false,
    });
    expect(viewRects(300, 400, WHOLE, 'squash', 224)).toEqual({
      source: { sx: 0, sy: 0, sw: 300, sh: 400 },
      dest: { dx: 0, dy: 0, dw: 224, dh: 224 },
      padded: false,
    });
  });

  it('letterbox draws the whole photo centred, with pad bands on the short side', () => {
    // 3:4 portrait on a 40 px square: the photo is 30 px wide, 5 px bands left and right.
    expect(viewRects(300, 400, WHOLE, 'letterbox', 40)).toEqual({
      source: { sx: 0, sy: 0, sw: 300, sh: 400 },
      dest: { dx: 5, dy: 0, dw: 30, dh: 40 },
      padded: true,
    });
    // 4:3 landscape: bands at the top and bottom.
    expect(viewRects(400, 300, WHOLE, 'letterbox', 40)).toEqual({
      source: { sx: 0, sy: 0, sw: 400, sh: 300 },
      dest: { dx: 0, dy: 5, dw: 40, dh: 30 },
      padded: true,
    });
  });

  it('letterbox: a crop clips to the photo, keeps its scale, and may show only pad', () => {
    // The left half of the frame: 50 px of pad, then the photo's left 150 px, scaled by 40 / 200.
    const left = viewRects(300, 400, { x: 0, y: 0, width: 0.5, height: 1 }, 'letterbox', 40);
    expect(left.source).toEqual({ sx: 0, sy: 0, sw: 150, sh: 400 });
    expect(left.dest).toEqual({ dx: 10, dy: 0, dw: 30, dh: 40 });
    expect(left.padded).toBe(true);
    // Inside the photo: no pad.
    const inner = viewRects(300, 400, { x: 0.25, y: 0.25, width: 0.5, height: 0.5 }, 'letterbox', 40);
    expect(inner).toEqual({ source: { sx: 50, sy: 100, sw: 200, sh: 200 }, dest: { dx: 0, dy: 0, dw: 40, dh: 40 }, padded: false });
    // Wholly in the left band.
    expect(viewRects(300, 400, { x: 0, y: 0, width: 0.1, height: 0.1 }, 'letterbox', 40)).toEqual({
      source: null,
      dest: null,
      padded: true,
    });
  });

  it('keeps the source inside the photo when crop fractions round past the edge', () => {
    const { source, padded } = viewRects(100, 100, { x: 0.7, y: 0, width: 0.30000000000000004, height: 1 }, 'squash', 10);
    expect(padded).toBe(false);
    expect((source?.sx ?? 0) + (source?.sw ?? 0)).toBeLessThanOrEqual(100);
  });
});
