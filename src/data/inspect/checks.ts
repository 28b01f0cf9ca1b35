/**
 * What is worth telling the user about a dataset before training: classes missing from a split, imbalance,
 * classes with few images, class folders with no usable image. Pure.
 */
import { countItems, SPLIT_NAMES, type Dataset, type DatasetNote } from '../../core/types';
import { caseVariantGroups } from '../ingest/caseVariants';
import { classFolderOf, type FolderPlan } from '../ingest/folders';
import { isFolderEntry, pathSegments } from '../ingest/names';

/** The largest training class may hold up to this many times the images of the smallest without a note. */
export const IMBALANCE_RATIO = 1.5;

/** Classes with fewer images than this (over all splits) get a `few-images` note. */
export const MIN_IMAGES_PER_CLASS = 5;

/** What `datasetChecks` needs beyond the dataset. */
export interface CheckOptions {
  /** The folder stripped from the listed paths (`hymenoptera`), so skipped files line up with item paths. */
  readonly root?: string;
  /** How the folders were read (`planFolders`): needed to find class folders with no usable image. */
  readonly plan?: FolderPlan;
}

/** `class-missing-in-split`: classes with no image in a split that other classes have images in. */
function missingInSplit(dataset: Dataset): DatasetNote[] {
  const counts = countItems(dataset);
  const present = SPLIT_NAMES.filter((split) => counts[split] !== undefined);
  if (present.length < 2) return [];
  const gaps = dataset.classes
    .map((name) => ({ name, missing: present.filter((split) => (counts[split]?.[name] ?? 0) === 0) }))
    .filter((gap) => gap.missing.length > 0);
  if (gaps.length === 0) return [];
  const detail = gaps.map((gap) => `"${gap.name}" has no ${gap.missing.join('/')} images`).join('; ');
  const message =
    `${gaps.length} class(es) are missing from some splits (${detail}): the model is not trained or checked ` +
    `on them there, so add images to those split folders.`;
  return [{ level: 'warning', code: 'class-missing-in-split', message, files: gaps.map((gap) => gap.name) }];
}

/** `imbalance`: the largest training class holds over `IMBALANCE_RATIO` times the images of the smallest. */
function imbalance(dataset: Dataset): DatasetNote[] {
  const train = Object.entries(countItems(dataset).train ?? {}).filter(([, n]) => n > 0);
  if (train.length < 2) return [];
  train.sort((a, b) => b[1] - a[1]);
  const [largest, count] = train[0] ?? ['', 0];
  const [smallest, fewest] = train[train.length - 1] ?? ['', 0];
  if (count <= IMBALANCE_RATIO * fewest) return [];
  const message =
    `The training images are imbalanced: "${largest}" has ${count} images and "${smallest}" only ${fewest} ` +
    `(${(count / fewest).toFixed(1)} times fewer). Consider class weights in training, or more images of ` +
    `the small classes, so the large classes do not dominate.`;
  return [{ level: 'warning', code: 'imbalance', message, files: [largest, smallest] }];
}

/** `few-images`: classes with fewer than `MIN_IMAGES_PER_CLASS` images over all splits. */
function fewImages(dataset: Dataset): DatasetNote[] {
  const totals = dataset.classes.map(() => 0);
  for (const item of dataset.items) totals[item.classIndex] = (totals[item.classIndex] ?? 0) + 1;
  const few = dataset.classes.map((name, i) => ({ name, n: totals[i] ?? 0 })).filter((c) => c.n < MIN_IMAGES_PER_CLASS);
  if (few.length === 0) return [];
  const message =
    `${few.length} class(es) have fewer than ${MIN_IMAGES_PER_CLASS} images ` +
    `(${few.map((c) => `"${c.name}": ${c.n}`).join(', ')}): too few to learn from or to check reliably.`;
  return [{ level: 'warning', code: 'few-images', message, files: few.map((c) => c.name) }];
}

/** `empty-folder`: a class folder (`cats/`, `train/cats/`) that holds files but no usable image, or nothing. */
function emptyFolders(dataset: Dataset, root: string | undefined, plan: FolderPlan | undefined): DatasetNote[] {
  const layout = dataset.layout;
  if ((layout !== 'class-folders' && layout !== 'split-folders') || plan === undefined) return [];
  const used = new Set(dataset.items.map((item) => classFolderOf(pathSegments(item.path), plan)));
  const unused = new Map<string, { path: string; reason: string }[]>();
  for (const skipped of dataset.skipped) {
    const segments = pathSegments(skipped.file);
    const relative = root !== undefined && segments[0] === root ? segments.slice(1) : segments;
    // A listed folder (see `isFolderEntry`) is placed as if it held a file.
    const folderEntry = isFolderEntry(skipped.file);
    const folder = classFolderOf(folderEntry ? [...relative, '(folder)'] : relative, plan);
    if (folder === undefined || used.has(folder)) continue;
    const entries = unused.get(folder) ?? [];
    if (!folderEntry) entries.push({ path: relative.join('/'), reason: skipped.reason });
    unused.set(folder, entries);
  }
  return [...unused].map(([folder, skipped]) => {
    const first = skipped[0];
    const message = first
      ? `The folder "${folder}/" holds ${skipped.length} file(s) but no usable image, so it gives no class (${first.path}: ${first.reason}).`
      : `The folder "${folder}/" is empty, so it gives no class: add images to it, or remove it.`;
    return { level: 'warning', code: 'empty-folder', message, files: first ? skipped.map((s) => s.path) : [folder] };
  });
}

/** `classes-differ-by-case`: class names that differ only by letter case (`Cat`, `cat`), probably one class. */
function caseVariants(dataset: Dataset): DatasetNote[] {
  const groups = caseVariantGroups(dataset.classes);
  if (groups.length === 0) return [];
  const detail = groups.map((g) => g.map((n) => `"${n}"`).join(' and ')).join('; ');
  const message =
    `${groups.length} set(s) of class names differ only by case (${detail}): they are probably one class, ` +
    `split in two by how the folders or labels were typed. Merge them, or rename one, before training.`;
  return [{ level: 'warning', code: 'classes-differ-by-case', message, files: groups.flat() }];
}

/**
 * The notes a dataset deserves, in this order: `classes-differ-by-case` (warning, the names),
 * `class-missing-in-split` (warning, the classes), `imbalance`
 * (warning, the largest and smallest training class; both counts and class weights in the message),
 * `few-images` (warning, the classes), then one `empty-folder` (warning, the folder's skipped files) per class
 * folder that holds files but no usable image (folder layouts with `options.plan` only). Empty when nothing needs saying.
 */
export function datasetChecks(dataset: Dataset, options: CheckOptions = {}): DatasetNote[] {
  return [
    ...caseVariants(dataset),
    ...missingInSplit(dataset),
    ...imbalance(dataset),
    ...fewImages(dataset),
    ...emptyFolders(dataset, options.root, options.plan),
  ];
}
