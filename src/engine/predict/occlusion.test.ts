import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCRATCH_BACKBONE } from '../backbones/catalog';
import { createScratchBackbone } from '../backbones/scratchCnn';
import { saveClassifier } from '../model/classifierModel';
import { createHead } from '../training/head';
import { occlude, occlusionMap, patchStart } from './occlusion';
import { loadForPrediction } from './predict';

const SIZE = 28;
const QUADRANT = SIZE / 2;

/**
 * A two-class "classifier" whose answer depends only on the top-left quadrant: class 0's probability is the
 * share of that quadrant's pixels that are bright (red over 200). Records the size of each batch it is given.
 */
function quadrantClassifier(): { probabilitiesOf(images: readonly Uint8Array[]): number[][]; batches: number[] } {
  const batches: number[] = [];
  return {
    batches,
    probabilitiesOf(images) {
      batches.push(images.length);
      return images.map((rgb) => {
        let bright = 0;
        for (let y = 0; y < QUADRANT; y++) for (let x = 0; x < QUADRANT; x++) if ((rgb[(y * SIZE + x) * 3] ?? 0) > 200) bright++;
        const p = bright / (QUADRANT * QUADRANT);
        return [p, 1 - p];
      });
    },
  };
}

const white = (): Uint8Array => new Uint8Array(SIZE * SIZE * 3).fill(255);

describe('patchStart and occlude', () => {
  it('centres patches on the grid cells and keeps them inside the image', () => {
    // 28 px, 7 positions, 7 px patches: centres 2, 6, ..., 26.
    expect([0, 1, 2, 3, 4, 5, 6].map((i) => patchStart(i, 7, SIZE, 7))).toEqual([0, 3, 7, 11, 15, 19, 21]);
    expect(patchStart(0, 1, SIZE, SIZE)).toBe(0);
  });

  it('paints only the square asked for, on a copy', () => {
    const rgb = white();
    const out = occlude(rgb, SIZE, 3, 5, 2, [1, 2, 3]);
    expect(rgb.every((v) => v === 255)).toBe(true);
    const painted = [...Array(SIZE * SIZE).keys()].filter((p) => out[p * 3] !== 255);
    expect(painted).toEqual([5 * SIZE + 3, 5 * SIZE + 4, 6 * SIZE + 3, 6 * SIZE + 4]);
    expect([...out.subarray((5 * SIZE + 3) * 3, (5 * SIZE + 3) * 3 + 3)]).toEqual([1, 2, 3]);
  });
});

