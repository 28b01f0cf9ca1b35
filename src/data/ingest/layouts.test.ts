/**
 * The reader on the folder layouts people download (synthetic trees named as the published datasets are),
 * read as the studio reads them: every label file's text given, none chosen.
 */
import { describe, expect, it } from 'vitest';
import { countItems, readingWarnings, type Dataset } from '../../core/types';
import { buildDataset, type BuildOptions, type IngestFile } from './ingest';

/**
 * `count` JPEGs in each folder (`{ 'training_set/cats': 3 }` -> `training_set/cats/0.jpg` ...), numbered from
 * `first` when given as `[count, first]`, under `root`.
 */
function tree(root: string, folders: Record<string, number | [number, number]>, extra: readonly string[] = []): IngestFile[] {
  const files = Object.entries(folders).flatMap(([folder, spec]) => {
    const [count, first] = typeof spec === 'number' ? [spec, 0] : spec;
    return Array.from({ length: count }, (_, i) => ({ path: `${root}/${folder}/${first + i}.jpg`, size: 100 }));
  });
  return [...files, ...extra.map((path) => ({ path: `${root}/${path}`, size: 100 }))];
}

/** Splits and classes as `split:class=count`, sorted. */
function summary(ds: Dataset): string[] {
  return Object.entries(countItems(ds))
    .flatMap(([split, perClass]) => Object.entries(perClass ?? {}).map(([c, n]) => `${split}:${c}=${n}`))
    .sort();
}

const codes = (ds: Dataset) => (ds.notes ?? []).map((n) => n.code);
const read = (files: IngestFile[], options: BuildOptions = {}) => buildDataset(files, options);

/** A CSV text: a header and one row per line. */
const csv = (header: string, rows: readonly string[]) => `${header}\n${rows.join('\n')}\n`;

