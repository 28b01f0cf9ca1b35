/**
 * Turns a list of file paths (a chosen or dropped folder) into a labelled `Dataset`: finds the layout (class
 * folders, split folders, a CSV or a list of labels), the classes and the splits, says why every unused file
 * was skipped and notes what deserves attention. Pure: no file is read here (label files come as text).
 */
import { UserFacingError } from '../../core/errors';
import type { Dataset, DatasetItem, DatasetLayout, DatasetNote, DatasetNoteCode, SkippedFile } from '../../core/types';
import { datasetChecks } from '../inspect/checks';
import { detectFolderLayout, isSystemName } from './folders';
import { labelFileName, type LabelFileInput, type LabelFileKind } from './labels';
import { pathSegments } from './names';
import {
  classCount,
  labelKindOf,
  readFolders,
  readLabels,
  readListing,
  samePath,
  type IngestFile,
  type Listing,
  type Reading,
} from './readings';
import { extensionOf, IMAGE_EXTENSIONS } from './skip';

export { SPLIT_FOLDER_NAMES, splitFromFolderName } from './folders';
export type { LabelFileInput, LabelFileKind } from './labels';
export type { IngestFile } from './readings';
export { IMAGE_EXTENSIONS, imageSkipReason } from './skip';

/** How `buildDataset` reads a listing. */
export interface BuildOptions {
  /** The dataset's name; defaults to the folder every path starts with, else `''`. */
  readonly name?: string;
  /** The layout to use; `auto` (the default) prefers folders that give two classes, then the label file. */
  readonly layout?: DatasetLayout | 'auto';
  /** A label file from the listing, read by the caller (see `findLabelFiles`). */
  readonly labels?: LabelFileInput;
}

/** The code of the info note on a label file the folders made unnecessary. */
const LABEL_FILE_UNUSED_CODE: DatasetNoteCode = 'label-file-unused';

/** Lower-case extensions of label files, and how each is read. */
const LABEL_FILE_KINDS: Readonly<Record<string, LabelFileKind>> = { csv: 'csv', tsv: 'csv', txt: 'list' };

/** Compares class names the way a person sorts them (`class2` before `class10`), the same on every machine. */
export function compareClassNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The files that may be label files, in listing order: `.csv`/`.tsv` (kind `csv`) and `.txt` (kind `list`)
 * at any depth, system files excluded. The caller reads their text and passes one as `BuildOptions.labels`.
 */
export function findLabelFiles(files: readonly IngestFile[]): { path: string; kind: LabelFileKind }[] {
  return files.flatMap((file) => {
    const segments = pathSegments(file.path);
    const extension = extensionOf(segments);
    const kind = Object.hasOwn(LABEL_FILE_KINDS, extension) ? LABEL_FILE_KINDS[extension] : undefined;
    return kind === undefined || segments.some(isSystemName) ? [] : [{ path: file.path, kind }];
  });
}

/** The info note for one label file the folders made unnecessary, saying how to use it instead. */
function unusedLabelNote(listing: Listing, classes: number, path: string, input?: LabelFileInput): DatasetNote {
  const kind = labelKindOf(path);
  const layoutName = kind === 'csv' ? 'CSV' : 'list';
  let how = `To label the images from it instead, choose the ${layoutName} layout.`;
  if (input !== undefined) {
    try {
      const column = readLabels(listing, input, kind).labelSource?.labelColumn ?? '';
      how = `To label the images from its column "${column}" instead, choose the ${layoutName} layout.`;
    } catch (error) {
      if (!(error instanceof UserFacingError)) throw error;
      how = `It cannot label them either: ${error.message}`;
    }
  }
  const segments = pathSegments(path);
  const relative = listing.root !== undefined && segments[0] === listing.root ? segments.slice(1) : segments;
  const message = `${labelFileName(path)} was not used: the folders already give ${classes} classes. ${how}`;
  return { level: 'info', code: LABEL_FILE_UNUSED_CODE, message, files: [relative.join('/')] };
}

/** Reads the listing as folders when they give two classes, else by the label file when it does. */
function readAuto(listing: Listing, labels: LabelFileInput | undefined): Reading {
  const folders = readFolders(listing, detectFolderLayout(listing.relative));
  const candidates = findLabelFiles(listing.files).map((found) => found.path);
  if (classCount(folders) >= 2) {
    if (labels !== undefined && !candidates.some((path) => samePath(path, labels.path))) candidates.push(labels.path);
    const given = (path: string) => (labels !== undefined && samePath(path, labels.path) ? labels : undefined);
    const notes = candidates.map((path) => unusedLabelNote(listing, classCount(folders), path, given(path)));
    return { ...folders, notes };
  }
  if (labels === undefined) {
    const [first] = candidates;
    return first === undefined ? folders : { ...folders, labelProblem: `${labelFileName(first)} may label them.` };
  }
  const file = labelFileName(labels.path);
  try {
    const labelled = readLabels(listing, labels, labelKindOf(labels.path));
    if (classCount(labelled) >= 2) return labelled;
    return { ...folders, labelProblem: `${file} gives ${classCount(labelled)} class(es) only.` };
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    return { ...folders, labelProblem: `${file} cannot label them either: ${error.message}` };
  }
}

