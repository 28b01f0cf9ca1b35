/**
 * The steps between "the user gave us files" and "a dataset to train on": unpack `.zip` archives, read the
 * label files (CSV, lists), build the dataset with the chosen layout, then scan every image in the worker
 * pool (decodable? content hash, perceptual hash, thumbnail) and fold what the scan found back in: files that
 * do not decode are skipped with their reason, duplicates are reported (and within-class copies dropped when
 * the user asks). No React here; the store calls these.
 */
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import type { Dataset, DatasetItem, DatasetLayout, DatasetNote, SkippedFile } from '../core/types';
import { dropWithinClassDuplicates, findDuplicates, looksNotes, summariseDuplicates } from '../data/inspect';
import type { DuplicateReport, HashedItem, ImageLooks } from '../data/inspect';
import type { ImagePool } from '../data/images';
import { buildDataset, caseKey, findLabelFiles } from '../data/ingest';
import { assignValidation } from '../data/ingest';
import { readZip } from '../data/ingest';
import { applyLabelEdits, applySplitEdits } from './labelEdits';
import type { LabelEdits, SplitEdits } from './labelEdits';

/** A file the user gave us and the path it had inside the chosen folder (or archive). */
export interface PickedFile {
  readonly file: Blob;
  readonly path: string;
}

/** How the user wants the files read; `auto` finds the layout and the label file by itself. */
export interface IngestOptions {
  readonly layout: 'auto' | DatasetLayout;
  /** Path of the label file to use (CSV or list); null: the first one found. */
  readonly labelFile: string | null;
  readonly fileColumn: string | null;
  readonly labelColumn: string | null;
  /** Merge classes whose names differ only by case (`Cat`, `cat`); absent: keep them apart. */
  readonly mergeCaseVariants?: boolean;
  /** Labels the user changed image by image (see `labelEdits.ts`); absent: none. */
  readonly labelEdits?: LabelEdits;
  /** Images the user moved to another split (see `labelEdits.ts`); absent: none. */
  readonly splitEdits?: SplitEdits;
}

export const AUTO_INGEST: IngestOptions = { layout: 'auto', labelFile: null, fileColumn: null, labelColumn: null };