describe('reader: split folders named in the ways downloads name them', () => {
  it('reads training_set/ and test_set/ (the cats-and-dogs download) as train and test splits', () => {
    const files = tree('cats-and-dogs', {
      'training_set/cats': 4,
      'training_set/dogs': 4,
      'test_set/cats': 2,
      'test_set/dogs': 2,
    });
    const ds = read(files);
    expect([ds.layout, ds.classes]).toEqual(['split-folders', ['cats', 'dogs']]);
    expect(summary(ds)).toEqual(['test:cats=2', 'test:dogs=2', 'train:cats=4', 'train:dogs=4']);
    expect(ds.reading?.splitFolders).toEqual({ training_set: 'train', test_set: 'test' });
    expect(readingWarnings(ds)).toEqual([]);
    expect(ds.reading?.alternatives).toEqual([]);
  });

  it('looks through seg_train/seg_train/ doubled folders and keeps seg_pred/ aside as unlabelled (Intel scenes)', () => {
    const files = tree('intel', {
      'seg_train/seg_train/forest': 3,
      'seg_train/seg_train/glacier': 3,
      'seg_test/seg_test/forest': 2,
      'seg_test/seg_test/glacier': 2,
      'seg_pred/seg_pred': 4,
    });
    const ds = read(files);
    expect([ds.layout, ds.classes]).toEqual(['split-folders', ['forest', 'glacier']]);
    expect(summary(ds)).toEqual(['test:forest=2', 'test:glacier=2', 'train:forest=3', 'train:glacier=3']);
    expect(ds.unlabelled?.map((u) => u.path)).toEqual(['seg_pred/seg_pred/0.jpg', 'seg_pred/seg_pred/1.jpg', 'seg_pred/seg_pred/2.jpg', 'seg_pred/seg_pred/3.jpg']);
    expect(codes(ds)).toContain('unlabelled-images');
    expect(ds.skipped).toEqual([]);
  });

  it('looks through a wrapping dataset/ folder', () => {
    const ds = read(tree('archive', { 'dataset/training_set/cats': 2, 'dataset/training_set/dogs': 2, 'dataset/test_set/cats': 1, 'dataset/test_set/dogs': 1 }));
    expect([ds.name, ds.layout, ds.reading?.wrapper]).toEqual(['archive', 'split-folders', 'dataset']);
    expect(summary(ds)).toEqual(['test:cats=1', 'test:dogs=1', 'train:cats=2', 'train:dogs=2']);
    expect(ds.items[0]?.path).toBe('dataset/training_set/cats/0.jpg');
  });

  it('looks through data/ then images/ around train/ and validation/', () => {
    const ds = read(tree('x', { 'data/images/train/a': 2, 'data/images/train/b': 2, 'data/images/validation/a': 1, 'data/images/validation/b': 1 }));
    expect([ds.reading?.wrapper, ds.reading?.splitFolders]).toEqual(['data/images', { train: 'train', validation: 'val' }]);
    expect(summary(ds)).toEqual(['train:a=2', 'train:b=2', 'val:a=1', 'val:b=1']);
  });

  it('reads Training/ and Testing/ in any case, and plurals (tests/) ', () => {
    const ds = read(tree('mri', { 'Training/glioma': 2, 'Training/pituitary': 2, 'TESTS/glioma': 1, 'TESTS/pituitary': 1 }));
    expect(ds.reading?.splitFolders).toEqual({ Training: 'train', TESTS: 'test' });
    expect(summary(ds)).toEqual(['test:glioma=1', 'test:pituitary=1', 'train:glioma=2', 'train:pituitary=2']);
  });

  it('reads train/, valid/ and test/ (Roboflow) and train2017/ and val2017/ (COCO style)', () => {
    const roboflow = read(tree('sports', { 'train/golf': 2, 'train/judo': 2, 'valid/golf': 1, 'valid/judo': 1, 'test/golf': 1, 'test/judo': 1 }));
    expect(roboflow.reading?.splitFolders).toEqual({ train: 'train', valid: 'val', test: 'test' });
    const coco = read(tree('c', { 'train2017/a': 2, 'train2017/b': 2, 'val2017/a': 1, 'val2017/b': 1 }));
    expect(coco.reading?.splitFolders).toEqual({ train2017: 'train', val2017: 'val' });
  });

  it('reads trainval/ as train, dev/ as val, and eval/ as test beside a val folder', () => {
    const ds = read(tree('d', { 'trainval/a': 2, 'trainval/b': 2, 'dev/a': 1, 'dev/b': 1, 'eval/a': 1, 'eval/b': 1 }));
    expect(ds.reading?.splitFolders).toEqual({ trainval: 'train', dev: 'val', eval: 'test' });
    const alone = read(tree('d', { 'train-data/a': 2, 'train-data/b': 2, 'Evaluation-Data/a': 1, 'Evaluation-Data/b': 1 }));
    expect(alone.reading?.splitFolders).toEqual({ 'train-data': 'train', 'Evaluation-Data': 'val' });
  });

  it('reads a holdout/ folder as the test split', () => {
    const ds = read(tree('d', { 'train_images/a': 2, 'train_images/b': 2, 'holdout/a': 1, 'holdout/b': 1 }));
    expect(ds.reading?.splitFolders).toEqual({ train_images: 'train', holdout: 'test' });
  });

  it('reads two top folders with no split name but the same class folders as splits, by size', () => {
    const ds = read(tree('d', { 'part-a/cats': 5, 'part-a/dogs': 5, 'part-b/cats': 2, 'part-b/dogs': 2 }));
    expect([ds.layout, ds.reading?.splitsBy, ds.reading?.splitFolders]).toEqual([
      'split-folders',
      'structure',
      { 'part-a': 'train', 'part-b': 'test' },
    ]);
    expect(codes(ds)).toContain('reading-chosen');
    expect(ds.reading?.alternatives).toEqual([{ layout: 'class-folders', title: 'Read each top folder as a class' }]);
    const asClasses = read(tree('d', { 'part-a/cats': 5, 'part-a/dogs': 5, 'part-b/cats': 2, 'part-b/dogs': 2 }), { layout: 'class-folders' });
    expect([asClasses.classes, readingWarnings(asClasses).map((n) => n.code)]).toEqual([['part-a', 'part-b'], ['subfolders-repeat']]);
  });

  it('reads class folders that each hold train/ and test/ as classes with their splits', () => {
    const ds = read(tree('d', { 'cats/train': 3, 'cats/test': 1, 'dogs/train': 3, 'dogs/test': 1 }));
    expect([ds.layout, ds.classes, ds.reading?.splitsBelowClasses]).toEqual(['class-folders', ['cats', 'dogs'], true]);
    expect(summary(ds)).toEqual(['test:cats=1', 'test:dogs=1', 'train:cats=3', 'train:dogs=3']);
    expect(readingWarnings(ds)).toEqual([]);
  });
});

