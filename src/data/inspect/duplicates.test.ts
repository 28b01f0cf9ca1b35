import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../core/rng';
import type { SplitName } from '../../core/types';
import {
  dropWithinClassDuplicates,
  findDuplicates,
  NEAR_THRESHOLD_DEFAULT,
  summariseDuplicates,
  type DuplicateReport,
  type HashedItem,
} from './duplicates';
import { differenceHash, hammingDistance, sha256Hex } from '../images/hash';

const DATASETS = path.resolve(import.meta.dirname, '../../../../shared/datasets');

/** Item with a short fake sha (the grouping only compares them) and a given dhash. */
function item(file: string, classIndex: number, split: SplitName, sha256: string, dhash: string): HashedItem {
  return { path: file, classIndex, split, sha256, dhash };
}

/** A random 64-bit hash as 16 hex digits. */
function randomHash(rng: Rng): string {
  return [rng.uint32(), rng.uint32()].map((half) => half.toString(16).padStart(8, '0')).join('');
}

/** `hash` with `count` distinct bits flipped (chosen by `rng`). */
function flipBits(hash: string, count: number, rng: Rng): string {
  const bits = [...hash].flatMap((digit) => [...parseInt(digit, 16).toString(2).padStart(4, '0')].map(Number));
  for (const bit of rng.shuffle([...bits.keys()]).slice(0, count)) bits[bit] = 1 - (bits[bit] ?? 0);
  let hex = '';
  for (let k = 0; k < 64; k += 4) hex += parseInt(bits.slice(k, k + 4).join(''), 2).toString(16);
  return hex;
}

const FAR = ['0000000000000000', 'ffffffffffffffff', '00000000ffffffff', 'ffffffff00000000', '0f0f0f0f0f0f0f0f', 'f0f0f0f0f0f0f0f0'];
const CLASSES = ['cats', 'dogs'];

/** Four exact groups, one per kind plus the overlap, with dhashes far apart so that no near pair forms. */
const HAND_BUILT: HashedItem[] = [
  item('train/cats/b.jpg', 0, 'train', 'A', FAR[0] as string),
  item('train/cats/a.jpg', 0, 'train', 'A', FAR[0] as string),
  item('train/cats/c.jpg', 0, 'train', 'B', FAR[1] as string),
  item('train/dogs/d.jpg', 1, 'train', 'B', FAR[1] as string),
  item('train/dogs/e.jpg', 1, 'train', 'C', FAR[2] as string),
  item('val/dogs/e.jpg', 1, 'val', 'C', FAR[2] as string),
  item('val/dogs/g.jpg', 1, 'val', 'D', FAR[3] as string),
  item('train/cats/g.jpg', 0, 'train', 'D', FAR[3] as string),
  item('train/cats/unique.jpg', 0, 'train', 'E', FAR[4] as string),
  item('val/cats/unique.jpg', 0, 'val', 'F', FAR[5] as string),
];

describe('findDuplicates: exact copies', () => {
  it('sorts each group into within-class, across-classes and across-splits, with the overlap in both', () => {
    const report = findDuplicates(HAND_BUILT, CLASSES);
    const both = { sha256: 'D', paths: ['train/cats/g.jpg', 'val/dogs/g.jpg'], classes: ['cats', 'dogs'], splits: ['train', 'val'] };
    expect(report).toEqual({
      withinClass: [{ sha256: 'A', paths: ['train/cats/a.jpg', 'train/cats/b.jpg'], classes: ['cats'], splits: ['train'] }],
      acrossClasses: [{ sha256: 'B', paths: ['train/cats/c.jpg', 'train/dogs/d.jpg'], classes: ['cats', 'dogs'], splits: ['train'] }, both],
      acrossSplits: [both, { sha256: 'C', paths: ['train/dogs/e.jpg', 'val/dogs/e.jpg'], classes: ['dogs'], splits: ['train', 'val'] }],
      nearAcrossSplits: [],
    });
  });

  it('gives the same report for any order of the items', () => {
    const reference = findDuplicates(HAND_BUILT, CLASSES);
    for (const seed of [1, 2, 3]) expect(findDuplicates(createRng(seed).shuffle([...HAND_BUILT]), CLASSES)).toEqual(reference);
  });

  it('rejects a malformed dhash, an unknown class and a bad threshold', () => {
    expect(() => findDuplicates([item('x.jpg', 0, 'train', 'A', 'abc')], CLASSES)).toThrow(/x\.jpg has dhash "abc"/);
    expect(() => findDuplicates([item('x.jpg', 2, 'train', 'A', FAR[0] as string)], CLASSES)).toThrow(/class index 2/);
    expect(() => findDuplicates([], CLASSES, { nearThreshold: -1 })).toThrow(RangeError);
    expect(() => findDuplicates([], CLASSES, { nearThreshold: 2.5 })).toThrow(RangeError);
  });
});

