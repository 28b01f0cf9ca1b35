import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import {
  chooseFileColumn,
  chooseLabelColumn,
  findColumn,
  isNumericLabel,
  parseCsvTable,
  parseListTable,
  type LabelTable,
} from './labelTable';
import { createNameLookup } from './names';

/** Picks both columns of a CSV the way `labelImages` does, returning their names. */
function pick(csv: string, images: readonly string[]): [string, string] {
  const lookup = createNameLookup(images);
  const table = parseCsvTable(csv, (row) => row.some((cell) => lookup(cell).length > 0));
  const fileColumn = chooseFileColumn(table, lookup, 'x.csv');
  return [table.columns[fileColumn] ?? '', table.columns[chooseLabelColumn(table, fileColumn, 'x.csv')] ?? ''];
}

const numbered = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join('\n');

describe('parseCsvTable', () => {
  it('reads a header, quoted fields, CRLF, a BOM and blank lines, and pads short rows', () => {
    const table = parseCsvTable('\uFEFFfile,label\r\n"a, b.jpg", cat \r\n\r\nc.jpg\r\n');
    expect(table).toEqual({ columns: ['file', 'label'], rows: [['a, b.jpg', 'cat'], ['c.jpg', '']] });
  });

  it('detects tabs and semicolons', () => {
    expect(parseCsvTable('f\tl\na.jpg\tcat\n').rows).toEqual([['a.jpg', 'cat']]);
    expect(parseCsvTable('f;l\na.jpg;cat\n').rows).toEqual([['a.jpg', 'cat']]);
  });

  it('takes a numeric first row, or one the caller says is data, as data', () => {
    expect(parseCsvTable('1.0,2.0\n3.0,4.0\n')).toEqual({
      columns: ['column 1', 'column 2'],
      rows: [['1.0', '2.0'], ['3.0', '4.0']],
    });
    const table = parseCsvTable('a.jpg,cat\nb.jpg,dog\n', (row) => row[0] === 'a.jpg');
    expect(table.columns).toEqual(['column 1', 'column 2']);
    expect(table.rows).toHaveLength(2);
    expect(parseCsvTable('name,\na.jpg,cat\n').columns).toEqual(['name', 'column 2']);
    expect(parseCsvTable('')).toEqual({ columns: [], rows: [] });
  });
});

describe('parseListTable', () => {
  it('splits at the first space, tab or comma and keeps the rest of the line as the label', () => {
    const text = '# comment\n\na.jpg cat\nb.jpg\tbig dog \r\nimages/c.png, cat\n  d.jpg   ,  x  \ne.jpg\n';
    expect(parseListTable(text)).toEqual({
      columns: ['path', 'label'],
      rows: [
        ['a.jpg', 'cat'],
        ['b.jpg', 'big dog'],
        ['images/c.png', 'cat'],
        ['d.jpg', 'x'],
        ['e.jpg', ''],
      ],
    });
  });
});

describe('column detection on real headers', () => {
  it('image_id,is_male: file column image_id, label is_male (numeric)', () => {
    const images = Array.from({ length: 6 }, (_, i) => `celeb/img/${i}.jpg`);
    const csv = `image_id,is_male\n${numbered(6, (i) => `${i}.jpg,${i % 2 ? 1 : -1}`)}`;
    expect(pick(csv, images)).toEqual(['image_id', 'is_male']);
  });

  it('Name,Type1,Type2: file column Name, label Type1 (Type2 is often empty)', () => {
    const images = ['bulbasaur', 'charmander', 'squirtle', 'pidgey', 'caterpie', 'weedle'].map((n) => `p/images/${n}.png`);
    const csv =
      'Name,Type1,Type2\nbulbasaur,Grass,Poison\ncharmander,Fire,\nsquirtle,Water,\npidgey,Normal,Flying\n' +
      'caterpie,Bug,\nweedle,Bug,Poison\nmissing,Fire,\nalso-missing,Water,\n';
    expect(pick(csv, images)).toEqual(['Name', 'Type1']);
  });

  it('image_name,gender,target: label gender, the text column, whichever comes first', () => {
    const images = numbered(8, (i) => `f/${i < 4 ? 'Female400' : 'Male400'}/pic${i}.jpg`).split('\n');
    const rows = numbered(8, (i) => (i < 4 ? `pic${i},female,1` : `pic${i},male,0`));
    expect(pick(`image_name,gender,target\n${rows}`, images)).toEqual(['image_name', 'gender']);
    const swapped = numbered(8, (i) => (i < 4 ? `pic${i},1,female` : `pic${i},0,male`));
    expect(pick(`image_name,target,gender\n${swapped}`, images)).toEqual(['image_name', 'gender']);
  });
});

