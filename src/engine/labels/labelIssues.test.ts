import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng';
import { gaussianBlobs } from '../testing/blobs';
import { findLabelIssues } from './labelIssues';
import type { LabelledRow } from './labelIssues';
import { outOfFoldProbabilities, stratifiedFolds } from './outOfFold';

const CLASSES = ['a', 'b', 'c'];

/** Blobs with `share` of the labels moved to the next class (seeded); returns the rows, features and flipped files. */
function flippedBlobs(perClass: number, share: number, seed: number) {
  const blobs = gaussianBlobs({ perClass, seed, dim: 16, classes: 3 });
  const rng = createRng(seed + 1);
  const order = rng.shuffle(blobs.y.map((_, i) => i));
  const flipped = new Set(order.slice(0, Math.round(share * blobs.y.length)));
  const rows: LabelledRow[] = blobs.y.map((y, i) => ({
    file: `img${i}.jpg`, split: i % 5 === 0 ? 'val' : 'train', classIndex: flipped.has(i) ? (y + 1) % 3 : y,
  }));
  return { rows, features: Float32Array.from(blobs.x.flat()), flipped: new Set([...flipped].map((i) => `img${i}.jpg`)), truth: blobs.y };
}

describe('stratifiedFolds', () => {
  it('deals every class evenly over the folds', () => {
    const labels = Int32Array.from({ length: 103 }, (_, i) => (i < 60 ? 0 : i < 100 ? 1 : 2));
    const fold = stratifiedFolds(labels, 3, 5, 7);
    for (const c of [0, 1]) {
      const sizes = [0, 1, 2, 3, 4].map((f) => labels.filter((l, i) => l === c && fold[i] === f).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    // The three images of the small class land in three different folds.
    expect(new Set([100, 101, 102].map((i) => fold[i])).size).toBe(3);
    expect(stratifiedFolds(labels, 3, 5, 7)).toEqual(fold);
  });
});

describe('outOfFoldProbabilities', () => {
  it('judges each row by heads that never saw it: changing its own label leaves its probabilities exactly as they were', () => {
    const { rows, features } = flippedBlobs(30, 0, 3);
    const labels = Int32Array.from(rows, (r) => r.classIndex);
    const foldOf = stratifiedFolds(labels, 3, 5, 1);
    const run = (l: Int32Array) => outOfFoldProbabilities({ features, dim: 16, labels: l, numClasses: 3, folds: 5, seed: 1, foldOf });
    const before = run(labels);
    const changed = Int32Array.from(labels);
    changed[4] = (changed[4]! + 1) % 3;
    const after = run(changed);
    for (let i = 0; i < rows.length; i++) expect(before[i * 3]! + before[i * 3 + 1]! + before[i * 3 + 2]!).toBeCloseTo(1, 5);
    expect(Array.from(after.subarray(12, 15))).toEqual(Array.from(before.subarray(12, 15)));
    // Rows of the other folds were judged by heads that saw the change.
    const otherFold = rows.findIndex((_, i) => foldOf[i] !== foldOf[4]);
    expect(Array.from(after.subarray(otherFold * 3, otherFold * 3 + 3))).not.toEqual(Array.from(before.subarray(otherFold * 3, otherFold * 3 + 3)));
  });

  it('leaves no tensors behind', () => {
    const { rows, features } = flippedBlobs(20, 0.05, 4);
    const before = tf.memory().numTensors;
    outOfFoldProbabilities({ features, dim: 16, labels: Int32Array.from(rows, (r) => r.classIndex), numClasses: 3, folds: 5, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('findLabelIssues', () => {
  it('ranks at least 80% of 5% flipped labels in its top 10%, and suggests their true class', () => {
    const { rows, features, flipped, truth } = flippedBlobs(200, 0.05, 11);
    const result = findLabelIssues({ rows, features, dim: 16, classes: CLASSES, seed: 5 });
    const top = result.issues.slice(0, Math.ceil(rows.length * 0.1));
    const caught = top.filter((issue) => flipped.has(issue.file));
    expect(caught.length / flipped.size).toBeGreaterThanOrEqual(0.8);
    for (const issue of caught) expect(issue.suggested).toBe(CLASSES[truth[Number(issue.file.slice(3, -4))]!]);
    // Most suspect first, and every suspect's suggestion differs from its label.
    expect(result.issues.map((i) => i.score)).toEqual([...result.issues.map((i) => i.score)].sort((a, b) => b - a));
    expect(result.issues.every((i) => i.given !== i.suggested)).toBe(true);
    expect(result.method).toMatchObject({ method: 'out-of-fold-confident-learning', folds: 5, images: 600, note: null });
    expect(result.method.thresholds).toHaveLength(3);
  });

  it('finds few issues in clean labels', () => {
    const { rows, features } = flippedBlobs(200, 0, 12);
    expect(findLabelIssues({ rows, features, dim: 16, classes: CLASSES, seed: 5 }).issues.length).toBeLessThan(rows.length * 0.05);
  });

  it('gives a note, not an error, for one class, no features, and classes smaller than the folds', () => {
    const { rows, features } = flippedBlobs(40, 0, 13);
    const oneClass = rows.map((r) => ({ ...r, classIndex: 0 }));
    expect(findLabelIssues({ rows: oneClass, features, dim: 16, classes: CLASSES, seed: 1 })).toMatchObject({ issues: [], method: { note: expect.stringContaining('Only one class') } });
    expect(findLabelIssues({ rows: [], features: new Float32Array(0), dim: 16, classes: CLASSES, seed: 1 }).method.note).toContain('No features yet');
    // Class "c" keeps 3 images: too few for 5 folds; its images are not judged, the others are.
    const keep = rows.filter((r, i) => r.classIndex !== 2 || i < 83);
    const kept = Float32Array.from(rows.flatMap((r, i) => (keep.includes(r) ? Array.from(features.subarray(i * 16, i * 16 + 16)) : [])));
    const small = findLabelIssues({ rows: keep, features: kept, dim: 16, classes: CLASSES, seed: 1 });
    expect(small.method.note).toBe('Not checked: "c" (3) has fewer images than the 5 folds, too few to judge by models that never saw them.');
    expect(small.issues.every((i) => i.given !== 'c' && i.suggested !== 'c')).toBe(true);
    expect(small.method.images).toBe(83);
  });
});
