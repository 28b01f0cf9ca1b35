import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem, SplitName } from '../../core/types';
import type { AugmentParams } from '../../data/images';
import { BACKBONE_ID, MINI_DATASET, readJpeg } from '../testing/runFixture';
import { loadLocalBackbone } from '../testing/trainedClassifier';
import { getBackboneEntry } from '../backbones/registry';
import { extractAll } from './extract';
import type { ExtractTiming, SplitCache } from './extract';
import { memoPrefix, PageFeatureMemo, runMemo } from './featureMemo';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

// Brightness makes every view's parameters its own (the Node reader draws only the flips; the keys hold them all).
const AUGMENT = { randomCrop: false, cropScaleMin: 1, horizontalFlip: true, rotationDeg: 0, brightness: 0.2, contrast: 0, saturation: 0 };
const fileKey = (item: DatasetItem): string => `${item.path}|1234`;
/** Every feature row of a split, in row order. */
const allFeatures = (cache: SplitCache | undefined): number[] => (cache ? Array.from(cache.features.gather(cache.rows.map((_, i) => i))) : []);

/** One extraction of the mini dataset with `views` views, reading through `memo`; counts the images read. */
async function extract(views: number, memo: ReturnType<typeof runMemo>): Promise<{ caches: Map<SplitName, SplitCache>; reads: number; timing: ExtractTiming }> {
  const backbone = await loadLocalBackbone(getBackboneEntry(BACKBONE_ID));
  let reads = 0;
  const readImage = (item: DatasetItem, size: number, params: AugmentParams | null): Promise<Uint8Array> => {
    reads++;
    return readJpeg(item, size, params);
  };
  const timing: ExtractTiming = { computeMs: 0, waitMs: 0 };
  try {
    const caches = await extractAll(
      { backbone, split: null, dataset: MINI_DATASET, views, augment: AUGMENT, seed: 1, batchSize: 8, skipped: [], timing },
      { readImage, onEvent: () => undefined, featureMemo: memo },
    );
    return { caches, reads, timing };
  } finally {
    backbone.dispose();
  }
}

describe('features kept across runs', () => {
  it('a second run on the same files and views reads no image and gets the same features; one more view reads the training images again', async () => {
    const page = new PageFeatureMemo(64 * 2 ** 20);
    const rows = (): Map<string, Float32Array> => page.rowsFor(memoPrefix(BACKBONE_ID));
    const first = runMemo('crop', rows(), fileKey);
    const a = await extract(1, first);
    // 16 training images with 2 views, 8 validation images with 1.
    expect(a.reads).toBe(40);
    expect(first.added.size).toBe(40);
    expect(a.timing.memoRows).toBe(0);
    page.add(first.added);

    const second = runMemo('crop', rows(), fileKey);
    const b = await extract(1, second);
    expect(b.reads).toBe(0);
    expect(b.timing.memoRows).toBe(40);
    expect(second.added.size).toBe(0);
    for (const split of ['train', 'val'] as const) {
      expect(b.caches.get(split)?.rows).toEqual(a.caches.get(split)?.rows);
      expect(allFeatures(b.caches.get(split))).toEqual(allFeatures(a.caches.get(split)));
    }

    // Two views: each training image lacks its third view, so it is read whole again; validation images are not.
    const third = runMemo('crop', rows(), fileKey);
    const c = await extract(2, third);
    expect(c.reads).toBe(16 * 3);
    expect(c.timing.memoRows).toBe(8);
    expect(third.added.size).toBe(16);
    expect(allFeatures(c.caches.get('val'))).toEqual(allFeatures(a.caches.get('val')));

    // Another photo fit shares nothing; nor does another backbone.
    const letterbox = await extract(1, runMemo('letterbox', rows(), fileKey));
    expect(letterbox.reads).toBe(40);
    expect(page.rowsFor(memoPrefix('mobilenet_v2_1.0_224')).size).toBe(0);
  }, 120_000);

  it('drops the oldest rows past its cap', () => {
    const page = new PageFeatureMemo(3 * 4 * 10);
    page.add([['a', new Float32Array(10)], ['b', new Float32Array(10)], ['c', new Float32Array(10)]]);
    page.add([['d', new Float32Array(10)]]);
    expect([...page.rowsFor('')].map(([k]) => k)).toEqual(['b', 'c', 'd']);
    expect(page.byteLength).toBe(120);
  });
});
