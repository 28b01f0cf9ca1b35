/**
 * Adding captured images (webcam frames) to the dataset as new training images of a class: where the new
 * files go so the dataset's own layout reads them as that class, how class renames survive the re-read, and
 * how the earlier scan is reused so only the new files are checked. Pure: the dataset slice calls these.
 */
import { UserFacingError } from '../core/errors';
import type { Dataset, DatasetItem } from '../core/types';
import { isSystemName } from '../data/ingest';
import { readListing } from '../data/ingest';
import type { PickedFile, ScanFindings } from './ingestFlow';

/** Folder of captured images: inside the class folder (`ants/webcam/`), or the root of a webcam-only dataset. */
export const CAPTURE_FOLDER = 'webcam';

/** Checks a class name typed for captured images; returns it trimmed. */
export function checkCaptureClassName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new UserFacingError('Name the class the frames go to.');
  if (/[/\\]/.test(trimmed) || isSystemName(trimmed)) {
    throw new UserFacingError(`"${trimmed}" cannot be a class folder name: no "/" or "\\", and no leading dot.`);
  }
  return trimmed;
}

/**
 * Segments of the folder holding `item` below the dataset root: any wrapping folder looked through
 * (`dataset/`), then the class folder, with its split folder.
 */
function classFolderOf(item: DatasetItem, dataset: Dataset): string[] {
  const wrapper = dataset.reading?.wrapper?.split('/').length ?? 0;
  return item.path.split('/').slice(0, wrapper + (dataset.layout === 'split-folders' ? 2 : 1));
}

/**
 * The folder (full path as the files list it) that images captured into class `className` go to, so that the
 * dataset's layout reads them as training images of that class:
 * - no dataset yet: `webcam/<class>` (a dataset of class folders once two classes exist); only when every
 *   file given so far is itself a capture;
 * - class folders: `<root>/<class folder>/webcam`, the folder of the class as the files name it (a renamed
 *   class keeps its folder); a new class gets `<root>/<className>/webcam`; a dataset of captures
 *   (root `webcam`) gets `webcam/<class folder>`;
 * - split folders: the same inside the training folder (`<root>/train/<class folder>/webcam`).
 * @throws UserFacingError for a label-file layout (a CSV or list names each image: a new file has no row), a
 *   bad class name, or files that give no dataset and are not captures.
 */
export function captureFolder(sources: readonly PickedFile[], dataset: Dataset | null, className: string): string {
  const name = checkCaptureClassName(className);
  if (dataset === null) {
    if (sources.some((s) => !s.path.startsWith(`${CAPTURE_FOLDER}/`))) {
      throw new UserFacingError('The files given so far make no dataset: choose a dataset (or none) before capturing frames.');
    }
    return `${CAPTURE_FOLDER}/${name}`;
  }
  if (dataset.layout === 'csv' || dataset.layout === 'list') {
    const file = dataset.labelSource?.file ?? 'a label file';
    throw new UserFacingError(`This dataset is labelled by ${file}: captured frames can only join a dataset of class folders.`);
  }
  const root = readListing(sources.map((s) => ({ path: s.path, size: s.file.size })), undefined).root;
  const classIndex = dataset.classes.indexOf(name);
  const ofClass = dataset.items.filter((i) => i.classIndex === classIndex);
  const example = ofClass.find((i) => i.split === 'train') ?? ofClass[0];
  let folder: string[];
  if (dataset.layout === 'class-folders') {
    const wrapper = dataset.reading?.wrapper?.split('/') ?? [];
    folder = example ? classFolderOf(example, dataset) : [...wrapper, name];
  } else {
    const training = dataset.items.find((i) => i.split === 'train');
    const trainFolder = training ? classFolderOf(training, dataset).slice(0, -1) : ['train'];
    folder = [...trainFolder, example ? (classFolderOf(example, dataset).at(-1) ?? name) : name];
  }
  // A dataset made of captures already has `webcam/` as its root: no second `webcam/` inside its classes.
  const tail = root === CAPTURE_FOLDER ? [] : [CAPTURE_FOLDER];
  return [...(root === undefined ? [] : [root]), ...folder, ...tail].join('/');
}

/** `count` new file paths `<folder>/capture-<n>.jpg`, numbered after the captures already in `sources`. */
export function capturePaths(sources: readonly PickedFile[], folder: string, count: number): string[] {
  const taken = new Set(sources.map((s) => s.path));
  const paths: string[] = [];
  for (let n = 1; paths.length < count; n++) {
    const path = `${folder}/capture-${n}.jpg`;
    if (!taken.has(path)) paths.push(path);
  }
  return paths;
}

/** The user's class renames: the name the files gave (as listed) to the name shown now, by class index. */
export function classRenames(listed: readonly string[], current: readonly string[]): Map<string, string> {
  const renames = new Map<string, string>();
  listed.forEach((name, i) => {
    const now = current[i];
    if (now !== undefined && now !== name) renames.set(name, now);
  });
  return renames;
}

/** `dataset` with its classes renamed as `renames` says; a rename that would give two classes one name is left out. */
export function withRenames(dataset: Dataset, renames: ReadonlyMap<string, string>): Dataset {
  if (renames.size === 0) return dataset;
  const classes = dataset.classes.map((c) => renames.get(c) ?? c);
  const unique = classes.map((c, i) => (classes.indexOf(c) === i ? c : (dataset.classes[i] ?? c)));
  return new Set(unique).size === unique.length ? { ...dataset, classes: unique } : dataset;
}

/** Whether the scan already has an answer for file `fileIndex`. */
export const wasScanned = (scan: ScanFindings, fileIndex: number): boolean => scan.hashes.has(fileIndex) || scan.failed.has(fileIndex);

/** An earlier scan and a scan of files it did not cover, as one. */
export function mergeFindings(earlier: ScanFindings, later: ScanFindings): ScanFindings {
  return {
    failed: new Map([...earlier.failed, ...later.failed]),
    hashes: new Map([...earlier.hashes, ...later.hashes]),
    thumbnails: new Map([...earlier.thumbnails, ...later.thumbnails]),
    looks: new Map([...earlier.looks, ...later.looks]),
  };
}
