/**
 * `buildDataset` on the real datasets in ../shared/datasets, listed the way a browser's folder picker lists
 * them (`<folder>/<...>/<file>` with real sizes), with the real label files' text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { countItems, readingWarnings, type Dataset, type SplitName } from '../../core/types';
import { buildDataset, findLabelFiles, type BuildOptions, type IngestFile } from './ingest';

const DATASETS_DIR = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));

/** Lists a real folder the way a browser's folder picker does: `<folder>/<...>/<file>` with sizes. */
function listFolder(folder: string): IngestFile[] {
  const root = join(DATASETS_DIR, folder);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
    .map((abs) => ({ path: `${folder}/${relative(root, abs).split('\\').join('/')}`, size: statSync(abs).size }));
}

/**
 * Builds a real dataset as the studio does: every label file's text given to weigh, the first one chosen
 * only for a forced label layout.
 */
function build(folder: string, layout: BuildOptions['layout'] = 'auto'): { ds: Dataset; list: IngestFile[] } {
  const list = listFolder(folder);
  const labelFiles = findLabelFiles(list).map((found) => ({ path: found.path, text: readFileSync(join(DATASETS_DIR, found.path), 'utf8') }));
  const [first] = labelFiles;
  const labels = layout === 'csv' || layout === 'list' ? first : undefined;
  const ds = buildDataset(list, { layout, labelFiles, ...(labels && { labels }) });
  for (const item of ds.items) expect(list[item.fileIndex]?.path).toBe(`${folder}/${item.path}`);
  return { ds, list };
}

const total = (ds: Dataset, split: SplitName) =>
  Object.values(countItems(ds)[split] ?? {}).reduce((a, b) => a + b, 0);

