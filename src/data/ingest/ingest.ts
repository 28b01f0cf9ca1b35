/**
 * Turns a list of file paths (a chosen or dropped folder) into a labelled `Dataset`: finds the layout (class
 * folders, split folders, a CSV or a list of labels), the classes and the splits, says why every unused file
 * was skipped and notes what deserves attention. Pure: no file is read here (label files come as text).
 */
import { UserFacingError } from '../../core/errors';
import type { Dataset, DatasetItem, DatasetLayout, DatasetNote, SkippedFile } from '../../core/types';
import { caseCanonical, caseVariantGroups } from './caseVariants';
import { datasetChecks } from '../inspect/checks';
import { readAuto, type AutoReading } from './choose';
import { isSystemName } from './folders';
import { labelFileName, type LabelFileInput, type LabelFileKind } from './labels';
import { isFolderEntry, pathSegments } from './names';
import { alternativesOf, readingNotes, readingOf } from './readingChecks';
import { labelKindOf, readFolders, readLabels, readListing, samePath, unlabelledFolders, type IngestFile, type Listing, type Reading } from './readings';
import { extensionOf, IMAGE_EXTENSIONS } from './skip';
import { planFolders } from './structure';

export type { LabelFileInput, LabelFileKind } from './labels';
export type { IngestFile } from './readings';
export { IMAGE_EXTENSIONS, imageSkipReason } from './skip';
export { splitFromFolderName, splitWordOf } from './splitWords';

/** How `buildDataset` reads a listing. */
export interface BuildOptions {
  /** The dataset's name; defaults to the folder every path starts with, else `''`. */
  readonly name?: string;
  /** The layout to use; `auto` (the default) reads the folders' structure and weighs every label file. */
  readonly layout?: DatasetLayout | 'auto';
  /**
   * The label file the user chose (read by the caller, see `findLabelFiles`): used by a forced `csv`/`list`
   * layout, and preferred over the other label files in `auto` when it labels the images.
   */
  readonly labels?: LabelFileInput;
  /** Every label file of the listing the caller read, for `auto` to weigh (see `readAuto`). */
  readonly labelFiles?: readonly LabelFileInput[];
  /** Merge classes whose names differ only by case (`Cat`, `cat`) into the first in sort order. */
  readonly mergeCaseVariants?: boolean;
}

/** Lower-case extensions of label files, and how each is read. */
const LABEL_FILE_KINDS: Readonly<Record<string, LabelFileKind>> = { csv: 'csv', tsv: 'csv', txt: 'list' };

/** Compares class names the way a person sorts them (`class2` before `class10`), the same on every machine. */
export function compareClassNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The files that may be label files, in listing order: `.csv`/`.tsv` (kind `csv`) and `.txt` (kind `list`)
 * at any depth, system files excluded. The caller reads their text and passes them as `BuildOptions.labelFiles`.
 */
export function findLabelFiles(files: readonly IngestFile[]): { path: string; kind: LabelFileKind }[] {
  return files.flatMap((file) => {
    const segments = pathSegments(file.path);
    const extension = extensionOf(segments);
    const kind = Object.hasOwn(LABEL_FILE_KINDS, extension) ? LABEL_FILE_KINDS[extension] : undefined;
    return kind === undefined || segments.some(isSystemName) ? [] : [{ path: file.path, kind }];
  });
}

/**
 * At most this many label files are weighed (each is matched against every image): a folder with a `.txt`
 * per image (YOLO annotations) has thousands, and the labelling is among the shallowest.
 */
export const MAX_WEIGHED_LABEL_FILES = 16;

/**
 * The label files to weigh: the chosen one first, then the others, shallowest first and CSVs before lists
 * at the same depth, each path once, at most `MAX_WEIGHED_LABEL_FILES`.
 */
