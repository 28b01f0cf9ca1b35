/**
 * Duplicate and leak detection over hashed dataset items: exact copies (same SHA-256) grouped by what they
 * mean for training, and near copies (close difference hashes) that sit in different splits. Pure functions
 * that run in Workers and Node.
 */
import { SPLIT_NAMES, type DatasetNote, type SplitName } from '../../core/types';
import { hash64Distance, parseHash64, type Hash64 } from '../images/hash';

/** A dataset item with the hashes of its file: `sha256` of the bytes and `dhash` of the pixels (hash.ts). */
export interface HashedItem {
  /** Path as in `DatasetItem.path`; unique within one dataset. */
  readonly path: string;
  /** Index into the `classes` passed alongside. */
  readonly classIndex: number;
  readonly split: SplitName;
  /** 64 hex characters (`sha256Hex`). */
  readonly sha256: string;
  /** 16 hex characters (`differenceHash`). */
  readonly dhash: string;
}

/** Items with byte-identical files: paths sorted, classes (names) and splits each listed once, in order. */
export interface DuplicateGroup {
  readonly sha256: string;
  /** At least two paths, sorted by code unit. */
  readonly paths: readonly string[];
  /** Distinct class names, in the order of the `classes` list. */
  readonly classes: readonly string[];
  /** Distinct splits, in `SPLIT_NAMES` order. */
  readonly splits: readonly SplitName[];
}

/** Two different files in different splits whose difference hashes are `distance` bits apart; `a < b`. */
export interface NearDuplicatePair {
  readonly a: string;
  readonly b: string;
  /** Hamming distance of the difference hashes, 0-64. */
  readonly distance: number;
}

/**
 * Exact duplicate groups by meaning, each list sorted by first path. `withinClass`: one class, one split
 * (harmless but wasteful). `acrossClasses`: one image with several labels. `acrossSplits`: one image in
 * several splits, so held-out accuracy is measured partly on training images. A group can be in both of the
 * last two. `nearAcrossSplits`: near copies across splits, sorted by `a` then `b`.
 */
export interface DuplicateReport {
  readonly withinClass: readonly DuplicateGroup[];
  readonly acrossClasses: readonly DuplicateGroup[];
  readonly acrossSplits: readonly DuplicateGroup[];
  readonly nearAcrossSplits: readonly NearDuplicatePair[];
}

/** Options of `findDuplicates`. */
export interface FindDuplicatesOptions {
  /** Largest difference-hash distance (bits of 64) counted as a near duplicate; default `NEAR_THRESHOLD_DEFAULT`. */
  readonly nearThreshold?: number;
}

/**
 * Default near-duplicate threshold, in bits of the 64-bit difference hash of a 32x32 centre thumbnail.
 * Measured on ../shared/datasets (box-averaged thumbnails decoded with jpeg-js):
 * - copies: the 397 hymenoptera photos re-scaled (64x64 instead of 32x32) are within 3 bits in 96% of cases
 *   and within 4 in 99%; brightened by 8%, 396 of 397 are within 3 bits.
 * - unrelated photos: of the 78,606 hymenoptera pairs none is closer than 12 bits (median about 30).
 * - rps rock, testing against training: of 117 pairs that share a Roboflow source frame, 29 lie at 0-6 bits
 *   and the rest (flipped or rotated augmentations, which a dHash cannot see) at 9 or more; at 6 bits 43
 *   pairs are found, 29 of one source frame and the others the same hand and pose in the same set-up.
 * 6 sits halfway between the copies (4 or fewer) and the closest unrelated photos (12).
 */
export const NEAR_THRESHOLD_DEFAULT = 6;

/** Bits in a difference hash. */
const DHASH_BITS = 64;

/** The parsed `dhash` of an item, naming the item when it is malformed. */
function parseDhash(item: HashedItem): Hash64 {
  try {
    return parseHash64(item.dhash);
  } catch (cause) {
    throw new RangeError(`findDuplicates: ${item.path} has dhash "${item.dhash}", expected 16 hex characters`, { cause });
  }
}

/** Mask of bits [start, end) of a 64-bit value (bit 0 = most significant), as hi/lo halves. */
function bandMask(start: number, end: number): Hash64 {
  const half = (from: number, to: number): number => {
    let mask = 0;
    for (let bit = Math.max(from, 0); bit < Math.min(to, 32); bit++) mask |= 1 << (31 - bit);
    return mask >>> 0;
  };
  return { hi: half(start, end), lo: half(start - 32, end - 32) };
}

/**
 * Pigeonhole bands: if two hashes differ in at most `threshold` bits, they agree exactly on at least one of
 * `threshold + 1` disjoint bands. Past 63 every pair qualifies, so one empty band puts all in one bucket.
 */
function bandMasks(threshold: number): Hash64[] {
  if (threshold >= DHASH_BITS) return [{ hi: 0, lo: 0 }];
  const count = threshold + 1;
  return Array.from({ length: count }, (_, b) =>
    bandMask(Math.floor((b * DHASH_BITS) / count), Math.floor(((b + 1) * DHASH_BITS) / count)),
  );
}

