import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng';
import {
  applyColorFactors,
  canvasFilter,
  DEFAULT_AUGMENT,
  IDENTITY_AUGMENT,
  sampleAugmentParams,
  viewSeed,
} from './augment';
import type { AugmentParams, AugmentSettings } from './augment';

const OFF: AugmentSettings = {
  randomCrop: false,
  cropScaleMin: 0.6,
  horizontalFlip: false,
  rotationDeg: 0,
  brightness: 0,
  contrast: 0,
  saturation: 0,
};

const samples = (settings: AugmentSettings, count: number): AugmentParams[] =>
  Array.from({ length: count }, (_, i) => sampleAugmentParams(settings, createRng(viewSeed(7, i, 0))));

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe('sampleAugmentParams', () => {
  it('gives exactly the identity view when every option is off', () => {
    for (const params of samples(OFF, 50)) expect(params).toEqual(IDENTITY_AUGMENT);
  });

  it('draws crops of the allowed area and aspect inside the square', () => {
    const all = samples(DEFAULT_AUGMENT, 2000);
    for (const { crop } of all) {
      const area = crop.width * crop.height;
      expect(area).toBeGreaterThanOrEqual(0.6 - 1e-12);
      expect(area).toBeLessThanOrEqual(1 + 1e-12);
      expect(crop.width / crop.height).toBeGreaterThanOrEqual(3 / 4 - 1e-12);
      expect(crop.width / crop.height).toBeLessThanOrEqual(4 / 3 + 1e-12);
      expect(crop.x).toBeGreaterThanOrEqual(0);
      expect(crop.y).toBeGreaterThanOrEqual(0);
      expect(crop.x + crop.width).toBeLessThanOrEqual(1 + 1e-12);
      expect(crop.y + crop.height).toBeLessThanOrEqual(1 + 1e-12);
    }
    // Area uniform in [0.6, 1]: mean 0.8; both orientations of the aspect occur; positions spread out.
    expect(mean(all.map((p) => p.crop.width * p.crop.height))).toBeCloseTo(0.8, 1);
    expect(all.some((p) => p.crop.width / p.crop.height > 1.2)).toBe(true);
    expect(all.some((p) => p.crop.width / p.crop.height < 0.85)).toBe(true);
    expect(mean(all.map((p) => p.crop.x / (1 - p.crop.width || 1)))).toBeCloseTo(0.5, 1);
  });

  it('flips half the time and draws rotation and colour factors uniformly in their ranges', () => {
    const all = samples(DEFAULT_AUGMENT, 2000);
    expect(mean(all.map((p) => (p.flip ? 1 : 0)))).toBeGreaterThan(0.45);
    expect(mean(all.map((p) => (p.flip ? 1 : 0)))).toBeLessThan(0.55);
    const rotations = all.map((p) => p.rotationDeg);
    expect(Math.min(...rotations)).toBeGreaterThanOrEqual(-10);
    expect(Math.max(...rotations)).toBeLessThanOrEqual(10);
    expect(Math.min(...rotations)).toBeLessThan(-9.5);
    expect(Math.max(...rotations)).toBeGreaterThan(9.5);
    expect(Math.abs(mean(rotations))).toBeLessThan(0.5);
    for (const key of ['brightness', 'contrast', 'saturation'] as const) {
      const values = all.map((p) => p[key]);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(0.8);
      expect(Math.max(...values)).toBeLessThanOrEqual(1.2);
      expect(Math.min(...values)).toBeLessThan(0.82);
      expect(Math.max(...values)).toBeGreaterThan(1.18);
      expect(mean(values)).toBeCloseTo(1, 1);
    }
  });

  it('keeps a view of the full square when cropScaleMin is 1', () => {
    for (const { crop } of samples({ ...OFF, randomCrop: true, cropScaleMin: 1 }, 20)) {
      expect(crop.width).toBeCloseTo(1, 12);
      expect(crop.height).toBeCloseTo(1, 12);
    }
  });

  it('is repeatable, and turning one option off leaves the others unchanged', () => {
    const a = sampleAugmentParams(DEFAULT_AUGMENT, createRng(42));
    expect(sampleAugmentParams(DEFAULT_AUGMENT, createRng(42))).toEqual(a);
    const noFlip = sampleAugmentParams({ ...DEFAULT_AUGMENT, horizontalFlip: false }, createRng(42));
    expect(noFlip).toEqual({ ...a, flip: false });
    const noCrop = sampleAugmentParams({ ...DEFAULT_AUGMENT, randomCrop: false }, createRng(42));
    expect(noCrop).toEqual({ ...a, crop: IDENTITY_AUGMENT.crop });
    expect(sampleAugmentParams(DEFAULT_AUGMENT, createRng(43))).not.toEqual(a);
  });

  it('rejects settings out of range', () => {
    const rng = createRng(1);
    expect(() => sampleAugmentParams({ ...DEFAULT_AUGMENT, cropScaleMin: 0 }, rng)).toThrow(RangeError);
    expect(() => sampleAugmentParams({ ...DEFAULT_AUGMENT, cropScaleMin: 1.5 }, rng)).toThrow(RangeError);
    expect(() => sampleAugmentParams({ ...DEFAULT_AUGMENT, rotationDeg: -5 }, rng)).toThrow(RangeError);
    expect(() => sampleAugmentParams({ ...DEFAULT_AUGMENT, brightness: Number.NaN }, rng)).toThrow(RangeError);
    expect(() => sampleAugmentParams({ ...DEFAULT_AUGMENT, saturation: 2 }, rng)).toThrow(RangeError);
    // cropScaleMin does not matter while the crop is off.
    expect(sampleAugmentParams({ ...OFF, cropScaleMin: 0 }, rng)).toEqual(IDENTITY_AUGMENT);
  });
});