describe('reader: folders that are not splits', () => {
  it('keeps class names that merely contain a split word (train_cats, devices) as classes', () => {
    const ds = read(tree('d', { trains: 2, devices: 2, 'train_cats': 2 }));
    expect([ds.layout, ds.classes]).toEqual(['class-folders', ['devices', 'train_cats', 'trains']]);
    expect(readingWarnings(ds).map((n) => [n.code, n.files])).toEqual([['classes-look-like-splits', ['trains']]]);
  });

  it('reads theme/figure folders whose figures differ as classes (lego), with no warning', () => {
    const ds = read(tree('lego', { 'marvel/0001': 2, 'marvel/0005': 2, 'star-wars/0001': 2, 'star-wars/0002': 2 }));
    expect([ds.layout, ds.classes, readingWarnings(ds)]).toEqual(['class-folders', ['marvel', 'star-wars'], []]);
  });

  it('warns when four or more class folders all hold the same sub-folders, offering split folders', () => {
    const folders = Object.fromEntries(['north', 'south', 'east', 'west'].flatMap((c) => [[`${c}/2019`, 2], [`${c}/2020`, 2]]));
    const ds = read(tree('d', folders));
    expect(ds.classes).toEqual(['east', 'north', 'south', 'west']);
    expect(readingWarnings(ds).map((n) => n.code)).toEqual(['subfolders-repeat']);
    expect(ds.reading?.alternatives.map((a) => a.layout)).toEqual(['split-folders']);
  });

  it('warns when a class holds images from folders that look like different splits', () => {
    const ds = read(tree('d', { 'cats/train': 2, 'cats/test': 2, 'cats/misc': 2, 'dogs/all': 4 }));
    expect(readingWarnings(ds).map((n) => [n.code, n.files])).toEqual([['class-spans-splits', ['cats']]]);
  });
});

