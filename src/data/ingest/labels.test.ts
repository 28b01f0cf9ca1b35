import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import { labelFileName, labelImages, type LabelledImageRef } from './labels';

const DATASETS_DIR = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));

/** Images as `labelImages` receives them: listed under root `d/`, item paths without it. */
const refs = (...paths: string[]): LabelledImageRef[] => paths.map((path) => ({ listed: `d/${path}`, path }));

/** Image index -> label, for compact assertions. */
const labelled = (outcome: ReturnType<typeof labelImages>) => Object.fromEntries(outcome.labels);

describe('labelImages: CSV', () => {
  const images = refs('img/a.jpg', 'img/b.png', 'img/c.jpg', 'other/d.jpg', 'x/dup.jpg', 'y/dup.jpg');

  it('labels matched images, fills the source and says what did not match', () => {
    const text = 'file,label\na,cat\nimg/b.png,dog\nC.JPG,cat\nghost.jpg,dog\ndup,cat\nx/dup,dog\n';
    const out = labelImages({ path: 'd/labels.csv', text }, 'csv', images);
    expect(labelled(out)).toEqual({ 0: 'cat', 1: 'dog', 2: 'cat', 4: 'dog' });
    expect(out.unlabelled).toEqual(
      new Map([
        [3, 'no row of labels.csv names it'],
        [5, 'its name "dup" in labels.csv matches several images'],
      ]),
    );
    expect(out.source).toEqual({
      file: 'd/labels.csv',
      columns: ['file', 'label'],
      fileColumn: 'file',
      labelColumn: 'label',
      rows: 6,
      matched: 4,
    });
    expect(out.notes.map((n) => [n.level, n.code, n.files])).toEqual([
      ['warning', 'ambiguous-name', ['dup']],
      ['warning', 'rows-without-image', ['ghost.jpg']],
      ['warning', 'images-without-row', ['other/d.jpg']],
    ]);
    expect(out.notes[0]?.message).toBe(
      '1 name(s) in labels.csv match more than one image (e.g. "dup": x/dup.jpg and y/dup.jpg), so the CSV alone ' +
        'cannot find the file: those rows are not used. Write the folder into the name (e.g. x/dup.jpg) to use them.',
    );
  });

  it('names numeric labels after their values with an info note', () => {
    const text = 'image_id,is_male\na.jpg,1\nb.png,-1\nc.jpg,1\nd.jpg,-1\n';
    const out = labelImages({ path: 'd/attr.csv', text }, 'csv', images);
    expect(labelled(out)).toEqual({ 0: '1', 1: '-1', 2: '1', 3: '-1' });
    const note = out.notes.find((n) => n.code === 'numeric-labels');
    expect(note).toMatchObject({ level: 'info', files: ['-1', '1'] });
    expect(note?.message).toContain('are numbers ("-1", "1"): the classes are named after them and can be renamed');
  });

  it('uses the columns the caller names, in any case', () => {
    const text = 'a,b,c\nimg/a.jpg,x,p\nimg/b.png,y,q\nimg/c.jpg,x,q\nother/d.jpg,y,p\n';
    const out = labelImages({ path: 'd/l.csv', text, fileColumn: 'A', labelColumn: 'c' }, 'csv', images);
    expect(out.source).toMatchObject({ fileColumn: 'a', labelColumn: 'c' });
    expect(labelled(out)).toEqual({ 0: 'p', 1: 'q', 2: 'q', 3: 'p' });
    expect(() => labelImages({ path: 'd/l.csv', text, labelColumn: 'nope' }, 'csv', images)).toThrow(
      /^l\.csv has no column "nope"/,
    );
  });

  it('does not guess: an image named twice with two labels, or with no label, stays unlabelled', () => {
    const text = 'f,l\na,cat\nimg/a.jpg,dog\nb,\nc,cat\nd,dog\n';
    const out = labelImages({ path: 'd/l.csv', text }, 'csv', images);
    expect(labelled(out)).toEqual({ 2: 'cat', 3: 'dog' });
    expect(out.unlabelled.get(0)).toBe('labelled twice in l.csv ("cat", "dog")');
    expect(out.unlabelled.get(1)).toBe('no label in column "l" of l.csv');
  });

  it('lets a row with the folder label an image that a bare name made ambiguous', () => {
    const out = labelImages({ path: 'd/l.csv', text: 'f,l\ndup,cat\ny/dup,dog\na,cat\n' }, 'csv', images);
    expect(out.labels.get(5)).toBe('dog');
    expect(out.unlabelled.get(4)).toBe('its name "dup" in l.csv matches several images');
  });

  it('throws a user-facing error for a file with no rows', () => {
    expect(() => labelImages({ path: 'd/l.csv', text: 'f,l\n' }, 'csv', images)).toThrow(UserFacingError);
    expect(() => labelImages({ path: 'd/l.csv', text: '\n' }, 'csv', images)).toThrow('l.csv holds no rows of labels.');
  });
});