/** A one-line summary of the most common skip reasons, for error messages. */
function summariseSkipped(skipped: readonly SkippedFile[]): string {
  if (skipped.length === 0) return 'the folder holds no files';
  const byReason = new Map<string, number>();
  for (const s of skipped) byReason.set(s.reason, (byReason.get(s.reason) ?? 0) + 1);
  const top = [...byReason].sort((a, b) => b[1] - a[1]).slice(0, 3);
  return `${skipped.length} file(s) skipped: ${top.map(([reason, n]) => `${n} ${reason}`).join(', ')}`;
}

/** Why a reading with fewer than two classes gives no dataset. */
function tooFewClassesMessage(listing: Listing, reading: Reading, classes: readonly string[]): string {
  const where = listing.name ? `"${listing.name}"` : 'the chosen folder';
  const source = reading.labelSource;
  if (source !== undefined) {
    const file = labelFileName(source.file);
    return classes.length === 0
      ? `No image in ${where} could be labelled from ${file}: ${source.matched} of its ${source.rows} rows ` +
          `name exactly one image (${summariseSkipped(reading.skipped)}).`
      : `Only one class (${classes[0]}) found in column "${source.labelColumn}" of ${file}: a classifier needs ` +
          `at least two classes.`;
  }
  const extra = reading.labelProblem === undefined ? '' : ` ${reading.labelProblem}`;
  if (classes.length === 0) {
    return (
      `No images found in ${where}: expected one sub-folder per class (e.g. cats/, dogs/), or train/ and val/ ` +
      `folders that each hold one sub-folder per class, or a CSV or list file of labels. Images must be ` +
      `${[...IMAGE_EXTENSIONS].join(', ')} (${summariseSkipped(reading.skipped)}).${extra}`
    );
  }
  return (
    `Only one class (${classes[0]}) found in ${where}: a classifier needs at least two classes, each in its ` +
    `own sub-folder (e.g. ${classes[0]}/ and another folder beside it), or a CSV or list file of labels.${extra}`
  );
}

/** The dataset of a reading: classes, items, and the reading's notes followed by `datasetChecks`. */
function toDataset(listing: Listing, reading: Reading): Dataset {
  const classes = [...new Set(reading.placed.map((p) => p.className))].sort(compareClassNames);
  if (classes.length < 2) throw new UserFacingError(tooFewClassesMessage(listing, reading, classes));
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const items = reading.placed.map(
    (p): DatasetItem => ({
      fileIndex: p.fileIndex,
      path: (listing.relative[p.fileIndex] ?? []).join('/'),
      classIndex: classIndex.get(p.className) ?? -1,
      split: p.split,
    }),
  );
  const { layout, skipped, labelSource } = reading;
  const dataset: Dataset = { name: listing.name, layout, classes, items, skipped, ...(labelSource && { labelSource }) };
  return { ...dataset, notes: [...reading.notes, ...datasetChecks(dataset, { root: listing.root })] };
}

/**
 * Builds a dataset from a folder listing.
 *
 * - When every path starts with the same folder (the chosen folder, e.g. `hymenoptera/train/ants/1.jpg`),
 *   that segment is stripped and becomes the dataset name (unless `options.name` is given, which wins). With
 *   no shared folder and no name, the name is `''`.
 * - Layout `auto` (the default): `split-folders` when any top-level folder is named `train`/`training`/`val`/
 *   `valid`/`validation`/`test`/`testing` (any case), the folder below each split folder being the class;
 *   else `class-folders`, each top-level folder a class and every item in `train`. Deeper folders belong to
 *   their class. When the folders give fewer than two classes and `options.labels` gives at least two, the
 *   labels win (`csv`, or `list` for a `.txt`). When the folders win, each label file in the listing gets an
 *   info note saying it was not used and how to use it. `options.layout` forces a layout.
 * - Label layouts: see `labelImages`; the label file is then neither an item nor skipped. Images keep the
 *   split of their split folder, else `train`. `labelSource` says which columns were used.
 * - Skipped, with a reason: system files and dotfiles, HEIC/HEIF/TIFF (browsers cannot decode them), other
 *   non-images, empty files, images with no class folder and, in a split layout, files beside the split
 *   folders; in a label layout, images with no usable label.
 * - `classes` are unique and sorted with `compareClassNames`; `items` and `skipped` keep the order of `files`,
 *   and each item's `fileIndex` is its index in `files`. `notes`: the label file's, then `datasetChecks`.
 *
 * @throws UserFacingError when no image can be used, when all images fall into a single class, when a label
 *   layout is forced without a label file, or when a forced label file cannot label the images.
 */
export function buildDataset(files: readonly IngestFile[], options: BuildOptions = {}): Dataset {
  const listing = readListing(files, options.name);
  const layout = options.layout ?? 'auto';
  if (layout === 'auto') return toDataset(listing, readAuto(listing, options.labels));
  if (layout === 'class-folders' || layout === 'split-folders') return toDataset(listing, readFolders(listing, layout));
  if (options.labels === undefined) {
    throw new UserFacingError(
      `The ${layout === 'csv' ? 'CSV' : 'list'} layout needs a label file: choose the .csv, .tsv or .txt file ` +
        `that names each image and its class.`,
    );
  }
  return toDataset(listing, readLabels(listing, options.labels, layout));
}
