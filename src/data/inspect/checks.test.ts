import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetItem, SplitName } from '../../core/types';
import { planFolders } from '../ingest/structure';
import { datasetChecks, IMBALANCE_RATIO, MIN_IMAGES_PER_CLASS } from './checks';

/** The folder plan of a dataset's items, as `buildDataset` makes it. */
const planOf = (ds: Dataset) => planFolders(ds.items.map((item) => item.path.split('/')));

/** A dataset with `counts[split][classIndex]` images named `<split>/<class>/<n>.jpg`. */
function dataset(classes: string[], counts: Partial<Record<SplitName, number[]>>, extra: Partial<Dataset> = {}): Dataset {
  const items: DatasetItem[] = [];
  for (const [split, perClass] of Object.entries(counts) as [SplitName, number[]][]) {
    perClass.forEach((n, classIndex) => {
      for (let i = 0; i < n; i++) {
        const path = `${split}/${classes[classIndex]}/${i}.jpg`;
        items.push({ fileIndex: items.length, path, classIndex, split });
      }
    });
  }
  return { name: 'd', layout: 'split-folders', classes, items, skipped: [], ...extra };
}

describe('datasetChecks', () => {
  it('says nothing about a balanced dataset with every class in every split', () => {
    expect(datasetChecks(dataset(['a', 'b'], { train: [10, 15], val: [5, 5] }))).toEqual([]);
  });

  it('lists the classes missing from some splits', () => {
    const notes = datasetChecks(dataset(['a', 'b', 'c'], { train: [6, 6, 6], val: [5, 0, 5], test: [5, 0, 0] }));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ level: 'warning', code: 'class-missing-in-split', files: ['b', 'c'] });
    expect(notes[0]?.message).toContain('"b" has no val/test images; "c" has no test images');
  });

  it('notes imbalance in the train split only, above 1.5 times, with both counts and class weights', () => {
    expect(IMBALANCE_RATIO).toBe(1.5);
    expect(datasetChecks(dataset(['a', 'b'], { train: [15, 10], val: [5, 50] }))).toEqual([]);
    const notes = datasetChecks(dataset(['a', 'b', 'c'], { train: [16, 10, 12], val: [5, 5, 5] }));
    expect(notes.map((n) => [n.level, n.code, n.files])).toEqual([['warning', 'imbalance', ['a', 'b']]]);
    expect(notes[0]?.message).toMatch(/"a" has 16 images and "b" only 10 \(1\.6 times fewer\)\. Consider class weights/);
  });

  it('lists classes with fewer than 5 images over all splits', () => {
    expect(MIN_IMAGES_PER_CLASS).toBe(5);
    const notes = datasetChecks(dataset(['a', 'b', 'c'], { train: [3, 4, 6], val: [1, 0, 2] }));
    expect(notes.map((n) => n.code)).toEqual(['class-missing-in-split', 'imbalance', 'few-images']);
    expect(notes[2]).toMatchObject({ level: 'warning', files: ['a', 'b'] });
    expect(notes[2]?.message).toBe(
      '2 class(es) have fewer than 5 images ("a": 4, "b": 4): too few to learn from or to check reliably.',
    );
    expect(datasetChecks(dataset(['a', 'b'], { train: [5, 5] }))).toEqual([]);
  });

  it('notes class folders that hold files but no usable image, folder layouts with a plan only', () => {
    const base = dataset(['ants', 'bees'], { train: [5, 5], val: [5, 5] });
    const skipped = [
      { file: 'd/train/wasps/a.heic', reason: 'HEIC is not supported by browsers: convert to JPEG or PNG' },
      { file: 'd/train/wasps/notes.txt', reason: 'not an image (.txt)' },
      { file: 'd/val/ants/readme.md', reason: 'not an image (.md)' },
      { file: 'd/val/__MACOSX/._a.jpg', reason: 'system file' },
      { file: 'd/LICENSE', reason: 'not an image (no extension)' },
    ];
    const notes = datasetChecks({ ...base, skipped }, { root: 'd', plan: planOf(base) });
    expect(notes).toEqual([
      {
        level: 'warning',
        code: 'empty-folder',
        message:
          'The folder "train/wasps/" holds 2 file(s) but no usable image, so it gives no class (train/wasps/a.heic: ' +
          'HEIC is not supported by browsers: convert to JPEG or PNG).',
        files: ['train/wasps/a.heic', 'train/wasps/notes.txt'],
      },
    ]);
    expect(datasetChecks({ ...base, skipped, layout: 'csv' }, { root: 'd', plan: planOf(base) })).toEqual([]);
    expect(datasetChecks({ ...base, skipped }, { root: 'd' })).toEqual([]);
  });

  it('finds empty class folders without a root too', () => {
    const base = dataset(['cats', 'dogs'], { train: [5, 5] }, { layout: 'class-folders' });
    const items = base.items.map((item) => ({ ...item, path: item.path.replace('train/', '') }));
    const skipped = [{ file: 'birds/.DS_Store', reason: 'system file' }];
    const notes = datasetChecks({ ...base, items, skipped }, { plan: planOf({ ...base, items }) });
    expect(notes.map((n) => [n.code, n.files])).toEqual([['empty-folder', ['birds/.DS_Store']]]);
  });
});