function labelInputs(options: BuildOptions): LabelFileInput[] {
  const depth = (input: LabelFileInput) => pathSegments(input.path).length * 2 + (labelKindOf(input.path) === 'list' ? 1 : 0);
  const others = [...(options.labelFiles ?? [])].sort((a, b) => depth(a) - depth(b));
  const inputs = options.labels === undefined ? [] : [options.labels];
  for (const input of others) {
    if (inputs.length >= MAX_WEIGHED_LABEL_FILES) break;
    if (!inputs.some((other) => samePath(other.path, input.path))) inputs.push(input);
  }
  return inputs;
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
  if (classes.length === 0 && reading.unlabelled.length > 0) {
    const folders = unlabelledFolders(reading);
    return (
      `The ${reading.unlabelled.length} images in ${where} lie loose in ${folders.map((f) => `"${f}/"`).join(', ')} ` +
      `with no class folders, so nothing labels them: put each class in its own sub-folder (e.g. ` +
      `${folders[0] ?? 'train'}/cats/), or add a CSV or list file that names each image and its class.${extra}`
    );
  }
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

/** The dataset of a reading: classes, items, how the files were read, then the reading's notes and checks. */
function toDataset(listing: Listing, reading: Reading, auto: AutoReading, mergeCase = false): Dataset {
  const names = [...new Set(reading.placed.map((p) => p.className))].sort(compareClassNames);
  const merged = mergeCase ? caseVariantGroups(names) : [];
  const canonical = mergeCase ? caseCanonical(names) : new Map(names.map((n) => [n, n]));
  const classes = [...new Set(canonical.values())];
  if (classes.length < 2) throw new UserFacingError(tooFewClassesMessage(listing, reading, classes));
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const items = reading.placed.map(
    (p): DatasetItem => ({
      fileIndex: p.fileIndex,
      path: (listing.relative[p.fileIndex] ?? []).join('/'),
      classIndex: classIndex.get(canonical.get(p.className) ?? p.className) ?? -1,
      split: p.split,
    }),
  );
  const { layout, labelSource, unlabelled } = reading;
  // Listed folders are no files: they count only for the checks (an empty class folder gets a note).
  const skipped = reading.skipped.filter((s) => !isFolderEntry(s.file));
  const alternatives = alternativesOf(auto, reading, labelSource?.file);
  const dataset: Dataset = {
    name: listing.name,
    layout,
    classes,
    items,
    skipped,
    ...(labelSource && { labelSource }),
    reading: readingOf(reading, listing, alternatives),
    ...(unlabelled.length > 0 && { unlabelled }),
  };
  const checks = datasetChecks({ ...dataset, skipped: reading.skipped }, { root: listing.root, plan: reading.plan });
  return { ...dataset, notes: [...readingNotes(reading, auto.images), ...reading.notes, ...mergedNote(merged), ...checks] };
}

/** `classes-merged-by-case`: the classes that were merged because their names differ only by case. */
function mergedNote(groups: readonly (readonly string[])[]): DatasetNote[] {
  if (groups.length === 0) return [];
  const detail = groups.map((g) => g.map((n) => `"${n}"`).join(' + ')).join(', ');
  const message = `Classes whose names differ only by case were merged, as you asked: ${detail} (each named after the first).`;
  return [{ level: 'info', code: 'classes-merged-by-case', message, files: groups.flat() }];
}

/**
 * Builds a dataset from a folder listing.
 *
 * - When every path starts with the same folder (the chosen folder, e.g. `hymenoptera/train/ants/1.jpg`),
 *   that segment is stripped and becomes the dataset name (unless `options.name` is given, which wins). With
 *   no shared folder and no name, the name is `''`.
 * - Layout `auto` (the default): the folders are planned from their structure (`planFolders`): a wrapping
 *   folder is looked through; top folders named like splits (`train`, `training_set`, `seg_test`, any case),
 *   or 2-3 top folders holding the same class folders, are split folders, the folder below each being the
 *   class; class folders holding only split folders (`cats/train/`) take their split from those; else each
 *   top folder is a class (deeper folders belong to it) and every item is in `train`. Then `readAuto` weighs
 *   every label file given (`labels` and `labelFiles`): the best one wins when the folders give fewer than two
 *   classes, when their classes are named like splits, or when it labels as many images and disagrees.
 *   Otherwise each label file in the listing gets an info note saying it was not used and how to use it.
 *   `options.layout` forces a layout. `reading` says what was looked through, the split folders, and the
 *   other readings that fit; reading warnings (`readingWarnings`) come first in `notes`.
 * - Label layouts: see `labelImages`; the label file is then neither an item nor skipped. Images keep the
 *   split of their split folder, else `train`. `labelSource` says which columns were used. Images no row
 *   names are `unlabelled` (kept aside, not skipped), as are images loose in split folders with no classes.
 * - Skipped, with a reason: system files and dotfiles, HEIC/HEIF/TIFF (browsers cannot decode them), other
 *   non-images, empty files, images with no class folder and, in a split layout, files beside the split
 *   folders; in a label layout, images named with no usable label.
 * - `classes` are unique and sorted with `compareClassNames`; `items` and `skipped` keep the order of `files`,
 *   and each item's `fileIndex` is its index in `files`. `notes`: the reading's (`readingNotes`), the label
 *   files', then `datasetChecks`.
 *
 * @throws UserFacingError when no image can be used, when all images fall into a single class, when a label
 *   layout is forced without a label file, or when a forced label file cannot label the images.
 */
export function buildDataset(files: readonly IngestFile[], options: BuildOptions = {}): Dataset {
  const listing = readListing(files, options.name);
  const layout = options.layout ?? 'auto';
  const found = findLabelFiles(files).map((f) => f.path);
  const auto = readAuto(listing, labelInputs(options), found, options.labels?.path);
  const merge = options.mergeCaseVariants === true;
  if (layout === 'auto') return toDataset(listing, auto.reading, auto, merge);
  if (layout === 'class-folders' || layout === 'split-folders') {
    return toDataset(listing, readFolders(listing, planFolders(auto.images, layout)), auto, merge);
  }
  if (options.labels === undefined) {
    throw new UserFacingError(
      `The ${layout === 'csv' ? 'CSV' : 'list'} layout needs a label file: choose the .csv, .tsv or .txt file ` +
        `that names each image and its class.`,
    );
  }
  return toDataset(listing, readLabels(listing, options.labels, layout, auto.folders.plan), auto, merge);
}