describe('findDuplicates: near copies across splits', () => {
  const base = '3c5a96e1d2b40f87';
  const rng = createRng(7);
  const at = (distance: number): string => flipBits(base, distance, rng);

  it('counts a pair at exactly the threshold and not one bit past it', () => {
    const six = at(6);
    const seven = at(7);
    expect([hammingDistance(base, six), hammingDistance(base, seven)]).toEqual([6, 7]);
    const items = [item('val/a.jpg', 0, 'val', 'A', base), item('train/b.jpg', 0, 'train', 'B', six), item('train/c.jpg', 0, 'train', 'C', seven)];
    expect(NEAR_THRESHOLD_DEFAULT).toBe(6);
    expect(findDuplicates(items, CLASSES).nearAcrossSplits).toEqual([{ a: 'train/b.jpg', b: 'val/a.jpg', distance: 6 }]);
    expect(findDuplicates(items, CLASSES, { nearThreshold: 5 }).nearAcrossSplits).toEqual([]);
    expect(findDuplicates(items, CLASSES, { nearThreshold: 7 }).nearAcrossSplits.map((p) => p.distance)).toEqual([6, 7]);
  });

  it('skips pairs in one split and exact copies, and at threshold 0 finds equal hashes of different files', () => {
    const items = [
      item('train/a.jpg', 0, 'train', 'A', base),
      item('train/b.jpg', 0, 'train', 'B', base),
      item('val/a-copy.jpg', 0, 'val', 'A', base),
      item('test/c.jpg', 1, 'test', 'C', at(1)),
    ];
    const zero = findDuplicates(items, CLASSES, { nearThreshold: 0 });
    expect(zero.nearAcrossSplits).toEqual([{ a: 'train/b.jpg', b: 'val/a-copy.jpg', distance: 0 }]);
    expect(zero.acrossSplits.map((g) => g.paths)).toEqual([['train/a.jpg', 'val/a-copy.jpg']]);
    expect(findDuplicates(items, CLASSES).nearAcrossSplits.map((p) => [p.a, p.b])).toEqual([
      ['test/c.jpg', 'train/a.jpg'],
      ['test/c.jpg', 'train/b.jpg'],
      ['test/c.jpg', 'val/a-copy.jpg'],
      ['train/b.jpg', 'val/a-copy.jpg'],
    ]);
  });

  it('finds exactly the pairs a brute-force comparison finds, for every threshold', () => {
    // Clustered hashes (a few centres, a few flipped bits each) give many pairs at every distance.
    const centres = [randomHash(rng), randomHash(rng), randomHash(rng)];
    const splits: SplitName[] = ['train', 'val', 'test'];
    const items = Array.from({ length: 90 }, (_, k) =>
      item(`f${k}.jpg`, 0, splits[k % 3] as SplitName, `sha${k}`, flipBits(centres[k % 3 === 0 ? 0 : rng.int(3)] as string, rng.int(12), rng)),
    );
    for (const threshold of [0, 1, 3, 6, 9, 12, 20, 40, 63, 64, 100]) {
      const expected: string[] = [];
      for (const x of items) {
        for (const y of items) {
          const distance = hammingDistance(x.dhash, y.dhash);
          if (x.path < y.path && x.split !== y.split && distance <= threshold) expected.push(`${x.path} ${y.path} ${distance}`);
        }
      }
      const found = findDuplicates(items, CLASSES, { nearThreshold: threshold }).nearAcrossSplits;
      expect(found.map((p) => `${p.a} ${p.b} ${p.distance}`)).toEqual(expected.sort());
    }
  });

  it('finds planted pairs among 10,000 items quickly', () => {
    const synthetic = createRng(2024);
    const items = Array.from({ length: 10_000 }, (_, k) =>
      item(`img${String(k).padStart(5, '0')}.jpg`, k % 2, synthetic.next() < 0.8 ? 'train' : 'val', `sha${k}`, randomHash(synthetic)),
    );
    const planted: string[] = [];
    for (const [k, distance] of [[11, 0], [222, 1], [3333, 3], [4444, 5], [9999, 6]] as const) {
      const original = items[k] as HashedItem;
      const copy = `zz-copy-of-${k}.jpg`;
      items.push(item(copy, 0, original.split === 'train' ? 'val' : 'train', `copy${k}`, flipBits(original.dhash, distance, synthetic)));
      planted.push(`${original.path} ${copy} ${distance}`);
    }
    const started = performance.now();
    const report = findDuplicates(items, CLASSES);
    const elapsedMs = performance.now() - started;
    console.log(`findDuplicates on ${items.length} items: ${elapsedMs.toFixed(0)} ms`);
    // Random 64-bit hashes are 6 or fewer bits apart with odds near 1e-11 per pair: only the planted pairs.
    expect(report.nearAcrossSplits.map((p) => `${p.a} ${p.b} ${p.distance}`)).toEqual(planted.sort());
    expect(elapsedMs).toBeLessThan(5000);
  });
});

