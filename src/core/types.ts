/**
 * Shared types of Fine-Tune Studio. No dependencies: every layer (data, engine, state, ui) imports these.
 */

/** The three splits a dataset item can belong to. `test` is only ever set by the user's own layout. */
export type SplitName = 'train' | 'val' | 'test';

export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test'] as const;

/** One labelled image, identified by its path relative to the chosen folder (e.g. `train/ants/1.jpg`). */
export interface DatasetItem {
  /** Index into the caller's list of files; stable for the lifetime of one ingest. */
  readonly fileIndex: number;
  /** Path relative to the dropped folder, `/`-separated. */
  readonly path: string;
  /** Index into `Dataset.classes`. */
  readonly classIndex: number;
  readonly split: SplitName;
}

/** A file that was not used, with a reason a person can act on. */
export interface SkippedFile {
  readonly file: string;
  readonly reason: string;
}

/** How the folder was organised. */
export type DatasetLayout = 'class-folders' | 'split-folders';

/** A labelled dataset: classes (sorted by name), items and what was skipped while reading it. */
export interface Dataset {
  /** The folder's own name, when the files carried one. */
  readonly name: string;
  readonly layout: DatasetLayout;
  readonly classes: readonly string[];
  readonly items: readonly DatasetItem[];
  readonly skipped: readonly SkippedFile[];
}

/** Per split, per class name: how many images. Splits with no images are absent. */
export type SplitCounts = Partial<Record<SplitName, Record<string, number>>>;

/** Counts images per split and class. */
export function countItems(dataset: Pick<Dataset, 'classes' | 'items'>): SplitCounts {
  const counts: SplitCounts = {};
  for (const item of dataset.items) {
    const perClass = (counts[item.split] ??= Object.fromEntries(dataset.classes.map((c) => [c, 0])));
    const name = dataset.classes[item.classIndex];
    if (name !== undefined) perClass[name] = (perClass[name] ?? 0) + 1;
  }
  return counts;
}
