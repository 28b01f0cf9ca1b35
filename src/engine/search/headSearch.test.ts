import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { DatasetItem, SplitName } from '../../core/types';
import type { SplitCache } from '../features/extract';
import { RowStore } from '../features/rowStore';
import { gaussianBlobs } from '../testing/blobs';
import { DEFAULT_SETTINGS } from '../training/settings';
import { scoreProbabilities, searchHeadSettings } from './headSearch';
import type { SearchCaches } from './headSearch';
import { SEARCH_SPACE, compareTrials, drawCandidates, rungEpochs, successiveHalving } from './successiveHalving';
import type { SearchedSettings } from './searchTypes';

const START: SearchedSettings = { learningRate: 1e-3, dropout: 0.3, labelSmoothing: 0, hiddenUnits: 128 };

/** A split's cache of blob points: one row per point, centre crops only. */
function blobCache(split: SplitName, seed: number, perClass: number): SplitCache {
  const blobs = gaussianBlobs({ perClass, seed, dim: 8, classes: 3 });
  const features = new RowStore(8);
  features.push(Float32Array.from(blobs.x.flat()));
  const rows = blobs.y.map((classIndex, i) => ({
    item: { path: `${split}/${i}.jpg`, split, classIndex, fileIndex: seed * 1000 + i } as DatasetItem, view: 0,
  }));
  return { rows, features, activations: null };
}

/** Caches of train and val, with a `test` split that the search may not open: reading it fails the test. */
function guardedCaches(): { caches: SearchCaches; read: SplitName[] } {
  const held = new Map<SplitName, SplitCache>([['train', blobCache('train', 1, 20)], ['val', blobCache('val', 2, 10)], ['test', blobCache('test', 3, 10)]]);
  const read: SplitName[] = [];
  return {
    read,
    caches: {
      get(split) {
        read.push(split);
        if (split === 'test') throw new Error('the search read the test split');
        return held.get(split);
      },
    },
  };
}

const SETTINGS = { ...DEFAULT_SETTINGS, epochs: 6, batchSize: 16, earlyStopping: false, seed: 7 };

describe('successive halving', () => {
  it('plans rungs that end at the run\'s epochs, keeping a third each time', () => {
    expect(rungEpochs(20, 9)).toEqual([3, 9, 20]);
    expect(rungEpochs(6, 9)).toEqual([1, 3, 6]);
    expect(rungEpochs(1, 9)).toEqual([1, 1, 1]);
  });

  it('starts from the user\'s settings and draws the rest from the grid, the same for a seed', () => {
    const a = drawCandidates(START, 9, 5);
    expect(a[0]).toEqual(START);
    expect(new Set(a.map((s) => JSON.stringify(s))).size).toBe(9);
    for (const s of a.slice(1)) {
      expect(SEARCH_SPACE.learningRate).toContain(s.learningRate);
      expect(SEARCH_SPACE.hiddenUnits).toContain(s.hiddenUnits);
    }
    expect(drawCandidates(START, 9, 5)).toEqual(a);
    expect(drawCandidates(START, 9, 6)).not.toEqual(a);
  });

  it('trains 9, then the best 3 longer, then the best one for the whole run, and returns the last rung\'s best', async () => {
    // A known landscape: accuracy grows with the learning rate and with the epochs.
    const result = await successiveHalving({
      start: START, epochs: 9, seed: 3,
      score: (s, epochs) => Promise.resolve({ valAccuracy: Math.min(1, s.learningRate * 100 + epochs / 100), valLoss: 1 - s.hiddenUnits / 1000 }),
    });
    expect(result.trials.map((t) => t.rung)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    expect(result.rungEpochs).toEqual([1, 3, 9]);
    const firstRung = result.trials.filter((t) => t.rung === 0).sort(compareTrials);
    expect(result.trials.filter((t) => t.rung === 1).map((t) => t.candidate).sort()).toEqual(firstRung.slice(0, 3).map((t) => t.candidate).sort());
    expect(result.best.settings.learningRate).toBe(Math.max(...firstRung.map((t) => t.settings.learningRate)));
    expect(result.best.rung).toBe(2);
    expect(result.best.epochs).toBe(9);
  });
});

describe('searchHeadSettings', () => {
  it('judges candidates on validation only: it never opens the test split', async () => {
    const { caches, read } = guardedCaches();
    const result = await searchHeadSettings({ caches, numClasses: 3, settings: SETTINGS, classWeights: null });
    expect(new Set(read)).toEqual(new Set(['train', 'val']));
    expect(result.judgedOn).toBe('val');
    expect(result.trials).toHaveLength(13);
    expect(result.best.valAccuracy).toBeGreaterThan(0.8);
  });

  it('is deterministic for a seed, and another seed draws other candidates', async () => {
    const run = async (seed: number) =>
      (await searchHeadSettings({ caches: guardedCaches().caches, numClasses: 3, settings: { ...SETTINGS, seed }, classWeights: null }))
        .trials.map(({ ms: _ms, ...t }) => t);
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect((await run(8)).map((t) => t.settings)).not.toEqual(a.map((t) => t.settings));
  });

  it('leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    await searchHeadSettings({ caches: guardedCaches().caches, numClasses: 3, settings: { ...SETTINGS, epochs: 2 }, classWeights: null });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('scoreProbabilities', () => {
  it('gives accuracy and the mean cross-entropy', () => {
    const s = scoreProbabilities(Float32Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4]), Int32Array.from([0, 1, 1]), 2);
    expect(s.valAccuracy).toBeCloseTo(2 / 3);
    expect(s.valLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4)) / 3, 5);
  });
});
