import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../core/errors';
import { countItems } from '../core/types';
import { buildDataset, compareClassNames, imageSkipReason, type IngestFile } from './ingest';

const DATASETS_DIR = fileURLToPath(new URL('../../../shared/datasets/', import.meta.url));

/** Lists a real folder the way a browser's folder picker does: `<folder>/<...>/<file>` with sizes. */
function listFolder(folder: string): IngestFile[] {
  const root = join(DATASETS_DIR, folder);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((abs) => ({ path: `${folder}/${relative(root, abs).split('\\').join('/')}`, size: statSync(abs).size }));
}

const files = (...paths: string[]): IngestFile[] => paths.map((path) => ({ path, size: 100 }));

describe('buildDataset: class folders', () => {
  it('strips the shared root, names the dataset after it and puts everything in train', () => {
    const ds = buildDataset(files('pets/dogs/a.jpg', 'pets/cats/b.PNG', 'pets/cats/c.jpeg', 'pets/dogs/deep/d.webp'));
    expect(ds.name).toBe('pets');
    expect(ds.layout).toBe('class-folders');
    expect(ds.classes).toEqual(['cats', 'dogs']);
    expect(ds.items.map((i) => [i.fileIndex, i.path, i.classIndex, i.split])).toEqual([
      [0, 'dogs/a.jpg', 1, 'train'],
      [1, 'cats/b.PNG', 0, 'train'],
      [2, 'cats/c.jpeg', 0, 'train'],
      [3, 'dogs/deep/d.webp', 1, 'train'],
    ]);
    expect(ds.skipped).toEqual([]);
  });

  it('keeps paths without a shared root and lets an explicit name win', () => {
    const ds = buildDataset(files('cats/a.jpg', 'dogs/b.jpg'));
    expect(ds.name).toBe('');
    expect(ds.items.map((i) => i.path)).toEqual(['cats/a.jpg', 'dogs/b.jpg']);
    expect(buildDataset(files('root/cats/a.jpg', 'root/dogs/b.jpg'), 'mine').name).toBe('mine');
  });

  it('sorts classes numerically', () => {
    const ds = buildDataset(files('d/class10/a.jpg', 'd/class2/a.jpg', 'd/Class1/a.jpg'));
    expect(ds.classes).toEqual(['Class1', 'class2', 'class10']);
    expect(['b', 'a', 'a10', 'a9'].sort(compareClassNames)).toEqual(['a', 'a9', 'a10', 'b']);
  });
});

describe('buildDataset: split folders', () => {
  it('maps Train/VAL/test in any case and deduplicates classes across splits', () => {
    const ds = buildDataset(
      files('x/Train/ants/1.jpg', 'x/Train/bees/2.jpg', 'x/VAL/bees/3.jpg', 'x/test/ants/4.jpg', 'x/Train/5.jpg'),
    );
    expect(ds.layout).toBe('split-folders');
    expect(ds.classes).toEqual(['ants', 'bees']);
    expect(ds.items.map((i) => `${i.split}:${ds.classes[i.classIndex]}`)).toEqual([
      'train:ants',
      'train:bees',
      'val:bees',
      'test:ants',
    ]);
    expect(ds.skipped).toEqual([{ file: 'x/Train/5.jpg', reason: 'not inside a class folder' }]);
  });

  it('maps training/testing/valid/validation', () => {
    const ds = buildDataset(
      files('training/a/1.jpg', 'testing/b/1.jpg', 'valid/a/1.jpg', 'Validation/b/1.jpg', 'TESTING/a/2.jpg'),
    );
    expect(ds.items.map((i) => i.split)).toEqual(['train', 'test', 'val', 'val', 'test']);
  });

  it('skips files beside the split folders', () => {
    const ds = buildDataset(files('train/a/1.jpg', 'train/b/1.jpg', 'extra/a/2.jpg', 'top.jpg'));
    expect(ds.items).toHaveLength(2);
    expect(ds.skipped.map((s) => s.reason)).toEqual([
      'not inside a split folder (found "extra/" beside the train/val/test folders)',
      'not inside a class folder',
    ]);
  });
});

