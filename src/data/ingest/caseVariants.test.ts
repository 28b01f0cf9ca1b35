import { describe, expect, it } from 'vitest';
import { caseCanonical, caseVariantGroups } from './caseVariants';
import { buildDataset, type IngestFile } from './ingest';

const files = (...paths: string[]): IngestFile[] => paths.map((path) => ({ path, size: 100 }));
const PETS = files('pets/Cat/1.jpg', 'pets/cat/2.jpg', 'pets/CAT/3.jpg', 'pets/dog/4.jpg', 'pets/Dog/5.jpg', 'pets/bird/6.jpg');

describe('class names that differ only by case', () => {
  it('groups names by case, keeping the order given, and maps each to the first of its group', () => {
    expect(caseVariantGroups(['Cat', 'cat', 'dog', 'CAT', 'Dog', 'Ä', 'ä'])).toEqual([['Cat', 'cat', 'CAT'], ['dog', 'Dog'], ['Ä', 'ä']]);
    expect(caseVariantGroups(['cats', 'dogs'])).toEqual([]);
    expect([...caseCanonical(['Cat', 'cat', 'dog'])]).toEqual([['Cat', 'Cat'], ['cat', 'Cat'], ['dog', 'dog']]);
  });

  it('keeps them apart by default, with a warning naming each set', () => {
    const ds = buildDataset(PETS);
    expect(ds.classes).toEqual(['bird', 'cat', 'Cat', 'CAT', 'dog', 'Dog']);
    const note = ds.notes?.find((n) => n.code === 'classes-differ-by-case');
    expect(note?.level).toBe('warning');
    expect(note?.message).toContain('2 set(s) of class names differ only by case ("cat" and "Cat" and "CAT"; "dog" and "Dog")');
    expect(note?.files).toEqual(['cat', 'Cat', 'CAT', 'dog', 'Dog']);
  });

  it('merges them into the first name in sort order (lower case first) when asked, and says so', () => {
    const ds = buildDataset(PETS, { mergeCaseVariants: true });
    expect(ds.classes).toEqual(['bird', 'cat', 'dog']);
    expect(ds.items.map((i) => [i.path, ds.classes[i.classIndex]])).toEqual([
      ['Cat/1.jpg', 'cat'], ['cat/2.jpg', 'cat'], ['CAT/3.jpg', 'cat'], ['dog/4.jpg', 'dog'], ['Dog/5.jpg', 'dog'], ['bird/6.jpg', 'bird'],
    ]);
    const codes = ds.notes?.map((n) => n.code) ?? [];
    expect(codes).not.toContain('classes-differ-by-case');
    expect(ds.notes?.find((n) => n.code === 'classes-merged-by-case')?.message).toContain('"cat" + "Cat" + "CAT", "dog" + "Dog"');
  });

  it('merges labels from a CSV the same way, and refuses a merge that leaves one class', () => {
    const csv = { path: 'p/labels.csv', text: 'file,label\na.jpg,Cat\nb.jpg,cat\nc.jpg,dog\n' };
    const listing = files('p/a.jpg', 'p/b.jpg', 'p/c.jpg', 'p/labels.csv');
    expect(buildDataset(listing, { layout: 'csv', labels: csv, mergeCaseVariants: true }).classes).toEqual(['cat', 'dog']);
    expect(() => buildDataset(files('p/Cat/1.jpg', 'p/cat/2.jpg'), { mergeCaseVariants: true })).toThrow(/Only one class \(cat\)/);
  });
});