describe('dropWithinClassDuplicates', () => {
  it('keeps the first copy in item order and every other item', () => {
    const report = findDuplicates(HAND_BUILT, CLASSES);
    const kept = dropWithinClassDuplicates(HAND_BUILT, report);
    expect(kept.map((i) => i.path)).toEqual(HAND_BUILT.map((i) => i.path).filter((p) => p !== 'train/cats/a.jpg'));
    expect(dropWithinClassDuplicates([...HAND_BUILT].reverse(), report).map((i) => i.path)).not.toContain('train/cats/b.jpg');
    expect(dropWithinClassDuplicates(HAND_BUILT, { withinClass: [] })).toEqual(HAND_BUILT);
  });
});

describe('summariseDuplicates', () => {
  it('writes nothing for a clean report', () => {
    expect(summariseDuplicates({ withinClass: [], acrossClasses: [], acrossSplits: [], nearAcrossSplits: [] })).toEqual([]);
  });

  it('writes one note per kind, most serious first, with counts and files', () => {
    const report: DuplicateReport = {
      ...findDuplicates(HAND_BUILT, CLASSES),
      nearAcrossSplits: [{ a: 'train/x.jpg', b: 'val/y.jpg', distance: 3 }],
    };
    const notes = summariseDuplicates(report);
    expect(notes.map((n) => [n.code, n.level])).toEqual([
      ['duplicate-across-classes', 'warning'],
      ['duplicate-across-splits', 'warning'],
      ['near-duplicate-across-splits', 'warning'],
      ['duplicate-within-class', 'info'],
    ]);
    const [classes, splits, near, within] = notes.map((n) => n.message);
    expect(classes).toMatch(/^The same image has two or more labels: 4 files in 2 groups/);
    expect(splits).toMatch(/^4 files in 2 groups .* validation accuracy would be too optimistic/);
    expect(near).toMatch(/^1 pair of nearly identical images/);
    expect(within).toMatch(/^1 file is an exact copy of another image in the same class and split \(1 group\)/);
    expect(notes[2]?.files).toEqual(['train/x.jpg', 'val/y.jpg']);
    expect(notes[3]?.files).toEqual(['train/cats/a.jpg', 'train/cats/b.jpg']);
  });

  it('names the test split when a copy reaches it', () => {
    const group = { sha256: 'A', paths: ['test/a.jpg', 'val/a.jpg'], classes: ['cats'], splits: ['val', 'test'] as SplitName[] };
    const [note] = summariseDuplicates({ withinClass: [], acrossClasses: [], acrossSplits: [group], nearAcrossSplits: [] });
    expect(note?.message).toContain('validation and test accuracy would be too optimistic');
  });
});

/** Decodes a real JPEG and box-averages its centre square to 32 x 32, as the image worker's thumbnail. */
function thumbnailHash(file: string): string {
  const image = jpeg.decode(readFileSync(file), { useTArray: true, formatAsRGBA: false });
  const side = Math.min(image.width, image.height);
  const [sx, sy] = [Math.floor((image.width - side) / 2), Math.floor((image.height - side) / 2)];
  const size = 32;
  const edge = (k: number): number => Math.floor((k * side) / size);
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const sums = [0, 0, 0];
      for (let yy = sy + edge(y); yy < sy + edge(y + 1); yy++) {
        for (let xx = sx + edge(x); xx < sx + edge(x + 1); xx++) {
          for (let c = 0; c < 3; c++) sums[c] = (sums[c] ?? 0) + (image.data[(yy * image.width + xx) * 3 + c] ?? 0);
        }
      }
      const area = (edge(x + 1) - edge(x)) * (edge(y + 1) - edge(y));
      sums.forEach((sum, c) => (rgb[(y * size + x) * 3 + c] = Math.round(sum / area)));
    }
  }
  return differenceHash(rgb, size, size);
}