describe('reader: label files beside image folders', () => {
  /** The Kaggle faces download: trainimages/ (labelled by train.csv), testimages/, a template and a script. */
  function faces(): { files: IngestFile[]; labelFiles: { path: string; text: string }[] } {
    const files = tree('faces', { trainimages: 6, testimages: [3, 100] }, ['parser.py', 'train.csv', 'sample_submission.csv']);
    const train = csv('image_id,is_male,age', ['0,1,30', '1,0,41', '2,1,22', '3,0,35', '4,1,50', '5,0,19']);
    const template = csv('image_id,is_male', ['100,-1', '101,-1', '102,-1']);
    return {
      files,
      labelFiles: [
        { path: 'faces/train.csv', text: train },
        { path: 'faces/sample_submission.csv', text: template },
      ],
    };
  }

  it('labels trainimages/ from train.csv, not sample_submission.csv, and keeps testimages/ aside', () => {
    const { files, labelFiles } = faces();
    const ds = read(files, { labelFiles });
    expect([ds.layout, ds.labelSource?.file, ds.labelSource?.labelColumn, ds.classes]).toEqual(['csv', 'faces/train.csv', 'is_male', ['0', '1']]);
    expect(summary(ds)).toEqual(['train:0=3', 'train:1=3']);
    expect(ds.unlabelled?.map((u) => u.path)).toEqual(['testimages/100.jpg', 'testimages/101.jpg', 'testimages/102.jpg']);
    const template = ds.notes?.find((n) => n.code === 'label-file-template');
    expect(template?.files).toEqual(['sample_submission.csv']);
    expect(template?.message).toMatch(/^sample_submission\.csv is named like a submission template/);
    expect(ds.skipped).toEqual([
      { file: 'faces/parser.py', reason: 'not an image (.py)' },
      { file: 'faces/sample_submission.csv', reason: 'not an image (.csv)' },
    ]);
    expect(ds.reading?.alternatives).toEqual([]);
  });

  it('says a template that is not named like one gives one label for every row, and uses the other file', () => {
    const { files, labelFiles } = faces();
    const renamed = labelFiles.map((f) => (f.path.includes('sample') ? { ...f, path: 'faces/guesses.csv' } : f));
    const listing = files.map((f) => (f.path === 'faces/sample_submission.csv' ? { ...f, path: 'faces/guesses.csv' } : f));
    const ds = read(listing, { labelFiles: renamed.reverse() });
    expect(ds.labelSource?.file).toBe('faces/train.csv');
    expect(ds.notes?.find((n) => n.files?.[0] === 'guesses.csv')?.message).toMatch(/every row of guesses\.csv gives the same label \("-1"/);
  });

  it('says clearly when only the folders and a template are there: nothing labels the images', () => {
    const { files, labelFiles } = faces();
    expect(() => read(files, { labelFiles: labelFiles.slice(1) })).toThrow(
      /^The 9 images in "faces" lie loose in "trainimages\/", "testimages\/" with no class folders, so nothing labels them.*sample_submission\.csv is named like a submission template/,
    );
  });

  it('reads Kaggle train/ + train.csv + test/ + sample_submission.csv (aerial cactus)', () => {
    const files = tree('cactus', { train: 6, test: [2, 50] }, ['train.csv', 'sample_submission.csv']);
    const labelFiles = [
      { path: 'cactus/sample_submission.csv', text: csv('id,has_cactus', ['50.jpg,0.5', '51.jpg,0.5']) },
      { path: 'cactus/train.csv', text: csv('id,has_cactus', ['0.jpg,1', '1.jpg,0', '2.jpg,1', '3.jpg,0', '4.jpg,1', '5.jpg,0']) },
    ];
    const ds = read(files, { labelFiles });
    expect([ds.layout, ds.labelSource?.file, ds.classes, ds.unlabelled?.length]).toEqual(['csv', 'cactus/train.csv', ['0', '1'], 2]);
    expect(summary(ds)).toEqual(['train:0=3', 'train:1=3']);
    expect(ds.unlabelled?.map((u) => u.path)).toEqual(['test/50.jpg', 'test/51.jpg']);
    expect(ds.notes?.find((n) => n.code === 'label-file-template')?.files).toEqual(['sample_submission.csv']);
  });

  it('reads Kaggle train/ with class folders beside a test/ of loose images and a submission template', () => {
    const files = tree('seedlings', { 'train/Maize': 3, 'train/Cleavers': 3, test: 2 }, ['sample_submission.csv']);
    const labelFiles = [{ path: 'seedlings/sample_submission.csv', text: csv('file,species', ['0.jpg,Maize', '1.jpg,Cleavers']) }];
    const ds = read(files, { labelFiles });
    expect([ds.layout, ds.classes, ds.unlabelled?.length]).toEqual(['split-folders', ['Cleavers', 'Maize'], 2]);
    expect(ds.notes?.find((n) => n.code === 'label-file-template')?.files).toEqual(['sample_submission.csv']);
    expect(readingWarnings(ds)).toEqual([]);
  });

  it('labels from a CSV when the folders only organise the images (images_001/, images_002/)', () => {
    const files = tree('nih', { 'images_001/images': 4, 'images_002/images': 4 }, ['Data_Entry.csv']);
    const rows = [0, 1, 2, 3].flatMap((i) => [`images_001/images/${i}.jpg,${i % 2 ? 'Effusion' : 'No Finding'}`, `images_002/images/${i}.jpg,${i % 2 ? 'No Finding' : 'Effusion'}`]);
    const ds = read(files, { labelFiles: [{ path: 'nih/Data_Entry.csv', text: csv('Image Index,Finding Labels', rows) }] });
    expect([ds.layout, ds.classes, ds.items.length]).toEqual(['csv', ['Effusion', 'No Finding'], 8]);
    expect(ds.reading?.alternatives.map((a) => a.layout)).toEqual(['class-folders']);
  });

  it('keeps class folders that a CSV mostly agrees with, and warns about a CSV that disagrees', () => {
    const files = tree('d', { cats: 4, dogs: 4 }, ['colour.csv']);
    const rows = [0, 1, 2].flatMap((i) => [`cats/${i}.jpg,${i % 2 ? 'black' : 'white'}`, `dogs/${i}.jpg,${i % 2 ? 'white' : 'black'}`]);
    const ds = read(files, { labelFiles: [{ path: 'd/colour.csv', text: csv('file,colour', rows) }] });
    expect([ds.layout, ds.classes]).toEqual(['class-folders', ['cats', 'dogs']]);
    expect(readingWarnings(ds).map((n) => [n.code, n.files])).toEqual([['label-file-ignored', ['colour.csv']]]);
    expect(ds.reading?.alternatives).toEqual([{ layout: 'csv', labelFile: 'd/colour.csv', title: 'Label the images from colour.csv' }]);
  });

  it('chooses, of several label files, the one that labels the most images with two classes', () => {
    const files = tree('d', { images: 6 }, ['few.csv', 'all.csv']);
    const few = { path: 'd/few.csv', text: csv('f,l', ['0,a', '1,b']) };
    const all = { path: 'd/all.csv', text: csv('f,l', ['0,x', '1,y', '2,x', '3,y', '4,x', '5,y']) };
    const ds = read(files, { labelFiles: [few, all] });
    expect(ds.labelSource?.file).toBe('d/all.csv');
    expect(ds.notes?.find((n) => n.files?.[0] === 'few.csv')?.message).toMatch(/^few\.csv labels 2 images too .*all\.csv was used/);
    expect(ds.reading?.alternatives).toEqual([{ layout: 'csv', labelFile: 'd/few.csv', title: 'Label the images from few.csv' }]);
    expect(read(files, { labelFiles: [few, all], labels: few }).labelSource?.file).toBe('d/few.csv');
  });

  it('keeps class folders beside a CSV whose labels are split names (filename,split), and says why', () => {
    const files = tree('d', { cats: 4, dogs: 4 }, ['splits.csv']);
    const rows = [0, 1, 2, 3].flatMap((i) => [`cats/${i}.jpg,${i < 3 ? 'train' : 'test'}`, `dogs/${i}.jpg,${i < 3 ? 'train' : 'test'}`]);
    const ds = read(files, { labelFiles: [{ path: 'd/splits.csv', text: csv('filename,split', rows) }] });
    expect([ds.layout, ds.classes]).toEqual(['class-folders', ['cats', 'dogs']]);
    expect(ds.notes?.find((n) => n.files?.[0] === 'splits.csv')?.code).toBe('label-file-unused');
    expect(readingWarnings(ds)).toEqual([]);
  });

  it('weighs at most 16 label files, shallowest first, and sums up the unused ones beyond 16 in one note', () => {
    // A YOLO export: a .txt of boxes per image beside class folders, and classes.txt at the top.
    const files = tree('yolo', { cats: 20, dogs: 20 }, [...Array.from({ length: 40 }, (_, i) => `labels/${i}.txt`), 'classes.txt']);
    const labelFiles = files.filter((f) => f.path.endsWith('.txt')).map((f) => ({ path: f.path, text: '0 0.5 0.5 0.2 0.2\n' }));
    const ds = read(files, { labelFiles });
    expect([ds.layout, ds.classes]).toEqual(['class-folders', ['cats', 'dogs']]);
    const unused = (ds.notes ?? []).filter((n) => n.code === 'label-file-unused');
    expect(unused).toHaveLength(17);
    expect(unused.at(-1)?.message).toBe('25 more .csv, .tsv or .txt files were not used either: the folders already give 2 classes.');
  });
});

