/**
 * Turns a list of file paths (a chosen or dropped folder) into a labelled `Dataset`: finds the layout, the
 * classes and the splits, and says why every unused file was skipped. Pure: no file is read here.
 */
import { UserFacingError } from '../core/errors';
import type { Dataset, DatasetItem, DatasetLayout, SkippedFile, SplitName } from '../core/types';

/** One file as the browser lists it: `path` is `/`-separated (`webkitRelativePath` or a drop path). */
export interface IngestFile {
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
}

/** Lower-case file extensions (without the dot) read as images. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'avif']);

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

/** File names that operating systems and archivers leave behind (compared in lower case). */
const SYSTEM_FILE_NAMES = new Set(['thumbs.db', 'desktop.ini', '__macosx']);

/** Compares class names the way a person sorts them (`class2` before `class10`), the same on every machine. */
export function compareClassNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The split a folder name stands for (`Train`, `VALID`, `testing`, ...), or undefined for any other name. */
export function splitFromFolderName(folder: string): SplitName | undefined {
  return Object.hasOwn(SPLIT_FOLDER_NAMES, folder.toLowerCase())
    ? SPLIT_FOLDER_NAMES[folder.toLowerCase()]
    : undefined;
}

/**
 * Why a file is not an image to use, judged by its path segments and size alone; undefined when it is one.
 * Order matters: system files first (a `.DS_Store` is not worth an extension message), then type, then size.
 */
export function imageSkipReason(segments: readonly string[], size: number): string | undefined {
  const isSystem = segments.some((s) => s.startsWith('.') || SYSTEM_FILE_NAMES.has(s.toLowerCase()));
  if (isSystem) return 'system file';
  const fileName = segments[segments.length - 1] ?? '';
  const dot = fileName.lastIndexOf('.');
  const extension = dot > 0 ? fileName.slice(dot + 1).toLowerCase() : '';
  if (!IMAGE_EXTENSIONS.has(extension)) {
    return extension ? `not an image (.${extension})` : 'not an image (no extension)';
  }
  if (size <= 0) return 'empty file (0 bytes)';
  return undefined;
}

/** Splits a path into its non-empty segments (tolerating `\`, a leading `/` and `./`). */
function toSegments(path: string): string[] {
  return path.split(/[/\\]/).filter((s) => s !== '' && s !== '.');
}

/** The first segment every path shares, when every path has a folder there; else undefined. */
function commonRoot(all: readonly (readonly string[])[]): string | undefined {
  const first = all[0]?.[0];
  if (first === undefined) return undefined;
  return all.every((s) => s.length >= 2 && s[0] === first) ? first : undefined;
}

interface Placed {
  readonly className: string;
  readonly split: SplitName;
}

/** Where one image belongs, or why it belongs nowhere. */
function place(segments: readonly string[], layout: DatasetLayout): Placed | string {
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

/** A one-line summary of the most common skip reasons, for error messages. */
function summariseSkipped(skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return 'the folder holds no files';
  const byReason = new Map<string, number>();
  for (const s of skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  const top = [...byReason].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return `${skipped.length} file(s) skipped: ${top.map(([reason, n]) => `${n} ${reason}`).join(', ')}`;
}

/**
 * Builds a dataset from a folder listing.
 *
 * - When every path starts with the same folder (the chosen folder, e.g. `hymenoptera/train/ants/1.jpg`),
 *   that segment is stripped and becomes the dataset name (unless `name` is given, which wins). With no
 *   shared folder and no `name`, the name is `''`.
 * - Layout `split-folders` when any top-level folder is named `train`/`training`/`val`/`valid`/`validation`/
 *   `test`/`testing` (any case): the folder below each split folder is the class. Otherwise `class-folders`:
 *   each top-level folder is a class and every item is in split `train`. Deeper folders belong to that class.
 * - Skipped, with a reason: system files and dotfiles, non-images, empty files, images with no class folder
 *   and, in a split layout, files beside the split folders.
 * - `classes` are unique and sorted with `compareClassNames`; `items` keep the order of `files`, and each
 *   item's `fileIndex` is its index in `files`.
 *
 * @throws UserFacingError when no image can be used, or when all images fall into a single class.
 */
export function buildDataset(files: readonly IngestFile[], name?: string): Dataset {
  const allSegments = files.map((f) => toSegments(f.path));
  const root = commonRoot(allSegments);
  const relative = root === undefined ? allSegments : allSegments.map((s) => s.slice(1));
  const datasetName = name ?? root ?? '';
  const layout: DatasetLayout = relative.some((s) => s.length >= 2 && splitFromFolderName(s[0] ?? '') !== undefined)
    ? 'split-folders'
    : 'class-folders';

  const skipped: SkippedFile[] = [];
  const placed: { fileIndex: number; path: string; at: Placed }[] = [];
  files.forEach((file, fileIndex) => {
    const segments = relative[fileIndex] ?? [];
    const path = segments.join('/');
    const reason = imageSkipReason(segments, file.size);
    const at = reason ?? place(segments, layout);
    if (typeof at === 'string') skipped.push({ file: file.path, reason: at });
    else placed.push({ fileIndex, path, at });
  });

  const classes = [...new Set(placed.map((p) => p.at.className))].sort(compareClassNames);
  const where = datasetName ? `"${datasetName}"` : 'the chosen folder';
  if (classes.length === 0) {
    throw new UserFacingError(
      `No images found in ${where}: expected one sub-folder per class (e.g. cats/, dogs/), or train/ and val/ ` +
        `folders that each hold one sub-folder per class. Images must be ` +
        `${[...IMAGE_EXTENSIONS].join(', ')} (${summariseSkipped(skipped)}).`,
    );
  }
  if (classes.length === 1) {
    throw new UserFacingError(
      `Only one class (${classes[0]}) found in ${where}: a classifier needs at least two classes, each in its ` +
        `own sub-folder (e.g. ${classes[0]}/ and another folder beside it).`,
    );
  }
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const items: DatasetItem[] = placed.map((p) => ({
    fileIndex: p.fileIndex,
    path: p.path,
    classIndex: classIndex.get(p.at.className) ?? -1,
    split: p.at.split,
  }));
  return { name: datasetName, layout, classes, items, skipped };
}