describe('labelImages: list files', () => {
  it('reads `path label` lines with the same matching and notes', () => {
    const images = refs('train/a.jpg', 'train/b.jpg', 'val/c.jpg', 'x/dup.jpg', 'y/dup.jpg', 'z.jpg');
    const text = '# path label\ntrain/a.jpg golden retriever\nb.jpg,cat\nval/c\tcat\ndup cat\nmissing.jpg cat\n';
    const out = labelImages({ path: 'd/labels.txt', text }, 'list', images);
    expect(labelled(out)).toEqual({ 0: 'golden retriever', 1: 'cat', 2: 'cat' });
    expect(out.source).toMatchObject({ columns: ['path', 'label'], fileColumn: 'path', labelColumn: 'label', rows: 5, matched: 3 });
    expect(out.notes.map((n) => [n.code, n.files])).toEqual([
      ['ambiguous-name', ['dup']],
      ['rows-without-image', ['missing.jpg']],
      ['images-without-row', ['z.jpg']],
    ]);
    expect(out.notes[0]?.message).toContain('so the list alone cannot find the file');
  });
});

describe('labelImages: real label files', () => {
  /** The images of a real dataset folder, listed as `<folder>/<relative path>`. */
  function realImages(folder: string): LabelledImageRef[] {
    const root = join(DATASETS_DIR, folder);
    return readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.(jpg|png)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
      .sort()
      .map((path) => ({ listed: `${folder}/${path}`, path }));
  }
  const read = (path: string) => ({ path, text: readFileSync(join(DATASETS_DIR, path), 'utf8') });

  it('pokemon-types/pokemon.csv: Name and Type1, every one of the 809 rows matches one image', () => {
    const out = labelImages(read('pokemon-types/pokemon.csv'), 'csv', realImages('pokemon-types'));
    expect(out.source).toEqual({
      file: 'pokemon-types/pokemon.csv',
      columns: ['Name', 'Type1', 'Type2'],
      fileColumn: 'Name',
      labelColumn: 'Type1',
      rows: 809,
      matched: 809,
    });
    expect(new Set(out.labels.values()).size).toBe(18);
    expect(out.notes).toEqual([]);
  });

  it('faces-gender/meta_data.csv: image_name and gender; 367 names are in both folders', () => {
    const images = realImages('faces-gender');
    const out = labelImages(read('faces-gender/meta_data.csv'), 'csv', images);
    expect(out.source).toMatchObject({ fileColumn: 'image_name', labelColumn: 'gender', rows: 800, matched: 66 });
    const ambiguous = out.notes.find((n) => n.code === 'ambiguous-name');
    expect(ambiguous?.files).toHaveLength(367);
    expect(ambiguous?.files).toContain('pic249');
    expect(out.labels.size + out.unlabelled.size).toBe(800);
    expect(out.labels.size).toBe(66);
    expect(out.notes.map((n) => n.code)).toEqual(['ambiguous-name']);
  });

  it('labelFileName gives the last segment', () => {
    expect(labelFileName('faces-gender/meta_data.csv')).toBe('meta_data.csv');
  });
});
