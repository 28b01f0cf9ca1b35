import { describe, expect, it } from 'vitest';
import { hashingPool } from './testing/hashingPool';
import { countItems } from '../core/types';
import { captureFolder, capturePaths, checkCaptureClassName, classRenames, withRenames } from './captureFlow';
import type { PickedFile } from './ingestFlow';
import { createStudioStore } from './studioStore';


const file = (path: string): PickedFile => ({ file: new Blob([`bytes of ${path}`]), path });
const frames = (n: number, tag: string): Blob[] => Array.from({ length: n }, (_, i) => new Blob([`frame ${tag} ${i}`]));

function storeWith() {
  const { pool, scanned } = hashingPool();
  const store = createStudioStore(() => {
    throw new Error('no training in this test');
  }, () => pool);
  return { store, scanned };
}

const CLASS_FOLDERS = ['pets/cats/1.jpg', 'pets/cats/2.jpg', 'pets/cats/3.jpg', 'pets/dogs/1.jpg', 'pets/dogs/2.jpg', 'pets/dogs/3.jpg'].map(file);
const SPLIT_FOLDERS = ['bugs/Training/ants/a.jpg', 'bugs/Training/bees/b.jpg', 'bugs/val/ants/c.jpg', 'bugs/val/bees/d.jpg'].map(file);

describe('captureFolder', () => {
  it('puts frames in the class folder the layout reads, under webcam/', async () => {
    const { store } = storeWith();
    await store.getState().ingest(SPLIT_FOLDERS);
    const dataset = store.getState().dataset;
    expect(dataset?.layout).toBe('split-folders');
    expect(captureFolder(SPLIT_FOLDERS, dataset, 'bees')).toBe('bugs/Training/bees/webcam');
    expect(captureFolder(SPLIT_FOLDERS, dataset, ' wasps ')).toBe('bugs/Training/wasps/webcam');
    expect(captureFolder([], null, 'cats')).toBe('webcam/cats');
    expect(() => captureFolder(SPLIT_FOLDERS, null, 'cats')).toThrow(/make no dataset/);
  });

  it('refuses names that are no folder and datasets labelled by a file', () => {
    expect(checkCaptureClassName('  ants ')).toBe('ants');
    expect(() => checkCaptureClassName('  ')).toThrow(/Name the class/);
    expect(() => checkCaptureClassName('a/b')).toThrow(/cannot be a class folder/);
    expect(() => checkCaptureClassName('.hidden')).toThrow(/cannot be a class folder/);
    const csv = { name: 'faces', layout: 'csv' as const, classes: ['f', 'm'], items: [], skipped: [], labelSource: { file: 'faces/meta.csv', columns: [], fileColumn: 'a', labelColumn: 'b', rows: 0, matched: 0 } };
    expect(() => captureFolder([], csv, 'f')).toThrow(/labelled by faces\/meta.csv/);
  });
});

describe('capturePaths', () => {
  it('numbers after the captures already there', () => {
    expect(capturePaths([file('w/capture-1.jpg'), file('w/capture-3.jpg')], 'w', 3)).toEqual(['w/capture-2.jpg', 'w/capture-4.jpg', 'w/capture-5.jpg']);
    expect(capturePaths([], 'w', 0)).toEqual([]);
  });
});

describe('class renames', () => {
  it('maps listed names to shown names and never makes two classes one', () => {
    const renames = classRenames(['ants', 'bees'], ['formica', 'bees']);
    expect([...renames]).toEqual([['ants', 'formica']]);
    const dataset = { name: '', layout: 'class-folders' as const, classes: ['ants', 'bees', 'wasps'], items: [], skipped: [] };
    expect(withRenames(dataset, renames).classes).toEqual(['formica', 'bees', 'wasps']);
    expect(withRenames(dataset, new Map([['ants', 'bees']])).classes).toEqual(['ants', 'bees', 'wasps']);
  });
});

