/**
 * The readings of one folder listing that `buildDataset` chooses between: by class or split folders, or by a
 * label file. A reading places images in classes and says why every other file was skipped; the class count
 * checks and the notes on the result come after, in `ingest.ts`. Pure.
 */
import type { DatasetLayout, DatasetNote, LabelSourceInfo, SkippedFile, SplitName, UnlabelledImage } from '../../core/types';
import { placeInFolders, splitOfPath, type FolderPlan } from './folders';
import { labelImages, type LabelFileInput, type LabelFileKind } from './labels';
import { pathSegments } from './names';
import { extensionOf, imageSkipReason } from './skip';

/** One file as the browser lists it: `path` is `/`-separated (`webkitRelativePath` or a drop path). */
export interface IngestFile {
  readonly path: string;
  /** Size in bytes. */
  readonly size: number;
}

/** A listing with the folder every path starts with (if any) stripped. */
export interface Listing {
  readonly files: readonly IngestFile[];
  /** Segments of each file below the root, by file index. */
  readonly relative: readonly (readonly string[])[];
  readonly root: string | undefined;
  /** The dataset name: the caller's, else the root, else `''`. */
  readonly name: string;
}

/** An image placed in a class. */
export interface PlacedImage {
  readonly fileIndex: number;
  readonly className: string;
  readonly split: SplitName;
}

/** One layout's reading of a listing. `placed` and `skipped` are in file order. */
export interface Reading {
  readonly layout: DatasetLayout;
  readonly placed: readonly PlacedImage[];
  readonly skipped: readonly SkippedFile[];
  readonly notes: readonly DatasetNote[];
  /** Images no label names (loose in a split folder, or in no row of the label file), in file order. */
  readonly unlabelled: readonly UnlabelledImage[];
  /** The folder plan the reading used (its base also places the images of a label layout). */
  readonly plan: FolderPlan;
  readonly labelSource?: LabelSourceInfo;
  /** Why a label file could not label the images: added to the error when the folders fail too. */
  readonly labelProblem?: string;
}

/** Strips the folder every path starts with (when every path has one) and names the dataset after it. */
export function readListing(files: readonly IngestFile[], name: string | undefined): Listing {
  const all = files.map((f) => pathSegments(f.path));
  const first = all[0]?.[0];
  const root = first !== undefined && all.every((s) => s.length >= 2 && s[0] === first) ? first : undefined;
  const relative = root === undefined ? all : all.map((s) => s.slice(1));
  return { files, relative, root, name: name ?? root ?? '' };
}

/** True when two paths name the same file (`./a/b.csv` and `a/b.csv`). */
export function samePath(a: string, b: string): boolean {
  return pathSegments(a).join('/') === pathSegments(b).join('/');
}

/** The label file kind its extension suggests: `.txt` is a list, anything else a CSV (or TSV). */
export function labelKindOf(path: string): LabelFileKind {
  return extensionOf(pathSegments(path)) === 'txt' ? 'list' : 'csv';
}

/** The number of distinct classes a reading found. */
export function classCount(reading: Reading): number {
  return new Set(reading.placed.map((p) => p.className)).size;
}

/** The folders the unlabelled images of a reading lie in (`testimages`, `seg_pred/seg_pred`), first seen first. */
export function unlabelledFolders(reading: Pick<Reading, 'unlabelled'>): string[] {
  return [...new Set(reading.unlabelled.map((u) => u.path.split('/').slice(0, -1).join('/')))];
}

/** The segments (below the root) of every file that is an image to use, in file order. */
export function imageSegments(listing: Listing): (readonly string[])[] {
  return listing.files.flatMap((file, i) => {
    const segments = listing.relative[i] ?? [];
    return imageSkipReason(segments, file.size) === undefined ? [segments] : [];
  });
}

/** Reads the listing as class folders or split folders, as `plan` says (see `placeInFolders`). */
export function readFolders(listing: Listing, plan: FolderPlan): Reading {
  const placed: PlacedImage[] = [];
  const skipped: SkippedFile[] = [];
  const unlabelled: UnlabelledImage[] = [];
  listing.files.forEach((file, fileIndex) => {
    const segments = listing.relative[fileIndex] ?? [];
    const at = imageSkipReason(segments, file.size) ?? placeInFolders(segments, plan);
    if (at === 'unlabelled') unlabelled.push({ fileIndex, path: segments.join('/') });
    else if (typeof at === 'string') skipped.push({ file: file.path, reason: at });
    else placed.push({ fileIndex, ...at });
  });
  return { layout: plan.layout, placed, skipped, notes: [], unlabelled, plan };
}

/**
 * Reads the listing as labelled by a CSV or list file (see `labelImages`). The label file itself is neither
 * placed nor skipped; images keep the split of their split folder (below the plan's base), else `train`;
 * images no row names are unlabelled, not skipped.
 * @throws UserFacingError from `labelImages` when the file cannot label anything.
 */
export function readLabels(listing: Listing, labels: LabelFileInput, kind: LabelFileKind, plan: FolderPlan): Reading {
  const skippedAt: (SkippedFile & { fileIndex: number })[] = [];
  const images: { fileIndex: number; listed: string; path: string }[] = [];
  listing.files.forEach((file, fileIndex) => {
    if (samePath(file.path, labels.path)) return;
    const segments = listing.relative[fileIndex] ?? [];
    const reason = imageSkipReason(segments, file.size);
    if (reason !== undefined) skippedAt.push({ fileIndex, file: file.path, reason });
    else images.push({ fileIndex, listed: file.path, path: segments.join('/') });
  });
  const outcome = labelImages(labels, kind, images);
  const placed: PlacedImage[] = [];
  const unlabelled: UnlabelledImage[] = [];
  images.forEach((image, i) => {
    const className = outcome.labels.get(i);
    if (className !== undefined) {
      placed.push({ fileIndex: image.fileIndex, className, split: splitOfPath(pathSegments(image.path), plan) });
    } else if (outcome.unnamed.has(i)) {
      unlabelled.push({ fileIndex: image.fileIndex, path: image.path });
    } else {
      const reason = outcome.unlabelled.get(i) ?? 'no label';
      skippedAt.push({ fileIndex: image.fileIndex, file: image.listed, reason });
    }
  });
  const skipped = skippedAt.sort((a, b) => a.fileIndex - b.fileIndex).map(({ file, reason }) => ({ file, reason }));
  return { layout: kind, placed, skipped, notes: outcome.notes, unlabelled, plan, labelSource: outcome.source };
}