/** Label files larger than this are not read (a label table of 10,000 rows is well under 1 MB). */
const MAX_LABEL_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Replaces every `.zip` among `picked` by the files inside it (paths as stored in the archive, under the
 * archive's name when several things were given). Reports bytes read of all archives.
 */
export async function expandArchives(
  picked: readonly PickedFile[],
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<PickedFile[]> {
  const archives = picked.filter((p) => p.path.toLowerCase().endsWith('.zip'));
  if (archives.length === 0) return [...picked];
  const total = archives.reduce((n, p) => n + p.file.size, 0);
  let before = 0;
  const out: PickedFile[] = picked.filter((p) => !archives.includes(p));
  for (const archive of archives) {
    const prefix = picked.length > 1 ? `${archive.path.replace(/\.zip$/i, '')}/` : '';
    const entries = await readZip(archive.file, {
      signal: options.signal,
      onProgress: (bytes) => options.onProgress?.(before + bytes, total),
    });
    out.push(...entries.map((e) => ({ file: e.blob, path: prefix + e.path })));
    before += archive.file.size;
  }
  return out;
}

/** The texts of the label files among `files` (CSV, TSV, TXT), by path. */
export async function readLabelTexts(files: readonly PickedFile[]): Promise<Map<string, string>> {
  const candidates = findLabelFiles(files.map((f) => ({ path: f.path, size: f.file.size })));
  const texts = new Map<string, string>();
  for (const { path } of candidates) {
    const file = files.find((f) => f.path === path)?.file;
    if (file && file.size <= MAX_LABEL_FILE_BYTES) texts.set(path, await file.text());
  }
  return texts;
}

/** A dataset built from files, and whether the studio drew its validation split. */
export interface BuiltDataset {
  readonly dataset: Dataset;
  readonly studioMadeValidation: boolean;
}

/** Builds the dataset the options describe, with a validation split when it has none. */
export function buildFromFiles(
  files: readonly PickedFile[],
  texts: ReadonlyMap<string, string>,
  options: IngestOptions,
  split: { valFraction: number; seed: number },
  name?: string,
): BuiltDataset {
  const labelFiles = [...texts].map(([path, text]) => ({ path, text }));
  // A label layout without a chosen file reads the first; `auto` weighs them all, preferring a chosen one.
  const labelled = options.layout === 'csv' || options.layout === 'list';
  const labelPath = options.labelFile ?? (labelled ? (labelFiles[0]?.path ?? null) : null);
  const text = labelPath === null ? undefined : texts.get(labelPath);
  const labels = labelPath !== null && text !== undefined
    ? { path: labelPath, text, fileColumn: options.fileColumn ?? undefined, labelColumn: options.labelColumn ?? undefined }
    : undefined;
  const listing = files.map((f) => ({ path: f.path, size: f.file.size }));
  const raw = buildDataset(listing, { name, layout: options.layout, labels, labelFiles, mergeCaseVariants: options.mergeCaseVariants });
  const assigned = assignValidation(raw, split.valFraction, split.seed);
  // Applied after the split is drawn: a relabelled image stays in its split.
  const edited = applySplitEdits(applyLabelEdits(assigned, options.labelEdits), options.splitEdits);
  return { dataset: edited, studioMadeValidation: assigned !== raw };
}

/** What scanning every image found. */
export interface ScanFindings {
  /** Files that could not be decoded, by file index, with the reason. */
  readonly failed: ReadonlyMap<number, string>;
  /** Hashes of the files that decoded, by file index. */
  readonly hashes: ReadonlyMap<number, { readonly sha256: string; readonly dhash: string }>;
  /** Small JPEG previews, by file index. */
  readonly thumbnails: ReadonlyMap<number, Blob>;
  /** Size and flatness of the files that decoded, by file index (absent in projects saved before it). */
  readonly looks: ReadonlyMap<number, ImageLooks>;
}

/**
 * Scans every item of `dataset` in the pool, `concurrency` at a time, reporting progress at most every
 * `everyMs`. Throws `CancelledError` when `signal` aborts.
 */
export async function scanDataset(
  pool: ImagePool,
  files: readonly PickedFile[],
  dataset: Dataset,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; everyMs?: number } = {},
): Promise<ScanFindings> {
  const failed = new Map<number, string>();
  const hashes = new Map<number, { sha256: string; dhash: string }>();
  const thumbnails = new Map<number, Blob>();
  const looks = new Map<number, ImageLooks>();
  const items = dataset.items;
  let next = 0;
  let done = 0;
  let reportedMs = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (options.signal?.aborted) throw new CancelledError();
      const item = items[next++];
      if (!item) continue;
      const file = files[item.fileIndex]?.file;
      try {
        if (!file) throw new Error('file is no longer available');
        const result = await pool.scan(file, options.signal);
        if (result.ok) {
          hashes.set(item.fileIndex, { sha256: result.sha256, dhash: result.dhash });
          thumbnails.set(item.fileIndex, result.thumbnail);
          looks.set(item.fileIndex, { width: result.width, height: result.height, spread: result.spread });
        } else {
          failed.set(item.fileIndex, result.reason);
        }
      } catch (error) {
        if (options.signal?.aborted) throw new CancelledError();
        failed.set(item.fileIndex, errorMessage(error));
      }
      done++;
      const nowMs = performance.now();
      if (nowMs - reportedMs >= (options.everyMs ?? 100) || done === items.length) {
        reportedMs = nowMs;
        options.onProgress?.(done, items.length);
      }
    }
  };
  // Enough requests in flight to keep every pool worker busy.
  await Promise.all(Array.from({ length: Math.max(2, pool.size * 3) }, worker));
  return { failed, hashes, thumbnails, looks };
}

/** The dataset to train on after a scan, with the duplicate report and notes. */
export interface ScannedDataset {
  readonly dataset: Dataset;
  readonly duplicates: DuplicateReport;
}

/** How `applyScan` treats the dataset. */
export interface ApplyScanOptions {
  /** Leave out the extra copies of an image inside its class (listed as skipped). */
  readonly dropDuplicates: boolean;
  /**
   * The validation split was drawn by the studio (the files had none): identical files are put back in one
   * split (the first copy's), so the studio does not leak training images into its own validation set.
   */
  readonly studioMadeValidation: boolean;
}

