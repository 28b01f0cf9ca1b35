import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import { buildDataset, compareClassNames, findLabelFiles, imageSkipReason, type IngestFile } from './ingest';

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
    expect(buildDataset(files('root/cats/a.jpg', 'root/dogs/b.jpg'), { name: 'mine' }).name).toBe('mine');
  });

  it('gives deeper folders to the class of the first folder (theme/figure/NNN.jpg)', () => {
    const ds = buildDataset(files('lego/star-wars/0001/001.jpg', 'lego/star-wars/0002/001.jpg', 'lego/marvel/0001/001.jpg'));
    expect(ds.classes).toEqual(['marvel', 'star-wars']);
    expect(ds.items.map((i) => i.classIndex)).toEqual([1, 1, 0]);
  });

  it('lets a forced class-folders layout read split folders as classes', () => {
    const ds = buildDataset(files('d/train/a/1.jpg', 'd/val/a/2.jpg'), { layout: 'class-folders' });
    expect([ds.layout, ds.classes]).toEqual(['class-folders', ['train', 'val']]);
    expect(() => buildDataset(files('d/a/1.jpg', 'd/b/2.jpg'), { layout: 'split-folders' })).toThrow(
      /^No images found in "d".*2 file\(s\) skipped: 1 not inside a split folder \(found "a\/"/,
    );
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
      'not inside a split folder (found "extra/" beside the split folder "train/")',
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

  it('says which formats browsers cannot decode and what to do', () => {
    const ds = buildDataset([
      ...files('d/cats/a.jpg', 'd/dogs/b.jpg', 'd/cats/c.HEIC', 'd/cats/d.heif', 'd/dogs/e.tif', 'd/dogs/f.TIFF'),
      { path: 'd/__MACOSX/cats/._a.jpg', size: 10 },
      { path: 'd/dogs/g.heic', size: 0 },
    ]);
    expect(ds.skipped.map((s) => s.reason)).toEqual([
      'HEIC is not supported by browsers: convert to JPEG or PNG',
      'HEIF is not supported by browsers: convert to JPEG or PNG',
      'TIFF is not supported by browsers: convert to JPEG or PNG',
      'TIFF is not supported by browsers: convert to JPEG or PNG',
      'system file',
      'HEIC is not supported by browsers: convert to JPEG or PNG',
    ]);
  });

  it('notes a class folder whose files are all unusable', () => {
    const ds = buildDataset(files('d/cats/a.jpg', 'd/dogs/b.jpg', 'd/birds/c.heic'));
    expect(ds.classes).toEqual(['cats', 'dogs']);
    expect(ds.notes?.find((n) => n.code === 'empty-folder')?.files).toEqual(['birds/c.heic']);
  });

  it('accepts every image extension in any case', () => {
    for (const ext of ['jpg', 'JPEG', 'png', 'Gif', 'bmp', 'webp', 'AVIF']) {
      expect(imageSkipReason(['a', `x.${ext}`], 1)).toBeUndefined();
    }
    expect(imageSkipReason(['a', 'x.svg'], 1)).toBe('not an image (.svg)');
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

describe('findLabelFiles', () => {
  it('lists .csv, .tsv and .txt files at any depth, not system files', () => {
    const listed = findLabelFiles(
      files('d/labels.csv', 'd/a/b/c.TSV', 'd/list.txt', 'd/a/x.jpg', 'd/__MACOSX/._labels.csv', 'd/.hidden.csv', 'd/n.md'),
    );
    expect(listed).toEqual([
      { path: 'd/labels.csv', kind: 'csv' },
      { path: 'd/a/b/c.TSV', kind: 'csv' },
      { path: 'd/list.txt', kind: 'list' },
    ]);
  });
});

describe('buildDataset: label files', () => {
  const listing = files('p/images/a.png', 'p/images/b.png', 'p/images/c.png', 'p/images/d.png', 'p/labels.csv', 'p/x.md');
  const csv = { path: 'p/labels.csv', text: 'name,class\na,cat\nb,dog\nc,cat\n' };

  it('uses the CSV when the folders give one class, neither lists nor skips it, and keeps unnamed images aside', () => {
    const ds = buildDataset(listing, { labels: csv });
    expect([ds.layout, ds.name, ds.classes]).toEqual(['csv', 'p', ['cat', 'dog']]);
    expect(ds.items.map((i) => [i.fileIndex, i.path, i.classIndex, i.split])).toEqual([
      [0, 'images/a.png', 0, 'train'],
      [1, 'images/b.png', 1, 'train'],
      [2, 'images/c.png', 0, 'train'],
    ]);
    expect(ds.skipped).toEqual([{ file: 'p/x.md', reason: 'not an image (.md)' }]);
    expect(ds.unlabelled).toEqual([{ fileIndex: 3, path: 'images/d.png' }]);
    expect(ds.labelSource).toMatchObject({ file: 'p/labels.csv', fileColumn: 'name', labelColumn: 'class', matched: 3 });
    expect(ds.notes?.map((n) => n.code)).toEqual(['images-without-row', 'imbalance', 'few-images']);
  });

  it('reads a .txt as a list, and keeps the split of images in split folders', () => {
    const list = files('d/train/1.jpg', 'd/train/2.jpg', 'd/test/3.jpg', 'd/test/4.jpg', 'd/labels.txt');
    const text = 'train/1.jpg cat\ntrain/2.jpg dog\ntest/3.jpg cat\ntest/4.jpg dog\n';
    const ds = buildDataset(list, { labels: { path: 'd/labels.txt', text } });
    expect(ds.layout).toBe('list');
    expect(ds.items.map((i) => `${i.split}:${ds.classes[i.classIndex]}`)).toEqual([
      'train:cat',
      'train:dog',
      'test:cat',
      'test:dog',
    ]);
    expect(ds.labelSource?.columns).toEqual(['path', 'label']);
  });

  it('prefers folders with two classes and says how to use the label file instead', () => {
    const list = files('d/cats/1.jpg', 'd/dogs/2.jpg', 'd/meta.csv', 'd/notes/readme.txt');
    const ds = buildDataset(list, { labels: { path: 'd/meta.csv', text: 'f,label\n1,x\n2,y\n' } });
    expect(ds.layout).toBe('class-folders');
    expect(ds.skipped.map((s) => s.reason)).toEqual(['not an image (.csv)', 'not an image (.txt)']);
    expect(ds.notes?.filter((n) => n.level === 'info').map((n) => [n.message, n.files])).toEqual([
      [
        'meta.csv was not used: the folders already give 2 classes. To label the images from its column "label" ' +
          'instead, choose the CSV layout.',
        ['meta.csv'],
      ],
      [
        'readme.txt was not used: the folders already give 2 classes. To label the images from it instead, ' +
          'choose the list layout.',
        ['notes/readme.txt'],
      ],
    ]);
  });

  it('says when a label file in the listing cannot label the images either', () => {
    const list = files('d/cats/1.jpg', 'd/dogs/2.jpg', 'd/features.csv');
    const ds = buildDataset(list, { labels: { path: 'd/features.csv', text: '0.5,1.0\n0.7,2.0\n' } });
    expect(ds.notes?.[0]?.message).toBe(
      'features.csv was not used: the folders already give 2 classes. It cannot label them either: None of the ' +
        'columns of features.csv (column 1, column 2) names an image in the folder: a label file needs one ' +
        'column of file names (e.g. cat1.jpg or images/cat1) and one of labels.',
    );
  });

  it('uses a forced CSV layout even when the folders give classes', () => {
    const list = files('d/cats/1.jpg', 'd/dogs/2.jpg', 'd/cats/3.jpg', 'd/meta.csv');
    const labels = { path: 'd/meta.csv', text: 'f,label\n1,x\n2,y\n3,y\n' };
    const ds = buildDataset(list, { layout: 'csv', labels });
    expect([ds.layout, ds.classes, ds.items.map((i) => i.classIndex)]).toEqual(['csv', ['x', 'y'], [0, 1, 1]]);
    expect(buildDataset(list, { layout: 'list', labels: { path: 'd/meta.csv', text: '1 x\n2 y\n' } }).layout).toBe('list');
  });

  it('throws user-facing errors for a label layout without labels, or labels giving under two classes', () => {
    expect(() => buildDataset(listing, { layout: 'csv' })).toThrow(/^The CSV layout needs a label file/);
    const oneClass = { path: 'p/labels.csv', text: 'name,class\na,cat\nb,cat\nc,\n' };
    expect(() => buildDataset(listing, { layout: 'csv', labels: oneClass })).toThrow(
      /^Only one class \(cat\) found in column "class" of labels\.csv/,
    );
    expect(() => buildDataset(listing, { layout: 'csv', labels: { path: 'p/labels.csv', text: 'q,r\nx,y\n' } })).toThrow(
      /^None of the columns of labels\.csv/,
    );
  });

  it('adds the label file problem to the folder error in auto layout', () => {
    expect(() => buildDataset(listing, { labels: { path: 'p/labels.csv', text: 'n,l\nzz,cat\n' } })).toThrow(
      /^Only one class \(images\) found in "p".* labels\.csv cannot label them either: None of the columns/,
    );
    expect(() => buildDataset(listing)).toThrow(/^Only one class \(images\).* labels\.csv may label them\.$/);
  });
});

describe('buildDataset: empty folders listed by the drop and folder-picker readers', () => {
  it('notes an empty class folder (and an empty split class folder), lists no folder as skipped, and ignores empty sub-folders of a class', () => {
    const ds = buildDataset(files('pets/cats/1.jpg', 'pets/dogs/2.jpg', 'pets/birds/', 'pets/dogs/nothing-here/'));
    expect(ds.classes).toEqual(['cats', 'dogs']);
    expect(ds.skipped).toEqual([]);
    const empty = ds.notes?.filter((n) => n.code === 'empty-folder') ?? [];
    expect(empty.map((n) => [n.message, n.files])).toEqual([['The folder "birds/" is empty, so it gives no class: add images to it, or remove it.', ['birds']]]);
    const split = buildDataset(files('d/train/cats/1.jpg', 'd/train/dogs/1.jpg', 'd/val/cats/2.jpg', 'd/val/dogs/'));
    expect(split.notes?.find((n) => n.code === 'empty-folder')?.message).toBe('The folder "val/dogs/" is empty, so it gives no class: add images to it, or remove it.');
  });
});