/** Index of the first band on which `x` and `y` agree, or -1. */
function firstSharedBand(x: Hash64, y: Hash64, masks: readonly Hash64[]): number {
  const hi = (x.hi ^ y.hi) >>> 0;
  const lo = (x.lo ^ y.lo) >>> 0;
  return masks.findIndex((mask) => (hi & mask.hi) === 0 && (lo & mask.lo) === 0);
}

const byCodeUnit = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);

/** Items bucketed by their bits under `mask`; buckets in first-seen order. */
function bucketsOf(bits: readonly Hash64[], mask: Hash64): number[][] {
  const buckets = new Map<string, number[]>();
  bits.forEach((b, i) => {
    const key = `${(b.hi & mask.hi) >>> 0},${(b.lo & mask.lo) >>> 0}`;
    const bucket = buckets.get(key);
    if (bucket) bucket.push(i);
    else buckets.set(key, [i]);
  });
  return [...buckets.values()];
}

/**
 * Near-duplicate pairs across splits: candidates share a band (so nothing within the threshold is missed),
 * are verified by full distance, and a pair is counted only at the first band it shares.
 */
function findNearPairs(items: readonly HashedItem[], threshold: number): NearDuplicatePair[] {
  const bits = items.map(parseDhash);
  const masks = bandMasks(threshold);
  const pairs: NearDuplicatePair[] = [];
  masks.forEach((mask, band) => {
    for (const bucket of bucketsOf(bits, mask)) {
      for (let p = 0; p < bucket.length; p++) {
        const i = bucket[p] as number;
        const x = items[i] as HashedItem;
        for (let q = p + 1; q < bucket.length; q++) {
          const j = bucket[q] as number;
          const y = items[j] as HashedItem;
          if (x.split === y.split || x.sha256 === y.sha256) continue;
          const bx = bits[i] as Hash64;
          const by = bits[j] as Hash64;
          if (firstSharedBand(bx, by, masks) !== band) continue;
          const distance = hash64Distance(bx, by);
          if (distance > threshold) continue;
          const [a, b] = x.path < y.path ? [x.path, y.path] : [y.path, x.path];
          pairs.push({ a, b, distance });
        }
      }
    }
  });
  return pairs.sort((p, q) => byCodeUnit(p.a, q.a) || byCodeUnit(p.b, q.b));
}

/** Groups of two or more items with the same `sha256`, described and sorted by first path. */
function exactGroups(items: readonly HashedItem[], classes: readonly string[]): DuplicateGroup[] {
  const bySha = new Map<string, HashedItem[]>();
  for (const item of items) {
    if (classes[item.classIndex] === undefined) {
      throw new RangeError(`findDuplicates: ${item.path} has class index ${item.classIndex} of ${classes.length}`);
    }
    const group = bySha.get(item.sha256);
    if (group) group.push(item);
    else bySha.set(item.sha256, [item]);
  }
  const groups: DuplicateGroup[] = [];
  for (const [sha256, members] of bySha) {
    if (members.length < 2) continue;
    const classIndices = new Set(members.map((m) => m.classIndex));
    const splits = new Set(members.map((m) => m.split));
    groups.push({
      sha256,
      paths: members.map((m) => m.path).sort(byCodeUnit),
      classes: [...classIndices].sort((x, y) => x - y).map((c) => classes[c] as string),
      splits: SPLIT_NAMES.filter((s) => splits.has(s)),
    });
  }
  return groups.sort((g, h) => byCodeUnit(g.paths[0] ?? '', h.paths[0] ?? ''));
}

/**
 * Finds exact duplicates (same SHA-256) and near duplicates across splits (difference hashes at most
 * `nearThreshold` bits apart, files not identical). Runs in about linear time for real hashes (10,000 items
 * in tens of milliseconds): near pairs come from pigeonhole bands of the hash, not from comparing all pairs.
 * The result does not depend on the order of `items`.
 *
 * @param items hashed items; paths are expected to be unique.
 * @param classes class names, indexed by `HashedItem.classIndex`.
 * @throws RangeError for a malformed `dhash`, a class index outside `classes`, or a threshold that is not a
 *   non-negative integer.
 */
export function findDuplicates(
  items: readonly HashedItem[],
  classes: readonly string[],
  options: FindDuplicatesOptions = {},
): DuplicateReport {
  const threshold = options.nearThreshold ?? NEAR_THRESHOLD_DEFAULT;
  if (!(Number.isInteger(threshold) && threshold >= 0)) {
    throw new RangeError(`findDuplicates: nearThreshold must be a non-negative integer, got ${threshold}`);
  }
  const groups = exactGroups(items, classes);
  return {
    withinClass: groups.filter((g) => g.classes.length === 1 && g.splits.length === 1),
    acrossClasses: groups.filter((g) => g.classes.length > 1),
    acrossSplits: groups.filter((g) => g.splits.length > 1),
    nearAcrossSplits: findNearPairs(items, threshold),
  };
}