describe('buildDataset: real datasets', () => {
  it('reads hymenoptera (train/val, one .gif) as 2 classes, 245 train, 153 val, with nothing to note', () => {
    const { ds } = build('hymenoptera');
    expect([ds.name, ds.layout, ds.classes]).toEqual(['hymenoptera', 'split-folders', ['ants', 'bees']]);
    expect([total(ds, 'train'), total(ds, 'val'), total(ds, 'test')]).toEqual([245, 153, 0]);
    expect(ds.items.some((i) => i.path === 'train/ants/imageNotFound.gif')).toBe(true);
    expect(ds.skipped).toEqual([]);
    expect(ds.notes).toEqual([]);
  });

  it('reads rps (training/testing) as 3 classes and skips the root text files', () => {
    const { ds } = build('rps');
    expect([ds.layout, ds.classes]).toEqual(['split-folders', ['paper', 'rock', 'scissors']]);
    expect([total(ds, 'train'), total(ds, 'val'), total(ds, 'test')]).toEqual([1877, 0, 470]);
    expect(countItems(ds).train).toEqual({ paper: 553, rock: 740, scissors: 584 });
    expect(ds.skipped).toEqual([
      { file: 'rps/ATTRIBUTION.md', reason: 'not an image (.md)' },
      { file: 'rps/LICENSE', reason: 'not an image (no extension)' },
      { file: 'rps/NOTICE.md', reason: 'not an image (.md)' },
    ]);
    // rock/paper = 740/553 = 1.34 in train (181/127 = 1.43 in test): under the 1.5 of the `imbalance` contract.
    expect(ds.notes).toEqual([]);
  });

  it('reads lego-minifigures (theme/figure/NNN.jpg) as 4 classes and 121 images, skipping the CSV and LICENSE', () => {
    const { ds } = build('lego-minifigures');
    expect(ds.layout).toBe('class-folders');
    expect(ds.classes).toEqual(['harry-potter', 'jurassic-world', 'marvel', 'star-wars']);
    expect(ds.items).toHaveLength(121);
    expect(countItems(ds).train).toEqual({ 'harry-potter': 26, 'jurassic-world': 28, marvel: 31, 'star-wars': 36 });
    expect(ds.skipped).toEqual([
      { file: 'lego-minifigures/LICENSE', reason: 'not an image (no extension)' },
      { file: 'lego-minifigures/lego_data.csv', reason: 'not an image (.csv)' },
    ]);
    expect(ds.notes?.map((n) => [n.level, n.files])).toEqual([['info', ['lego_data.csv']]]);
    expect(ds.notes?.[0]?.message).toMatch(/^lego_data\.csv was not used: .* It cannot label them either: None of/);
  });

  it('reads faces-gender as 2 class folders of 400 and says how to use meta_data.csv instead', () => {
    const { ds } = build('faces-gender');
    expect([ds.layout, ds.classes, ds.items.length]).toEqual(['class-folders', ['Female400', 'Male400'], 800]);
    expect(ds.skipped).toEqual([{ file: 'faces-gender/meta_data.csv', reason: 'not an image (.csv)' }]);
    expect(ds.labelSource).toBeUndefined();
    expect(ds.notes).toEqual([
      {
        level: 'info',
        code: expect.any(String),
        message:
          'meta_data.csv was not used: the folders already give 2 classes. To label the images from its column ' +
          '"gender" instead, choose the CSV layout.',
        files: ['meta_data.csv'],
      },
    ]);
  });

  it('reads faces-gender by its CSV when forced, refusing the 367 names that are in both folders', () => {
    const { ds, list } = build('faces-gender', 'csv');
    const stems = (folder: string) =>
      new Set(list.filter((f) => f.path.includes(`/${folder}/`)).map((f) => f.path.replace(/^.*\/|\.jpg$/g, '')));
    const female = stems('Female400');
    const inBoth = [...stems('Male400')].filter((name) => female.has(name));
    expect(inBoth).toHaveLength(367); // the README's count
    const ambiguous = ds.notes?.find((n) => n.code === 'ambiguous-name');
    expect(ambiguous?.level).toBe('warning');
    expect([...(ambiguous?.files ?? [])].sort()).toEqual(inBoth.sort());
    expect(ambiguous?.message).toMatch(/^367 name\(s\) in meta_data\.csv match more than one image .* cannot find the file/);
    expect(ds.labelSource).toEqual({
      file: 'faces-gender/meta_data.csv',
      columns: ['image_name', 'gender', 'target'],
      fileColumn: 'image_name',
      labelColumn: 'gender',
      rows: 800,
      matched: 66,
    });
    expect([ds.layout, ds.classes, ds.items.length, ds.skipped.length]).toEqual(['csv', ['female', 'male'], 66, 734]);
    expect(ds.skipped[0]?.reason).toMatch(/^its name "pic\d+" in meta_data\.csv matches several images$/);
  });

  it('reads pokemon-types by pokemon.csv: Name and Type1, 18 classes, 809 images, imbalanced', () => {
    const { ds } = build('pokemon-types');
    expect(ds.layout).toBe('csv');
    expect(ds.labelSource).toMatchObject({ fileColumn: 'Name', labelColumn: 'Type1', rows: 809, matched: 809 });
    expect(ds.classes).toHaveLength(18);
    expect(ds.items).toHaveLength(809);
    expect(ds.skipped).toEqual([]);
    expect(countItems(ds).train).toMatchObject({ Water: 114, Normal: 105, Flying: 3 });
    expect(ds.notes?.map((n) => [n.code, n.files])).toEqual([
      ['imbalance', ['Water', 'Flying']],
      ['few-images', ['Flying']],
    ]);
    expect(ds.notes?.[0]?.message).toContain('"Water" has 114 images and "Flying" only 3');
  });

  it('reads no dataset of ../shared with a doubt: no reading warning, and the readings offered are the plausible ones', () => {
    const read = Object.fromEntries(
      ['hymenoptera', 'rps', 'lego-minifigures', 'faces-gender', 'pokemon-types'].map((name) => [name, build(name).ds]),
    );
    for (const [name, ds] of Object.entries(read)) expect(readingWarnings(ds), name).toEqual([]);
    expect(read.hymenoptera?.reading).toEqual({ splitFolders: { train: 'train', val: 'val' }, splitsBy: 'names', alternatives: [] });
    expect(read.rps?.reading?.splitFolders).toEqual({ testing: 'test', training: 'train' });
    expect(read['faces-gender']?.reading?.alternatives).toEqual([
      { layout: 'csv', labelFile: 'faces-gender/meta_data.csv', title: 'Label the images from meta_data.csv' },
    ]);
    expect(read['pokemon-types']?.reading?.alternatives).toEqual([]);
  });
});