describe('addCaptures (dataset slice)', () => {
  it('adds frames as training images of a class, checking only the new files', async () => {
    const { store, scanned } = storeWith();
    await store.getState().ingest(CLASS_FOLDERS);
    expect(scanned).toHaveLength(6);
    const before = store.getState().dataset;
    const paths = await store.getState().addCaptures('cats', frames(3, 'a'));
    expect(paths).toEqual(['pets/cats/webcam/capture-1.jpg', 'pets/cats/webcam/capture-2.jpg', 'pets/cats/webcam/capture-3.jpg']);
    const state = store.getState();
    expect(scanned).toHaveLength(9);
    expect(state.dataset).not.toBe(before);
    expect(state.dataset?.classes).toEqual(['cats', 'dogs']);
    const cats = state.dataset?.items.filter((i) => i.classIndex === 0) ?? [];
    expect(cats.map((i) => i.path)).toEqual(expect.arrayContaining(['cats/webcam/capture-1.jpg', 'cats/webcam/capture-3.jpg']));
    expect(cats).toHaveLength(6);
    expect(state.scan?.hashes.size).toBe(9);
    expect(state.sources.map((s) => s.path).slice(0, 6)).toEqual(CLASS_FOLDERS.map((f) => f.path));
    expect(state.files).toHaveLength(9);
    expect(state.ingestTask).toBeNull();
    expect(state.ingestError).toBeNull();

    // More frames are numbered on; a new class name makes a new class folder.
    expect(await store.getState().addCaptures('cats', frames(1, 'b'))).toEqual(['pets/cats/webcam/capture-4.jpg']);
    await store.getState().addCaptures('birds', frames(2, 'c'));
    expect(store.getState().dataset?.classes).toEqual(['birds', 'cats', 'dogs']);
    expect(scanned).toHaveLength(12);
  });

  it('keeps split folders and class renames', async () => {
    const { store } = storeWith();
    await store.getState().ingest(SPLIT_FOLDERS);
    store.getState().renameClass(0, 'formica');
    await store.getState().addCaptures('formica', frames(2, 'a'));
    const dataset = store.getState().dataset;
    expect(dataset?.classes).toEqual(['formica', 'bees']);
    expect(countItems(dataset ?? { classes: [], items: [] })).toEqual({ train: { formica: 3, bees: 1 }, val: { formica: 1, bees: 1 } });
    expect(store.getState().sources.at(-1)?.path).toBe('bugs/Training/ants/webcam/capture-2.jpg');
  });

  it('builds a dataset from captures alone once two classes exist', async () => {
    const { store } = storeWith();
    await store.getState().addCaptures('thumbs-up', frames(2, 'a'));
    expect(store.getState().dataset).toBeNull();
    expect(store.getState().ingestError).toMatch(/Only one class \(thumbs-up\)/);
    await store.getState().addCaptures('thumbs-down', frames(2, 'b'));
    const state = store.getState();
    expect(state.ingestError).toBeNull();
    expect(state.dataset?.name).toBe('webcam');
    expect(state.dataset?.classes).toEqual(['thumbs-down', 'thumbs-up']);
    expect(state.dataset?.items).toHaveLength(4);
    await store.getState().addCaptures('thumbs-up', frames(1, 'c'));
    expect(store.getState().sources.at(-1)?.path).toBe('webcam/thumbs-up/capture-3.jpg');
  });

  it('changes nothing when the frames cannot go in', async () => {
    const { store } = storeWith();
    await store.getState().ingest(CLASS_FOLDERS);
    const before = store.getState().sources;
    await expect(store.getState().addCaptures('', frames(1, 'a'))).rejects.toThrow(/Name the class/);
    await expect(store.getState().addCaptures('a/b', frames(1, 'a'))).rejects.toThrow(/cannot be a class folder/);
    expect(store.getState().sources).toBe(before);
  });
});