describe('buildDataset: skipped files', () => {
  it('gives a reason for each unusable file', () => {
    const input: IngestFile[] = [
      { path: 'd/cats/a.jpg', size: 10 },
      { path: 'd/dogs/b.JPG', size: 10 },
      { path: 'd/dogs/labels.csv', size: 10 },
      { path: 'd/dogs/.DS_Store', size: 10 },
      { path: 'd/cats/Thumbs.db', size: 10 },
      { path: 'd/.hidden/c.jpg', size: 10 },
      { path: 'd/cats/empty.png', size: 0 },
      { path: 'd/loose.gif', size: 10 },
      { path: 'd/README', size: 10 },
    ];
    const ds = buildDataset(input);
    expect(ds.items.map((i) => i.fileIndex)).toEqual([0, 1]);
    expect(ds.skipped).toEqual([
      { file: 'd/dogs/labels.csv', reason: 'not an image (.csv)' },
      { file: 'd/dogs/.DS_Store', reason: 'system file' },
      { file: 'd/cats/Thumbs.db', reason: 'system file' },
      { file: 'd/.hidden/c.jpg', reason: 'system file' },
      { file: 'd/cats/empty.png', reason: 'empty file (0 bytes)' },
      { file: 'd/loose.gif', reason: 'not inside a class folder' },
      { file: 'd/README', reason: 'not an image (no extension)' },
    ]);
  });

  it('accepts every image extension in any case', () => {
    for (const ext of ['jpg', 'JPEG', 'png', 'Gif', 'bmp', 'webp', 'AVIF']) {
      expect(imageSkipReason(['a', `x.${ext}`], 1)).toBeUndefined();
    }
    expect(imageSkipReason(['a', 'x.tiff'], 1)).toBe('not an image (.tiff)');
  });
});

describe('buildDataset: errors', () => {
  it('throws a user-facing error when there are no images', () => {
    expect(() => buildDataset([])).toThrow(UserFacingError);
    expect(() => buildDataset(files('d/notes.txt', 'd/a/b.csv'))).toThrow(
      /^No images found in "d": expected one sub-folder per class.*2 file\(s\) skipped/,
    );
    expect(() => buildDataset(files('d/a.jpg', 'd/b.jpg'))).toThrow(/not inside a class folder/);
  });

  it('throws a user-facing error for a single class', () => {
    const run = () => buildDataset(files('d/train/cats/a.jpg', 'd/val/cats/b.jpg'));
    expect(run).toThrow(UserFacingError);
    expect(run).toThrow(/^Only one class \(cats\) found in "d": a classifier needs at least two/);
  });
});

describe('buildDataset: real datasets', () => {
  it('reads hymenoptera (train/val, one .gif) as 2 classes, 245 train, 153 val', () => {
    const list = listFolder('hymenoptera');
    const ds = buildDataset(list);
    expect(ds.name).toBe('hymenoptera');
    expect(ds.layout).toBe('split-folders');
    expect(ds.classes).toEqual(['ants', 'bees']);
    const counts = countItems(ds);
    expect(Object.values(counts.train ?? {}).reduce((a, b) => a + b, 0)).toBe(245);
    expect(Object.values(counts.val ?? {}).reduce((a, b) => a + b, 0)).toBe(153);
    expect(counts.test).toBeUndefined();
    expect(ds.items.some((i) => i.path === 'train/ants/imageNotFound.gif')).toBe(true);
    expect(ds.skipped).toEqual([]);
    for (const item of ds.items) expect(list[item.fileIndex]?.path).toBe(`hymenoptera/${item.path}`);
  });

  it('reads rps (training/testing) as 3 classes and skips the root text files', () => {
    const ds = buildDataset(listFolder('rps'));
    expect(ds.classes).toEqual(['paper', 'rock', 'scissors']);
    const counts = countItems(ds);
    const total = (split: 'train' | 'val' | 'test') =>
      Object.values(counts[split] ?? {}).reduce((a, b) => a + b, 0);
    expect([total('train'), total('val'), total('test')]).toEqual([1877, 0, 470]);
    expect(counts.train?.rock).toBe(740);
    expect(ds.skipped).toEqual([
      { file: 'rps/ATTRIBUTION.md', reason: 'not an image (.md)' },
      { file: 'rps/LICENSE', reason: 'not an image (no extension)' },
      { file: 'rps/NOTICE.md', reason: 'not an image (.md)' },
    ]);
  });
});