describe('occlusionMap', () => {
  it('is hottest where the classifier looks and zero far from it', async () => {
    const { probabilitiesOf } = quadrantClassifier();
    const map = await occlusionMap(white(), SIZE, probabilitiesOf, null, { patchShare: 1 / 4 });
    expect(map.grid).toBe(7);
    expect(map.patchPx).toBe(7);
    expect(map.classIndex).toBe(0);
    expect(map.baseProbability).toBe(1);
    const cell = (r: number, c: number): number => r * 7 + c;
    // Patches wholly inside the quadrant (rows and columns 0-2) hide 49 of its 196 pixels.
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        expect(map.drops[cell(r, c)]).toBeCloseTo(0.25, 6);
        expect(map.heat[cell(r, c)]).toBe(1);
      }
    }
    // Position 3 starts at 11: 3 of its 7 columns are in the quadrant.
    expect(map.drops[cell(0, 3)]).toBeCloseTo((7 * 3) / 196, 6);
    expect(map.heat[cell(3, 3)]).toBeCloseTo(9 / 49, 6);
    // Every patch from position 4 on lies outside the quadrant.
    for (let r = 0; r < 7; r++) {
      for (let c = 0; c < 7; c++) if (r >= 4 || c >= 4) expect(map.drops[cell(r, c)]).toBe(0);
    }
    expect(Math.max(...map.heat)).toBe(1);
    expect(Math.min(...map.heat)).toBe(0);
  });

  it('classifies in batches of at most batchSize and gives the same map whatever the size', async () => {
    const maps = [];
    for (const batchSize of [1, 5, 16, 49, 100]) {
      const classifier = quadrantClassifier();
      maps.push(await occlusionMap(white(), SIZE, classifier.probabilitiesOf, null, { batchSize }));
      // The whole image first, then the 49 copies.
      expect(classifier.batches[0]).toBe(1);
      const copies = classifier.batches.slice(1);
      expect(copies.reduce((a, b) => a + b, 0)).toBe(49);
      expect(Math.max(...copies)).toBe(Math.min(batchSize, 49));
      expect(copies).toHaveLength(Math.ceil(49 / batchSize));
    }
    for (const map of maps.slice(1)) expect([...map.drops]).toEqual([...(maps[0]?.drops ?? [])]);
  });

  it('gives the heat of the class asked for: covering the quadrant raises class 1, so its heat is zero', async () => {
    const { probabilitiesOf } = quadrantClassifier();
    const map = await occlusionMap(white(), SIZE, probabilitiesOf, 1);
    expect(map.classIndex).toBe(1);
    expect(map.baseProbability).toBe(0);
    expect(map.drops[0]).toBeCloseTo(-0.25, 6);
    expect(map.heat.every((h) => h === 0)).toBe(true);
    await expect(occlusionMap(white(), SIZE, probabilitiesOf, 2)).rejects.toThrow(/not one of the 2 classes/);
  });

  it('fills with the image mean when asked: a patch of the mean colour over a uniform image changes nothing', async () => {
    const { probabilitiesOf } = quadrantClassifier();
    const map = await occlusionMap(white(), SIZE, probabilitiesOf, null, { fill: 'mean' });
    expect(map.drops.every((d) => d === 0)).toBe(true);
    expect(map.heat.every((h) => h === 0)).toBe(true);
  });

  it('refuses a wrong image size, bad options, and an aborted signal', async () => {
    const { probabilitiesOf } = quadrantClassifier();
    await expect(occlusionMap(new Uint8Array(10), SIZE, probabilitiesOf, null)).rejects.toThrow(/bytes/);
    await expect(occlusionMap(white(), SIZE, probabilitiesOf, null, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(occlusionMap(white(), SIZE, probabilitiesOf, null, { grid: 0 })).rejects.toThrow(/grid/);
    const controller = new AbortController();
    controller.abort();
    await expect(occlusionMap(white(), SIZE, probabilitiesOf, null, { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });
});

describe('occlusionMap on a real classifier', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('runs on a loaded tfjs classifier: one drop per cell, heat in [0, 1], no tensors left behind', async () => {
    const backbone = createScratchBackbone(SCRATCH_BACKBONE, 5);
    const head = createHead({ featureSize: backbone.featureSize, numClasses: 2, hiddenUnits: 0, dropout: 0, batchNorm: false, seed: 2 });
    const model = await saveClassifier(backbone, head, ['left', 'right']);
    head.dispose();
    backbone.dispose();
    const size = model.imageSizePx;
    // Bright left half, dark right half: not uniform, so some patch changes the answer.
    const rgb = Uint8Array.from({ length: size * size * 3 }, (_, i) => ((i / 3) % size < size / 2 ? 230 : 20));
    const classifier = await loadForPrediction(model);
    const before = tf.memory().numTensors;
    const map = await occlusionMap(rgb, size, (images) => classifier.probabilities(images), null, { grid: 4, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    const [base] = classifier.probabilities([rgb]);
    classifier.dispose();
    expect(map.drops).toHaveLength(16);
    expect(map.baseProbability).toBeCloseTo(Math.max(...(base ?? [])), 5);
    expect(map.heat.every((h) => h >= 0 && h <= 1)).toBe(true);
    expect(map.drops.some((d) => d !== 0)).toBe(true);
  });
});
