/**
 * What the folders of a listing mean, read from their structure as well as their names: a wrapping folder
 * (`dataset/`) is looked through; top folders named like splits (`training_set/`, `seg_test/`), or that each
 * hold the same sub-folders, are split folders holding class folders; class folders that each hold split
 * folders (`cats/train/`) give the splits from below; anything else is one folder per class. Pure.
 */
import { belowBase, isSystemName, type FolderLayout, type FolderPlan } from './folders';
import { resolveSplits, splitWordOf } from './splitWords';
import type { SplitName } from '../../core/types';

/** One top folder (below the base) and what lies in it. */
export interface TopFolder {
  readonly name: string;
  /** Images at any depth. */
  readonly images: number;
  /** Images directly inside, in no sub-folder. */
  readonly loose: number;
  /** Sub-folder name -> images at any depth below it. */
  readonly subs: ReadonlyMap<string, number>;
}

/** How much the top folders' sub-folders repeat: the names found in every one, and their share of all names. */
export interface Overlap {
  readonly common: readonly string[];
  readonly share: number;
}

/** At most this many top folders are read as splits by structure alone (train, val, test). */
const MAX_STRUCTURE_SPLITS = 3;
/** Sub-folders repeat "mostly" when the names in every top folder make at least this share of all the names. */
const MIN_SHARED_SHARE = 0.5;
/** Splits by structure only when at most this share of the images lie loose in the top folders. */
const MAX_LOOSE_SHARE = 0.1;

/**
 * The folders every image lies in that say nothing: while all images share the next folder, and none lies
 * loose in it, it is looked through, unless it is named like a split or a system folder.
 */
function lookThrough(images: readonly (readonly string[])[]): string[] {
  const base: string[] = [];
  for (;;) {
    const depth = base.length;
    const first = images[0]?.[depth];
    if (first === undefined || isSystemName(first) || splitWordOf(first) !== undefined) return base;
    if (!images.every((s) => s.length >= depth + 3 && s[depth] === first)) return base;
    base.push(first);
  }
}

/** The top folders below `depth` segments, in first-seen order; loose images at that depth are not counted. */
export function topFolders(images: readonly (readonly string[])[], depth: number): TopFolder[] {
  const tops = new Map<string, { images: number; loose: number; subs: Map<string, number> }>();
  for (const segments of images) {
    const name = segments[depth];
    if (name === undefined || segments.length < depth + 2 || isSystemName(name)) continue;
    const top = tops.get(name) ?? { images: 0, loose: 0, subs: new Map<string, number>() };
    tops.set(name, top);
    top.images++;
    const sub = segments[depth + 1];
    if (segments.length === depth + 2 || sub === undefined) top.loose++;
    else top.subs.set(sub, (top.subs.get(sub) ?? 0) + 1);
  }
  return [...tops].map(([name, top]) => ({ name, ...top }));
}

/** The sub-folder names every one of `tops` holds, and their share of all the names they hold. */
export function overlapOf(tops: readonly TopFolder[]): Overlap {
  const union = new Set(tops.flatMap((t) => [...t.subs.keys()]));
  const common = [...union].filter((name) => tops.every((t) => t.subs.has(name)));
  return { common, share: union.size === 0 ? 0 : common.length / union.size };
}

/** True when the folders repeat enough sub-folder names to be splits holding the same classes. */
function repeats(tops: readonly TopFolder[], overlap: Overlap): boolean {
  return tops.length >= 2 && overlap.common.length >= 2 && overlap.share >= MIN_SHARED_SHARE;
}

/** Splits for folders no name explains, by size: the largest is train, then test (two) or val and test (three). */
function splitsBySize(tops: readonly TopFolder[]): Map<string, SplitName> {
  const order: readonly SplitName[] = tops.length === 2 ? ['train', 'test'] : ['train', 'val', 'test'];
  const bySize = [...tops].sort((a, b) => b.images - a.images).slice(0, MAX_STRUCTURE_SPLITS);
  return new Map(bySize.map((t, i) => [t.name, order[i] ?? 'test']));
}