describe('viewSeed', () => {
  it('is a pure function of seed, image and view', () => {
    expect(viewSeed(1, 2, 3)).toBe(viewSeed(1, 2, 3));
    expect(Number.isInteger(viewSeed(1, 2, 3))).toBe(true);
    expect(viewSeed(1, 2, 3)).toBeGreaterThanOrEqual(0);
    expect(viewSeed(1, 2, 3)).toBeLessThan(2 ** 32);
    // Pinned so a change of the mixing (which would change every run's views) is noticed.
    expect([viewSeed(0, 0, 0), viewSeed(42, 7, 1)]).toEqual([2635032946, 1879407540]);
  });

  it('gives every (image, view) pair of a run its own seed, unrelated to swapped arguments', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) for (let v = 0; v < 10; v++) seen.add(viewSeed(123, i, v));
    expect(seen.size).toBe(10_000);
    expect(viewSeed(5, 1, 2)).not.toBe(viewSeed(5, 2, 1));
    expect(viewSeed(5, 1, 2)).not.toBe(viewSeed(6, 1, 2));
  });

  it('changes about half the output bits when one input bit changes', () => {
    const popcount = (x: number): number => x.toString(2).split('').filter((c) => c === '1').length;
    const flips: number[] = [];
    for (let trial = 0; trial < 200; trial++) {
      const base = viewSeed(trial, trial * 3, trial % 7);
      for (let bit = 0; bit < 16; bit++) {
        flips.push(popcount((base ^ viewSeed(trial ^ (1 << bit), trial * 3, trial % 7)) >>> 0));
        flips.push(popcount((base ^ viewSeed(trial, (trial * 3) ^ (1 << bit), trial % 7)) >>> 0));
        flips.push(popcount((base ^ viewSeed(trial, trial * 3, (trial % 7) ^ (1 << bit))) >>> 0));
      }
    }
    expect(mean(flips)).toBeGreaterThan(15.5);
    expect(mean(flips)).toBeLessThan(16.5);
  });

  it('rejects indices that are not uint32', () => {
    expect(() => viewSeed(1, -1, 0)).toThrow(RangeError);
    expect(() => viewSeed(1, 0, 1.5)).toThrow(RangeError);
    expect(() => viewSeed(1, 2 ** 32, 0)).toThrow(RangeError);
  });
});

describe('canvasFilter', () => {
  it('lists the factors that are not 1, in order, with at most 4 decimals', () => {
    expect(canvasFilter(IDENTITY_AUGMENT)).toBe('none');
    expect(canvasFilter({ ...IDENTITY_AUGMENT, brightness: 1.1, contrast: 0.9, saturation: 1.2 })).toBe(
      'brightness(1.1) contrast(0.9) saturate(1.2)',
    );
    expect(canvasFilter({ ...IDENTITY_AUGMENT, saturation: 0.876543 })).toBe('saturate(0.8765)');
    expect(canvasFilter({ ...IDENTITY_AUGMENT, contrast: 0 })).toBe('contrast(0)');
  });
});

describe('applyColorFactors', () => {
  const pixel = (rgba: number[], params: Partial<AugmentParams>): number[] => {
    const data = new Uint8ClampedArray(rgba);
    applyColorFactors(data, { ...IDENTITY_AUGMENT, ...params });
    return [...data];
  };

  it('follows the CSS formulas, clamping each step, and leaves alpha alone', () => {
    expect(pixel([100, 200, 0, 7], {})).toEqual([100, 200, 0, 7]);
    expect(pixel([100, 200, 0, 7], { brightness: 1.5 })).toEqual([150, 255, 0, 7]);
    // contrast 0.5: (c - 127.5) * 0.5 + 127.5
    expect(pixel([0, 255, 127, 255], { contrast: 0.5 })).toEqual([64, 191, 127, 255]);
    // saturate 0: luminance 0.213 r + 0.715 g + 0.072 b in every channel
    expect(pixel([255, 0, 0, 255], { saturation: 0 })).toEqual([54, 54, 54, 255]);
    // brightness is clamped before contrast: 200 * 2 -> 255, then contrast 0.5 -> 191 (and 10 * 2 -> 20 -> 74)
    expect(pixel([200, 10, 10, 255], { brightness: 2, contrast: 0.5 })).toEqual([191, 74, 74, 255]);
    // saturate keeps greys grey
    expect(pixel([90, 90, 90, 255], { saturation: 1.7 })).toEqual([90, 90, 90, 255]);
  });
});