/**
 * A near-duplicate verdict needs texture: a difference hash with fewer one-bits than this comes from a flat
 * image (artwork on a plain background, a blank frame), and such hashes are close to each other whatever the
 * picture (pokemon-types gave 10,490 "near" pairs of different creatures before this rule).
 */
const MIN_TEXTURE_BITS = 10;

const ones = (hex: string): number => [...hex].reduce((n, digit) => n + [...parseInt(digit, 16).toString(2)].filter((b) => b === '1').length, 0);

/**
 * Folds the scan into the dataset: undecodable files move to `skipped` (with their path as given, like the
 * other skipped files), duplicate notes and notes on tiny or blank images join the notes, copies are kept in one split when the studio drew the
 * split, and with `dropDuplicates` the extra copies inside a class are left out.
 */
export function applyScan(
  dataset: Dataset,
  files: readonly PickedFile[],
  findings: ScanFindings,
  options: ApplyScanOptions,
): ScannedDataset {
  const skipped: SkippedFile[] = [...dataset.skipped];
  const pathOf = (item: DatasetItem): string => files[item.fileIndex]?.path ?? item.path;
  let decoded = dataset.items.filter((item) => {
    const reason = findings.failed.get(item.fileIndex);
    if (reason !== undefined) skipped.push({ file: pathOf(item), reason });
    return reason === undefined;
  });
  if (options.studioMadeValidation) decoded = keepCopiesTogether(decoded, findings);
  const hashed: HashedItem[] = decoded.flatMap((item) => {
    const hash = findings.hashes.get(item.fileIndex);
    return hash ? [{ path: item.path, classIndex: item.classIndex, split: item.split, ...hash }] : [];
  });
  const found = findDuplicates(hashed, dataset.classes);
  const dhashOf = new Map(hashed.map((h) => [h.path, h.dhash]));
  const textured = (path: string): boolean => ones(dhashOf.get(path) ?? '') >= MIN_TEXTURE_BITS;
  const duplicates: DuplicateReport = {
    ...found, nearAcrossSplits: found.nearAcrossSplits.filter((pair) => textured(pair.a) && textured(pair.b)),
  };
  let items = decoded;
  if (options.dropDuplicates) {
    items = dropWithinClassDuplicates(decoded, duplicates);
    const kept = new Set(items.map((i) => i.path));
    for (const item of decoded) {
      if (!kept.has(item.path)) skipped.push({ file: pathOf(item), reason: 'duplicate of another image of its class (left out as you asked)' });
    }
  }
  if (items.length === 0) throw new UserFacingError('None of the images could be decoded.');
  const notes: DatasetNote[] = [...(dataset.notes ?? []), ...summariseDuplicates(duplicates), ...looksNotes(items, findings.looks)];
  return { dataset: { ...dataset, items, skipped, notes }, duplicates };
}

/** Items with every byte-identical copy of a class moved to the split of its first copy (train or val). */
function keepCopiesTogether(items: DatasetItem[], findings: ScanFindings): DatasetItem[] {
  const firstSplit = new Map<string, DatasetItem['split']>();
  return items.map((item) => {
    const sha = findings.hashes.get(item.fileIndex)?.sha256;
    if (sha === undefined || item.split === 'test') return item;
    const key = `${item.classIndex}:${sha}`;
    const split = firstSplit.get(key);
    if (split === undefined) {
      firstSplit.set(key, item.split);
      return item;
    }
    return split === item.split ? item : { ...item, split };
  });
}

/**
 * The dataset with class `index` renamed; throws a `UserFacingError` for an empty name or one that another
 * class has already, in any letter case.
 */
export function renameClass(dataset: Dataset, index: number, name: string): Dataset {
  const trimmed = name.trim();
  if (!trimmed) throw new UserFacingError('A class name cannot be empty.');
  const taken = dataset.classes.find((c, i) => caseKey(c) === caseKey(trimmed) && i !== index);
  if (taken !== undefined) {
    throw new UserFacingError(`There is already a class named "${taken}".`);
  }
  return { ...dataset, classes: dataset.classes.map((c, i) => (i === index ? trimmed : c)) };
}