/** The split of each sub-folder when every class folder holds only split folders (`cats/train/`), else empty. */
function splitsBelowClasses(withSubs: readonly TopFolder[]): Map<string, SplitName> {
  const names = [...new Set(withSubs.flatMap((t) => [...t.subs.keys()]))];
  if (withSubs.length < 2 || !names.every((name) => splitWordOf(name) !== undefined)) return new Map();
  return resolveSplits(names);
}

const EMPTY_SPLITS: ReadonlyMap<string, SplitName> = new Map();

/** Top folders whose only content is a folder of the same name (`seg_train/seg_train/`): looked through. */
function doubledFolders(tops: readonly TopFolder[]): Set<string> {
  return new Set(tops.filter((t) => t.loose === 0 && t.subs.size === 1 && t.subs.has(t.name)).map((t) => t.name));
}

/**
 * Plans how to read a listing's folders from the segments of its images (relative to the dataset root).
 * `auto` picks, in order: split folders by name (a top folder holding sub-folders is named like a split;
 * top folders named like splits that hold only loose images are split folders of unlabelled images, and so
 * are folders of loose images beside named split folders, like `seg_pred/`); a top folder that only wraps a
 * folder of the same name (`seg_train/seg_train/`) is looked through;
 * class folders holding split folders; split folders by structure (2 or 3 top folders holding mostly the same
 * sub-folders, few loose images); else class folders. A forced layout is read the same way where it fits.
 */
export function planFolders(listed: readonly (readonly string[])[], forced: FolderLayout | 'auto' = 'auto'): FolderPlan {
  const base = lookThrough(listed);
  const doubled = doubledFolders(topFolders(listed, base.length));
  const images = listed.map((segments) => [...base, ...(belowBase(segments, { base, doubled }) ?? [])]);
  const tops = topFolders(images, base.length);
  const withSubs = tops.filter((t) => t.subs.size > 0);
  const named = withSubs.filter((t) => splitWordOf(t.name) !== undefined);
  const loose = tops.filter((t) => t.subs.size === 0 && splitWordOf(t.name) !== undefined);
  const overlap = overlapOf(withSubs);
  const below = splitsBelowClasses(withSubs);
  const looseTotal = tops.reduce((n, t) => n + t.loose, 0);
  const allImages = tops.reduce((n, t) => n + t.images, 0);
  const structural =
    repeats(withSubs, overlap) &&
    withSubs.length <= MAX_STRUCTURE_SPLITS &&
    looseTotal <= MAX_LOOSE_SHARE * allImages &&
    below.size === 0;
  const allSplitNamed = tops.length > 0 && named.length + loose.length === tops.length;
  const plan = { base, doubled, splitsBelow: EMPTY_SPLITS, looseSplits: new Set<string>() } as const;
  const splitFolders = (by: 'names' | 'structure', alternative: FolderLayout | null): FolderPlan => ({
    ...plan,
    layout: 'split-folders',
    splits: by === 'names' ? resolveSplits(named.map((t) => t.name)) : splitsBySize(withSubs),
    looseSplits: new Set(by === 'names' ? tops.filter((t) => t.subs.size === 0).map((t) => t.name) : []),
    splitsBy: by,
    alternative,
  });
  const classFolders = (alternative: FolderLayout | null): FolderPlan => ({
    ...plan,
    layout: 'class-folders',
    splits: EMPTY_SPLITS,
    splitsBelow: below,
    splitsBy: below.size > 0 ? 'names' : null,
    alternative,
  });
  const classesToo = withSubs.length >= 2 ? 'class-folders' : null;
  if (forced === 'split-folders') return splitFolders(named.length + loose.length > 0 ? 'names' : 'structure', classesToo);
  if (forced === 'class-folders') {
    return classFolders(named.length > 0 || structural ? 'split-folders' : null);
  }
  if (named.length > 0 || (loose.length > 0 && allSplitNamed)) {
    return splitFolders('names', named.length >= 2 && overlap.share < MIN_SHARED_SHARE ? 'class-folders' : null);
  }
  if (below.size > 0) return classFolders(null);
  if (structural) return splitFolders('structure', 'class-folders');
  return classFolders(repeats(withSubs, overlap) ? 'split-folders' : null);
}