/**
 * Keeps the first item (in `items` order) of each `withinClass` group of `report` and drops the other
 * copies; every other item, including copies across classes or splits, is kept, in its order.
 *
 * @returns a new array; `items` is not changed.
 */
export function dropWithinClassDuplicates<T extends { path: string }>(
  items: readonly T[],
  report: Pick<DuplicateReport, 'withinClass'>,
): T[] {
  const groupOfPath = new Map<string, number>();
  report.withinClass.forEach((group, g) => group.paths.forEach((path) => groupOfPath.set(path, g)));
  const seen = new Set<number>();
  return items.filter((item) => {
    const group = groupOfPath.get(item.path);
    if (group === undefined) return true;
    if (seen.has(group)) return false;
    seen.add(group);
    return true;
  });
}

/**
 * Codes of the notes `summariseDuplicates` writes. Not yet members of `DatasetNoteCode` (core/types.ts);
 * once they are, `DuplicateNote` is assignable to `DatasetNote`.
 */
export type DuplicateNoteCode =
  /** Byte-identical files in one class and one split. */
  | 'duplicate-within-class'
  /** Byte-identical files under different classes: one image, several labels. */
  | 'duplicate-across-classes'
  /** Byte-identical files in different splits: a leak into held-out accuracy. */
  | 'duplicate-across-splits'
  /** Nearly identical images (close difference hashes) in different splits. */
  | 'near-duplicate-across-splits';

/** A `DatasetNote` with one of the duplicate codes. */
export interface DuplicateNote extends Omit<DatasetNote, 'code'> {
  readonly code: DuplicateNoteCode;
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

const groupFiles = (groups: readonly DuplicateGroup[]): string[] => groups.flatMap((g) => g.paths);

/** "validation accuracy", "test accuracy" or "validation and test accuracy", for the held-out splits named. */
function heldOutAccuracy(splits: readonly SplitName[]): string {
  const words = [splits.includes('val') ? 'validation' : '', splits.includes('test') ? 'test' : ''].filter(Boolean);
  return `${words.length > 0 ? words.join(' and ') : 'held-out'} accuracy`;
}

function acrossClassesNote(groups: readonly DuplicateGroup[]): DuplicateNote {
  const files = groupFiles(groups);
  const message =
    `The same image has two or more labels: ${plural(files.length, 'file')} in ${plural(groups.length, 'group')} of ` +
    'identical images are filed under different classes, so the model is taught contradictory answers. Keep ' +
    'each image in one class.';
  return { level: 'warning', code: 'duplicate-across-classes', message, files };
}

function acrossSplitsNote(groups: readonly DuplicateGroup[]): DuplicateNote {
  const files = groupFiles(groups);
  const accuracy = heldOutAccuracy(groups.flatMap((g) => g.splits));
  const message =
    `${plural(files.length, 'file')} in ${plural(groups.length, 'group')} of identical images sit in more than one ` +
    `split: ${accuracy} would be too optimistic, because the model is checked on images it trained on. Keep each ` +
    'image in one split.';
  return { level: 'warning', code: 'duplicate-across-splits', message, files };
}

function nearAcrossSplitsNote(pairs: readonly NearDuplicatePair[]): DuplicateNote {
  const message =
    `${plural(pairs.length, 'pair')} of nearly identical images (such as neighbouring video frames or re-saved ` +
    'copies) sit in different splits: held-out accuracy would be too optimistic. Putting both images of a pair ' +
    'in the same split gives an honest estimate.';
  const files = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  return { level: 'warning', code: 'near-duplicate-across-splits', message, files };
}

function withinClassNote(groups: readonly DuplicateGroup[]): DuplicateNote {
  const extra = groups.reduce((n, g) => n + g.paths.length - 1, 0);
  const message =
    `${plural(extra, 'file')} ${extra === 1 ? 'is an exact copy' : 'are exact copies'} of another image in the ` +
    `same class and split (${plural(groups.length, 'group')}): they add nothing new and make those images count ` +
    'twice in training. The extra copies can be left out.';
  return { level: 'info', code: 'duplicate-within-class', message, files: groupFiles(groups) };
}

/**
 * Notes for the UI, one per kind of duplicate found (none for an empty report), most serious first: labels
 * in conflict, exact then near copies across splits, then harmless copies within a class. Each message says
 * what it means for training and how many files or pairs; `files` lists every path concerned.
 */
export function summariseDuplicates(report: DuplicateReport): DuplicateNote[] {
  const notes: DuplicateNote[] = [];
  if (report.acrossClasses.length > 0) notes.push(acrossClassesNote(report.acrossClasses));
  if (report.acrossSplits.length > 0) notes.push(acrossSplitsNote(report.acrossSplits));
  if (report.nearAcrossSplits.length > 0) notes.push(nearAcrossSplitsNote(report.nearAcrossSplits));
  if (report.withinClass.length > 0) notes.push(withinClassNote(report.withinClass));
  return notes;
}