describe('column detection on synthetic headers', () => {
  const images = numbered(6, (i) => `d/${i}.jpg`).split('\n');

  it('picks the file column by matches, whatever its name or position', () => {
    const csv = `species,x\n${numbered(6, (i) => `${i % 2 ? 'cat' : 'dog'},${i}.jpg`)}`;
    expect(pick(csv, images)).toEqual(['x', 'species']);
  });

  it('skips unique ids and constant columns, prefers few values and a label-like name', () => {
    const csv = `file,id,source,score,class\n${numbered(6, (i) => `${i}.jpg,id${i},web,${i % 3},${i % 2 ? 'a' : 'b'}`)}`;
    expect(pick(csv, images)).toEqual(['file', 'class']);
    const unnamed = `file,id,source,colour\n${numbered(6, (i) => `${i}.jpg,id${i},web,${i % 2 ? 'red' : 'blue'}`)}`;
    expect(pick(unnamed, images)).toEqual(['file', 'colour']);
  });

  it('keeps a numeric label when no text column groups the rows the same way', () => {
    const csv = `file,label,site\n${numbered(6, (i) => `${i}.jpg,${i % 2},${i % 3 ? 'north' : 'south'}`)}`;
    expect(pick(csv, images)).toEqual(['file', 'label']);
  });

  it('still picks a column for tiny or single-class files, so the class count can be reported', () => {
    expect(pick('f,id,label\n0.jpg,a,x\n1.jpg,b,y\n', images)).toEqual(['f', 'label']);
    expect(pick('f,id,label\n0.jpg,a,x\n1.jpg,b,x\n', images)).toEqual(['f', 'id']);
    expect(pick('f,label\n0.jpg,x\n1.jpg,x\n', images)).toEqual(['f', 'label']);
  });

  it('reads a headerless CSV whose first row names an image', () => {
    expect(pick(numbered(6, (i) => `${i}.jpg,${i % 2 ? 'cat' : 'dog'}`), images)).toEqual(['column 1', 'column 2']);
  });

  it('throws a user-facing error when no column names an image or none looks like labels', () => {
    const lookup = createNameLookup(images);
    const noFiles: LabelTable = { columns: ['a', 'b'], rows: [['x', 'y']] };
    expect(() => chooseFileColumn(noFiles, lookup, 'x.csv')).toThrow(UserFacingError);
    expect(() => chooseFileColumn(noFiles, lookup, 'x.csv')).toThrow(/^None of the columns of x\.csv \(a, b\) names an image/);
    const noLabels: LabelTable = { columns: ['f', 'note'], rows: [['0.jpg', ''], ['1.jpg', '']] };
    expect(() => chooseLabelColumn(noLabels, 0, 'x.csv')).toThrow(/^No column of x\.csv \(f, note\) holds labels/);
  });
});

describe('findColumn and isNumericLabel', () => {
  it('finds a column exactly, then in any case, and lists the columns when there is none', () => {
    expect(findColumn(['Name', 'name', 'Type1'], 'name', 'p.csv')).toBe(1);
    expect(findColumn(['Name', 'Type1'], 'TYPE1', 'p.csv')).toBe(1);
    const many = Array.from({ length: 9 }, (_, i) => `c${i}`);
    expect(() => findColumn(many, 'x', 'p.csv')).toThrow('p.csv has no column "x" (its columns: c0, c1, c2, c3, c4, c5 and 3 more).');
  });

  it('knows numbers from text', () => {
    expect(['0', '1', '-1', '+2', '2.5', '.5', '3.'].every(isNumericLabel)).toBe(true);
    expect(['a', '1a', '', '1e3', '--1', '1.2.3'].some(isNumericLabel)).toBe(false);
  });
});
