import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCRATCH_BACKBONE } from '../backbones/catalog';
import { classifyPixels, loadClassifier, saveClassifier } from '../model/classifierModel';
import { createHead } from '../training/head';
import { loadForPrediction, meanRow, rankClasses } from './predict';
import { createScratchBackbone } from '../backbones/scratchCnn';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('rankClasses', () => {
  it('orders by probability, keeps label order on ties, cuts to topK (at least one)', () => {
    expect(rankClasses(['a', 'b', 'c'], [0.2, 0.5, 0.3], 2)).toEqual([
      { label: 'b', probability: 0.5 },
      { label: 'c', probability: 0.3 },
    ]);
    expect(rankClasses(['a', 'b'], [0.5, 0.5], 5).map((s) => s.label)).toEqual(['a', 'b']);
    expect(rankClasses(['a', 'b'], [0.1, 0.9], 0)).toEqual([{ label: 'b', probability: 0.9 }]);
  });
});

describe('loadForPrediction', () => {
  it('classifies RGB bytes as the fused model does, best first, and frees everything', async () => {
    const backbone = createScratchBackbone(SCRATCH_BACKBONE, 7);
    const head = createHead({ featureSize: backbone.featureSize, numClasses: 3, hiddenUnits: 0, dropout: 0, batchNorm: false, seed: 3 });
    const model = await saveClassifier(backbone, head, ['cat', 'dog', 'fox']);
    head.dispose();
    backbone.dispose();
    const size = model.imageSizePx;
    const images = [0, 1].map((seed) => Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * (31 + seed * 17)) % 256));

    const before = tf.memory().numTensors;
    const classifier = await loadForPrediction(model);
    const ranked = classifier.classify(images, 2);
    classifier.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const reference = await loadClassifier(model);
    const expected = tf.tidy(() =>
      classifyPixels(reference, tf.tensor4d(Uint8Array.from([...images[0] as Uint8Array, ...images[1] as Uint8Array]), [2, size, size, 3], 'int32')).arraySync(),
    );
    reference.dispose();
    expect(ranked).toHaveLength(2);
    ranked.forEach((top, i) => {
      expect(top).toHaveLength(2);
      expect(top).toEqual(rankClasses(['cat', 'dog', 'fox'], expected[i] as number[], 2));
      expect((top[0] as { probability: number }).probability).toBeGreaterThanOrEqual((top[1] as { probability: number }).probability);
    });
    expect(() => classifier.classify([new Uint8Array(5)])).toThrow();
  });
});

describe('test-time augmentation in prediction', () => {
  it('ranks the mean of exactly the views given for each image', async () => {
    const backbone = createScratchBackbone(SCRATCH_BACKBONE, 5);
    const head = createHead({ featureSize: backbone.featureSize, numClasses: 3, hiddenUnits: 0, dropout: 0, batchNorm: false, seed: 2 });
    const model = await saveClassifier(backbone, head, ['cat', 'dog', 'fox']);
    head.dispose();
    backbone.dispose();
    const size = model.imageSizePx;
    const image = (seed: number) => Uint8Array.from({ length: size * size * 3 }, (_, i) => (i * (13 + seed * 7)) % 256);
    const classifier = await loadForPrediction(model);
    try {
      const views = [[image(0), image(1), image(2)], [image(3)]];
      const [first, second] = classifier.classifyViews(views);
      // No temperature here: the mean of the views' probabilities.
      const expected = meanRow(classifier.probabilities(views[0] as Uint8Array[]), 3);
      expect(first?.map((c) => c.label)).toEqual(rankClasses(['cat', 'dog', 'fox'], expected, 3).map((c) => c.label));
      first?.forEach((c) => expect(c.probability).toBeCloseTo(expected[['cat', 'dog', 'fox'].indexOf(c.label)] ?? -1, 6));
      // One view: the plain answer.
      expect(second).toEqual(classifier.classify([image(3)])[0]);
      const mean = meanRow([[0.2, 0.8], [0.6, 0.4]], 2);
      expect(mean[0]).toBeCloseTo(0.4, 12);
      expect(mean[1]).toBeCloseTo(0.6, 12);
    } finally {
      classifier.dispose();
    }
  });
});
