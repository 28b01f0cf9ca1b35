import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem } from '../../core/types';
import type { AugmentParams } from '../../data/images';
import { getBackboneEntry } from '../backbones/registry';
import { evaluateHeldOut } from '../evaluation/heldOut';
import type { CachedClassifier } from '../evaluation/heldOut';
import { BACKBONE_ID, MINI_DATASET, readJpeg } from '../testing/runFixture';
import { loadLocalBackbone } from '../testing/trainedClassifier';
import { extractAll } from './extract';
import { TTA_VIEWS, TTA_VIEW_NAMES } from './tta';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Training views: flips only (the Node reader applies nothing else). */
const AUGMENT = { randomCrop: false, cropScaleMin: 1, horizontalFlip: true, rotationDeg: 0, brightness: 0, contrast: 0, saturation: 0 };

/** A classifier of features whose answer depends on the view: softmax of two feature sums. */
const classifier: CachedClassifier = {
  input: 'features', rowShape: [256],
  probabilities: (x) => tf.softmax(tf.stack([tf.sum(x.slice([0, 0], [-1, 128]), 1), tf.sum(x.slice([0, 128], [-1, 128]), 1)], 1)) as tf.Tensor2D,
};

describe('test-time augmentation (MobileNet v1 0.25, real photos)', () => {
  it('embeds each held-out image in exactly its plain view and the listed views, and averages those', async () => {
    const backbone = await loadLocalBackbone(getBackboneEntry(BACKBONE_ID));
    const asked = new Map<string, (AugmentParams | null)[]>();
    const readImage = (item: DatasetItem, size: number, params: AugmentParams | null) => {
      asked.set(item.path, [...(asked.get(item.path) ?? []), params]);
      return readJpeg(item, size, params);
    };
    try {
      const caches = await extractAll(
        { backbone, split: null, dataset: MINI_DATASET, views: 1, ttaViews: TTA_VIEWS, augment: AUGMENT, seed: 1, batchSize: 8, skipped: [] },
        { readImage, onEvent: () => undefined },
      );
      const val = caches.get('val');
      const train = caches.get('train');
      expect(TTA_VIEW_NAMES).toHaveLength(TTA_VIEWS.length + 1);
      // Training images: the centre crop and one augmented view, no test-time views.
      expect(train?.rows).toHaveLength(16 * 2);
      expect(train?.tta).toBeUndefined();
      // Held-out: one row per image as before, and the test-time views beside.
      expect(val?.rows).toHaveLength(8);
      expect(val?.tta?.rows).toHaveLength(8 * TTA_VIEWS.length);
      for (const row of val?.rows ?? []) expect(asked.get(row.item.path)).toEqual([null, ...TTA_VIEWS]);

      const result = evaluateHeldOut(caches, MINI_DATASET.classes, classifier);
      // The average, computed here from the cached rows.
      const probs = (store: NonNullable<typeof val>['features'], n: number) =>
        tf.tidy(() => classifier.probabilities(tf.tensor2d(store.gather(Array.from({ length: n }, (_, i) => i)), [n, 256])).arraySync());
      const plain = probs(val!.features, 8);
      const views = probs(val!.tta!.features, 32);
      let correct = 0;
      val!.rows.forEach((row, i) => {
        const mine = val!.tta!.rows.flatMap((r, j) => (r.item.fileIndex === row.item.fileIndex ? [views[j]!] : []));
        expect(mine).toHaveLength(TTA_VIEWS.length);
        const mean = [0, 1].map((c) => (plain[i]![c]! + mine.reduce((s, p) => s + p[c]!, 0)) / (1 + mine.length));
        if ((mean[1]! > mean[0]! ? 1 : 0) === row.item.classIndex) correct++;
      });
      expect(result.evaluations[0]?.ttaAccuracy).toBeCloseTo(correct / 8, 10);
      // The flip changes the features: the views are really different images.
      expect(Array.from(val!.tta!.features.row(0))).not.toEqual(Array.from(val!.features.row(0)));
    } finally {
      backbone.dispose();
    }
  });
});
