/**
 * Folder layouts: which folder of a path is the class (`cats/1.jpg`, `train/cats/1.jpg`,
 * `star-wars/0001/001.jpg`) and which split a path lies in. Pure: works on path segments only.
 */
import type { SplitName } from '../../core/types';

/** The two layouts that folders alone give. */
export type FolderLayout = 'class-folders' | 'split-folders';

/** Lower-case folder names read as split folders, and the split each one means. */
export const SPLIT_FOLDER_NAMES: Readonly<Record<string, SplitName>> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
  testing: 'test',
};

/** File and folder names that operating systems and archivers leave behind (compared in lower case). */
const SYSTEM_FILE_NAMES = new Set(['thumbs.db', 'desktop.ini', '__macosx']);

/** True for a file or folder name left by an operating system or archiver: dotfiles, `Thumbs.db`, `__MACOSX`. */
export function isSystemName(segment: string): boolean {
  return segment.startsWith('.') || SYSTEM_FILE_NAMES.has(segment.toLowerCase());
}

/** The split a folder name stands for (`Train`, `VALID`, `testing`, ...), or undefined for any other name. */
export function splitFromFolderName(folder: string): SplitName | undefined {
  return Object.hasOwn(SPLIT_FOLDER_NAMES, folder.toLowerCase())
    ? SPLIT_FOLDER_NAMES[folder.toLowerCase()]
    : undefined;
}

/** `split-folders` when any top-level folder (one holding something) is a split name, else `class-folders`. */
export function detectFolderLayout(relative: readonly (readonly string[])[]): FolderLayout {
  return relative.some((s) => s.length >= 2 && splitFromFolderName(s[0] ?? '') !== undefined)
    ? 'split-folders'
    : 'class-folders';
}

/** The split of a path relative to the dataset root: its top folder's split, else `train`. */
export function splitOfPath(segments: readonly string[]): SplitName {
  return (segments.length >= 2 ? splitFromFolderName(segments[0] ?? '') : undefined) ?? 'train';
}

/** Where an image belongs in a folder layout. */
export interface FolderPlace {
  readonly className: string;
  readonly split: SplitName;
}

/**
 * Where one image (segments relative to the dataset root) belongs, or why it belongs nowhere. The first folder
 * below the root (or below the split folder) is the class; deeper folders belong to it.
 */
export function placeInFolders(segments: readonly string[], layout: FolderLayout): FolderPlace | string {
  if (layout === 'class-folders') {
    const className = segments[0];
    if (segments.length < 2 || className === undefined) return 'not inside a class folder';
    return { className, split: 'train' };
  }
  const top = segments[0] ?? '';
  const split = splitFromFolderName(top);
  if (split === undefined) {
    return segments.length < 2
      ? 'not inside a class folder'
      : `not inside a split folder (found "${top}/" beside the train/val/test folders)`;
  }
  const className = segments[1];
  if (segments.length < 3 || className === undefined) return 'not inside a class folder';
  return { className, split };
}

/**
 * The class folder a file lies in (`cats` or `train/cats`), or undefined when it lies in none or the folder
 * is a system folder (`__MACOSX`, `.git`).
 */
export function classFolderOf(segments: readonly string[], layout: FolderLayout): string | undefined {
  const depth = layout === 'class-folders' ? 1 : 2;
  if (segments.length <= depth) return undefined;
  if (layout === 'split-folders' && splitFromFolderName(segments[0] ?? '') === undefined) return undefined;
  const folder = segments.slice(0, depth);
  return folder.some(isSystemName) ? undefined : folder.join('/');
}