/** Hashes every file under `folder` (sorted), labelled by `label(relativePath)`. */
async function hashFolder(folder: string, label: (relative: string) => { classIndex: number; split: SplitName }): Promise<HashedItem[]> {
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((f) => /\.jpe?g$/i.test(f)).sort();
  return Promise.all(
    files.map(async (relative) => {
      const file = path.join(folder, relative);
      return { path: relative.split(path.sep).join('/'), ...label(relative), sha256: await sha256Hex(readFileSync(file)), dhash: thumbnailHash(file) };
    }),
  );
}

describe('on real data', () => {
  it('lego-minifigures: harry-potter/0002 is 13 within-class copies of 0001, and a leak once 0002 is validation', async () => {
    const themes = ['harry-potter', 'jurassic-world', 'marvel', 'star-wars'];
    const items = await hashFolder(path.join(DATASETS, 'lego-minifigures'), (relative) => ({
      classIndex: themes.indexOf(relative.split(path.sep)[0] ?? ''),
      split: 'train',
    }));
    expect(items).toHaveLength(121);
    const report = findDuplicates(items, themes);
    const pairs = Array.from({ length: 13 }, (_, k) => {
      const name = `${String(k + 1).padStart(3, '0')}.jpg`;
      return [`harry-potter/0001/${name}`, `harry-potter/0002/${name}`];
    });
    expect(report.withinClass.map((g) => g.paths)).toEqual(pairs);
    expect([report.acrossClasses, report.acrossSplits, report.nearAcrossSplits]).toEqual([[], [], []]);
    const kept = dropWithinClassDuplicates(items, report);
    expect(kept).toHaveLength(108);
    expect(kept.some((i) => i.path.startsWith('harry-potter/0002/'))).toBe(false);

    const leaked = findDuplicates(
      items.map((i) => (i.path.startsWith('harry-potter/0002/') ? { ...i, split: 'val' as const } : i)),
      themes,
    );
    expect(leaked.withinClass).toEqual([]);
    expect(leaked.acrossSplits.map((g) => [g.paths, g.splits])).toEqual(pairs.map((p) => [p, ['train', 'val']]));
    // 0001/008 and 0001/012 are two shots of one pose a few pixels apart (1 bit), so each pairs with the other's copy.
    expect(leaked.nearAcrossSplits).toEqual([
      { a: 'harry-potter/0001/008.jpg', b: 'harry-potter/0002/012.jpg', distance: 1 },
      { a: 'harry-potter/0001/012.jpg', b: 'harry-potter/0002/008.jpg', distance: 1 },
    ]);
  });

  it('rps rock: near-duplicate frames across training/testing', async () => {
    const classes = ['paper', 'rock', 'scissors'];
    const items = (
      await Promise.all(
        (['training', 'testing'] as const).map((folder) =>
          hashFolder(path.join(DATASETS, 'rps', folder, 'rock'), () => ({ classIndex: 1, split: folder === 'training' ? 'train' : 'test' })),
        ),
      )
    ).flatMap((split, s) => split.map((i) => ({ ...i, path: `${s === 0 ? 'training' : 'testing'}/rock/${i.path}` })));
    expect(items).toHaveLength(921);
    const report = findDuplicates(items, classes);
    const near = report.nearAcrossSplits;
    // Roboflow names files `rock.<frame>_png.rf.<id>`: the same frame number is the same source photo.
    const frame = (p: string): string => /rock\.(\d+)_png/.exec(p)?.[1] ?? p;
    const sameFrame = near.filter((p) => frame(p.a) === frame(p.b)).length;
    console.log(`rps rock: ${near.length} near-duplicate pairs across training/testing at ${NEAR_THRESHOLD_DEFAULT} bits, ${sameFrame} of one source frame`);
    expect([report.withinClass, report.acrossClasses, report.acrossSplits]).toEqual([[], [], []]);
    expect(near.length).toBeGreaterThanOrEqual(25);
    expect(near.length).toBeLessThanOrEqual(70);
    expect(sameFrame / near.length).toBeGreaterThan(0.5);
    expect(summariseDuplicates(report).map((n) => n.code)).toEqual(['near-duplicate-across-splits']);
  });
});
