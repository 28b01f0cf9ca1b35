import { describe, expect, it } from 'vitest';
import { countItems, type Dataset, type DatasetItem, type SplitName } from '../../core/types';
import { assignValidation, validationCount } from './split';

/** A dataset with `perClass[c][split]` items of class c, interleaved so that order is not by class. */
function makeDataset(perClass: Partial<Record<SplitName, number>>[]): Dataset {
  const items: DatasetItem[] = [];
  const max = Math.max(...perClass.flatMap((p) => Object.values(p)));
  for (let i = 0; i < max; i++) {
    perClass.forEach((splits, classIndex) => {
      for (const split of ['train', 'val', 'test'] as const) {
        if (i < (splits[split] ?? 0)) {
          const fileIndex = items.length;
          items.push({ fileIndex, path: `${split}/c${classIndex}/${i}.jpg`, classIndex, split });
        }
      }
    });
  }
  return { name: 't', layout: 'class-folders', classes: perClass.map((_, c) => `c${c}`), items, skipped: [] };
}

const valPaths = (ds: Dataset): string[] => ds.items.filter((i) => i.split === 'val').map((i) => i.path);

describe('assignValidation', () => {
  it('holds out round(fraction * n) per class, at least 1, never all', () => {
    const ds = makeDataset([{ train: 100 }, { train: 7 }, { train: 2 }, { train: 1 }]);
    const counts = countItems(assignValidation(ds, 0.2, 1));
    expect(counts.val).toEqual({ c0: 20, c1: 1, c2: 1, c3: 0 });
    expect(counts.train).toEqual({ c0: 80, c1: 6, c2: 1, c3: 1 });
    expect([validationCount(10, 0.25), validationCount(10, 0.99), validationCount(5, 0)]).toEqual([3, 9, 0]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const ds = makeDataset([{ train: 50 }, { train: 50 }]);
    const a = assignValidation(ds, 0.3, 42);
    expect(valPaths(assignValidation(ds, 0.3, 42))).toEqual(valPaths(a));
    expect(valPaths(assignValidation(ds, 0.3, 43))).not.toEqual(valPaths(a));
  });

  it('keeps item order and fields and never moves test items', () => {
    const ds = makeDataset([{ train: 20, test: 5 }, { train: 10, test: 3 }]);
    const out = assignValidation(ds, 0.5, 7);
    expect(out.items.map((i) => i.path)).toEqual(ds.items.map((i) => i.path));
    expect(out.items.filter((i) => i.split === 'test')).toEqual(ds.items.filter((i) => i.split === 'test'));
    expect(countItems(out).val).toEqual({ c0: 10, c1: 5 });
    out.items.forEach((item, k) => {
      const before = ds.items[k];
      expect({ ...item, split: before?.split }).toEqual(before);
    });
    expect(ds.items.some((i) => i.split === 'val')).toBe(false);
  });

  it('leaves a dataset with its own val split untouched', () => {
    const ds = makeDataset([{ train: 10, val: 2 }, { train: 10 }]);
    expect(assignValidation(ds, 0.2, 3)).toBe(ds);
  });

  it('returns the dataset for fraction 0 and rejects fractions outside [0, 1)', () => {
    const ds = makeDataset([{ train: 10 }, { train: 10 }]);
    expect(assignValidation(ds, 0, 3)).toBe(ds);
    expect(() => assignValidation(ds, 1, 3)).toThrow(RangeError);
    expect(() => assignValidation(ds, -0.1, 3)).toThrow(RangeError);
    expect(() => assignValidation(ds, Number.NaN, 3)).toThrow(RangeError);
  });
});
