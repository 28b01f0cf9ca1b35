import { describe, expect, it } from 'vitest';
import { countItems } from '../core/types';
import { hashingPool } from './testing/hashingPool';
import type { PickedFile } from './ingestFlow';
import { applyLabelEdits, LEFT_OUT_REASON, mergeLabelEdits } from './labelEdits';
import { createStudioStore } from './studioStore';
import { validateProjectState } from './projects/validate';
import { toContent } from './projects/projectState';

const file = (path: string): PickedFile => ({ file: new Blob([`bytes of ${path}`]), path });
const FILES = ['pets/cats/1.jpg', 'pets/cats/2.jpg', 'pets/cats/3.jpg', 'pets/dogs/1.jpg', 'pets/dogs/2.jpg', 'pets/dogs/3.jpg', 'pets/dogs/4.jpg'].map(file);

function store() {
  const { pool } = hashingPool();
  return createStudioStore(() => {
    throw new Error('no training in this test');
  }, () => pool);
}

const classOf = (s: ReturnType<typeof store>, path: string): string | undefined => {
  const { dataset, itemsByPath } = s.getState();
  const item = itemsByPath.get(path);
  return item ? dataset?.classes[item.classIndex] : undefined;
};

describe('label edits', () => {
  it('apply by class name, leave images out as skipped, and ignore names that are not classes', () => {
    const dataset = {
      name: 'pets', layout: 'class-folders' as const, classes: ['cats', 'dogs'], skipped: [],
      items: [{ fileIndex: 0, path: 'a.jpg', classIndex: 0, split: 'train' as const }, { fileIndex: 1, path: 'b.jpg', classIndex: 1, split: 'val' as const }],
    };
    expect(applyLabelEdits(dataset, undefined)).toBe(dataset);
    expect(applyLabelEdits(dataset, { 'a.jpg': 'cats', 'b.jpg': 'wolves' })).toBe(dataset);
    const edited = applyLabelEdits(dataset, { 'a.jpg': 'dogs', 'b.jpg': null });
    expect(edited.items).toEqual([{ fileIndex: 0, path: 'a.jpg', classIndex: 1, split: 'train' }]);
    expect(edited.skipped).toEqual([{ file: 'b.jpg', reason: LEFT_OUT_REASON }]);
    expect(mergeLabelEdits({ 'a.jpg': 'dogs' }, new Map([['a.jpg', undefined], ['b.jpg', 0], ['c.jpg', null]]), ['cats', 'dogs'])).toEqual({ 'b.jpg': 'cats', 'c.jpg': null });
    expect(() => mergeLabelEdits(undefined, new Map([['a.jpg', 5]]), ['cats'])).toThrow(RangeError);
  });

  it('relabel, leave out and undo through the store: the counts follow, the split stays, and they survive renames and the project file', async () => {
    const s = store();
    await s.getState().ingest(FILES);
    const before = s.getState().dataset;
    if (!before) throw new Error('no dataset');
    const splitBefore = s.getState().itemsByPath.get('dogs/4.jpg')?.split;
    s.getState().renameClass(0, 'felines');
    s.getState().editLabels(new Map([['dogs/4.jpg', 0], ['cats/3.jpg', null], ['cats/1.jpg', 0]]));
    const after = s.getState().dataset;
    if (!after) throw new Error('no dataset');
    expect(after.classes).toEqual(['felines', 'dogs']);
    expect(classOf(s, 'dogs/4.jpg')).toBe('felines');
    expect(s.getState().itemsByPath.get('dogs/4.jpg')?.split).toBe(splitBefore);
    expect(s.getState().itemsByPath.has('cats/3.jpg')).toBe(false);
    expect(after.skipped).toContainEqual({ file: 'cats/3.jpg', reason: LEFT_OUT_REASON });
    const total = (d: typeof after) => Object.values(countItems(d)).map((c) => Object.values(c).reduce((a, b) => a + b, 0));
    expect(total(after).reduce((a, b) => a + b, 0)).toBe(6);
    // Stored with the listed names, so a rename does not break them; keeping a label is recorded too.
    expect(s.getState().ingestOptions.labelEdits).toEqual({ 'dogs/4.jpg': 'cats', 'cats/3.jpg': null, 'cats/1.jpg': 'cats' });

    // The project file keeps them, and a reading of the files again (the duplicates toggle) applies them again.
    const saved = validateProjectState(JSON.parse(JSON.stringify(toContent(s.getState(), null).state)));
    expect(saved.ingestOptions.labelEdits).toEqual(s.getState().ingestOptions.labelEdits);
    s.getState().setDropDuplicates(true);
    expect(classOf(s, 'dogs/4.jpg')).toBe('felines');

    s.getState().editLabels(new Map([['dogs/4.jpg', undefined], ['cats/3.jpg', undefined]]));
    expect(classOf(s, 'dogs/4.jpg')).toBe('dogs');
    expect(classOf(s, 'cats/3.jpg')).toBe('felines');
    expect(s.getState().dataset?.items).toHaveLength(7);

    // Moved to another split: kept in the options, applied again by a later reading, and in the project file.
    s.getState().moveToSplit(['cats/1.jpg', 'dogs/1.jpg'], 'test');
    expect(s.getState().itemsByPath.get('cats/1.jpg')?.split).toBe('test');
    expect(s.getState().itemsByPath.get('dogs/1.jpg')?.split).toBe('test');
    s.getState().setDropDuplicates(false);
    expect(s.getState().itemsByPath.get('dogs/1.jpg')?.split).toBe('test');
    const moved = validateProjectState(JSON.parse(JSON.stringify(toContent(s.getState(), null).state)));
    expect(moved.ingestOptions.splitEdits).toEqual({ 'cats/1.jpg': 'test', 'dogs/1.jpg': 'test' });
    expect(() => validateProjectState({ ...moved, ingestOptions: { ...moved.ingestOptions, splitEdits: { 'a.jpg': 'holdout' } } })).toThrow(/splitEdits/);
  });
});
