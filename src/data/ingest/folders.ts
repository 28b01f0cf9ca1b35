/**
 * Folder layouts: which folder of a path is the class (`cats/1.jpg`, `train/cats/1.jpg`,
 * `star-wars/0001/001.jpg`, `dataset/training_set/cats/1.jpg`) and which split a path lies in, once
 * `structure.ts` has planned what the folders mean. Pure: works on path segments only.
 */
import type { SplitName } from '../../core/types';
import { splitFromFolderName } from './splitWords';

/** The two layouts that folders alone give. */
export type FolderLayout = 'class-folders' | 'split-folders';

/** What the folders of a listing mean (see `planFolders`). */
export interface FolderPlan {
  readonly layout: FolderLayout;
  /** Folders every image lies in, looked through (`dataset`, then `images`): the meaningful folders are below. */
  readonly base: readonly string[];
  /** Top folders that only wrap a folder of the same name (`seg_train/seg_train/`, as unzipping leaves them). */
  readonly doubled: ReadonlySet<string>;
  /** `split-folders`: each split folder (the first folder below `base`) and its split. */
  readonly splits: ReadonlyMap<string, SplitName>;
  /**
   * `split-folders`: top folders that hold images but no class folders (`test/`, `seg_pred/` beside named
   * split folders): their images are unlabelled.
   */
  readonly looseSplits: ReadonlySet<string>;
  /** `class-folders`: split folders inside each class folder (`cats/train/`) and their split; empty when none. */
  readonly splitsBelow: ReadonlyMap<string, SplitName>;
  /** Whether the split folders were found by their names or by holding the same sub-folders. */
  readonly splitsBy: 'names' | 'structure' | null;
  /** The other folder layout that fits the structure, offered as one click; null when none does. */
  readonly alternative: FolderLayout | null;
}

/** File and folder names that operating systems and archivers leave behind (compared in lower case). */
const SYSTEM_FILE_NAMES = new Set(['thumbs.db', 'desktop.ini', '__macosx']);

/** True for a file or folder name left by an operating system or archiver: dotfiles, `Thumbs.db`, `__MACOSX`. */
export function isSystemName(segment: string): boolean {
  return segment.startsWith('.') || SYSTEM_FILE_NAMES.has(segment.toLowerCase());
}

/**
 * The segments that mean something: those below the plan's base, with a doubled top folder's inner copy
 * dropped (`seg_train/seg_train/forest/1.jpg` -> `seg_train/forest/1.jpg`); undefined when not inside the base.
 */
export function belowBase(segments: readonly string[], plan: Pick<FolderPlan, 'base' | 'doubled'>): string[] | undefined {
  if (!plan.base.every((folder, i) => segments[i] === folder)) return undefined;
  const rest = segments.slice(plan.base.length);
  const [top, inner] = rest;
  return top !== undefined && plan.doubled.has(top) && inner === top && rest.length > 2 ? [top, ...rest.slice(2)] : rest;
}

/** The split of a path in a label layout: the split of the first folder below the base whose name says one. */
export function splitOfPath(segments: readonly string[], plan: Pick<FolderPlan, 'base' | 'doubled'>): SplitName {
  const rest = segments.slice(plan.base.length, -1);
  for (const folder of rest) {
    const split = splitFromFolderName(folder);
    if (split !== undefined) return split;
  }
  return 'train';
}

/** Where an image belongs in a folder layout. */
export interface FolderPlace {
  readonly className: string;
  readonly split: SplitName;
}

/**
 * Where one image (segments relative to the dataset root) belongs, or why it belongs nowhere: `unlabelled`
 * for an image loose in a split folder that holds no class folders (a test set without answers). The first
 * folder below the base (or below the split folder) is the class; deeper folders belong to it.
 */
export function placeInFolders(segments: readonly string[], plan: FolderPlan): FolderPlace | 'unlabelled' | string {
  const rest = belowBase(segments, plan);
  if (rest === undefined) return 'not inside the dataset folder';
  if (plan.layout === 'class-folders') {
    const className = rest[0];
    if (rest.length < 2 || className === undefined) return 'not inside a class folder';
    const below = rest.length >= 3 ? plan.splitsBelow.get(rest[1] ?? '') : undefined;
    return { className, split: below ?? 'train' };
  }
  const top = rest[0] ?? '';
  if (rest.length === 2 && plan.looseSplits.has(top)) return 'unlabelled';
  const split = plan.splits.get(top);
  if (split === undefined) {
    if (rest.length < 2) return 'not inside a class folder';
    const splits = [...plan.splits.keys()];
    return splits.length === 0
      ? `not inside a split folder (found "${top}/", and no folder here holds class folders)`
      : `not inside a split folder (found "${top}/" beside the split folder${splits.length > 1 ? 's' : ''} ` +
          `${splits.map((name) => `"${name}/"`).join(', ')})`;
  }
  const className = rest[1];
  if (rest.length < 3 || className === undefined) return 'not inside a class folder';
  return { className, split };
}

/**
 * The class folder a file lies in (`cats` or `train/cats`, with the base in front), or undefined when it lies
 * in none or the folder is a system folder (`__MACOSX`, `.git`).
 */
export function classFolderOf(segments: readonly string[], plan: FolderPlan): string | undefined {
  const rest = belowBase(segments, plan);
  if (rest === undefined) return undefined;
  const depth = plan.layout === 'class-folders' ? 1 : 2;
  if (rest.length <= depth) return undefined;
  if (plan.layout === 'split-folders' && !plan.splits.has(rest[0] ?? '')) return undefined;
  const collapsed = segments.length - plan.base.length - rest.length;
  const folder = segments.slice(0, plan.base.length + collapsed + depth);
  return folder.some(isSystemName) ? undefined : folder.join('/');
}
