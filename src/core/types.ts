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

/**
 * How the folder was organised: one folder per class, split folders (train/val/test) holding class folders,
 * images labelled by a CSV file, or images labelled by a text list of `path label` lines.
 */
export type DatasetLayout = 'class-folders' | 'split-folders' | 'csv' | 'list';

export const DATASET_LAYOUTS: readonly DatasetLayout[] = ['class-folders', 'split-folders', 'csv', 'list'] as const;

/**
 * Something about the dataset the user should know, shown as a message with the files it concerns.
 * `code` is stable (tests and the UI key on it); `message` is a sentence for a person.
 */
export interface DatasetNote {
  readonly level: 'info' | 'warning' | 'error';
  readonly code: DatasetNoteCode;
  readonly message: string;
  /** The files (paths as in `DatasetItem.path`) or classes it concerns; may be empty. */
  readonly files?: readonly string[];
}

export type DatasetNoteCode =
  /** A class folder exists in some splits only. */
  | 'class-missing-in-split'
  /** Largest class over 1.5 times the smallest (per the training split). */
  | 'imbalance'
  /** A class with fewer than a handful of images. */
  | 'few-images'
  /** A folder with no usable image. */
  | 'empty-folder'
  /** CSV/list labels: rows whose file was not found. */
  | 'rows-without-image'
  /** CSV/list labels: images no row names. */
  | 'images-without-row'
  /** CSV/list labels: a name that matches several files, so the row cannot be placed. */
  | 'ambiguous-name'
  /** CSV labels were numbers (`0`/`1`, `1`/`-1`): the classes are named after them and can be renamed. */
  | 'numeric-labels'
  /** Byte-identical images inside one class and split. */
  | 'duplicate-within-class'
  /** The same image under two classes: a label conflict. */
  | 'duplicate-across-classes'
  /** The same image in two splits: a leak that flatters validation/test accuracy. */
  | 'duplicate-across-splits'
  /** Near-identical images (perceptual hash) in two splits. */
  | 'near-duplicate-across-splits'
  /** A label file found beside folder labels and not used. */
  | 'label-file-unused'
  /** A label file that is no labelling: a submission template, or one value for every row. */
  | 'label-file-template'
  /** Reading warning: class names look like split names (`trainimages`, `test_set`). */
  | 'classes-look-like-splits'
  /** Reading warning: the classes hold the same sub-folders (they may be splits holding classes). */
  | 'subfolders-repeat'
  /** Reading warning: a label file that could label the images differently sits unused beside them. */
  | 'label-file-ignored'
  /** Reading warning: one class holds images from two folders that look like splits. */
  | 'class-spans-splits'
  /** Images no label names: kept aside for Classify new images, not trained on. */
  | 'unlabelled-images'
  /** How the folders were read when the structure, not only the names, decided (info). */
  | 'reading-chosen'
  /** Class names that differ only by case (`Cat`, `cat`): probably one class; one click merges them. */
  | 'classes-differ-by-case'
  /** Classes merged because their names differ only by case, as the user asked (info). */
  | 'classes-merged-by-case'
  /** Images smaller than `MIN_IMAGE_SIDE_PX` on a side: too small to learn much from. */
  | 'tiny-images'
  /** Images of almost one flat colour (blank frames, empty scans). */
  | 'blank-images';

/**
 * The note codes that say the folder may have been read wrongly: shown prominently before Train and written
 * to `report.json` as `readingWarnings`.
 */
export const READING_WARNING_CODES: ReadonlySet<DatasetNoteCode> = new Set<DatasetNoteCode>([
  'classes-look-like-splits',
  'subfolders-repeat',
  'label-file-ignored',
  'class-spans-splits',
]);

/** The notes of a dataset that say it may have been read wrongly, in note order. */
export function readingWarnings(dataset: Pick<Dataset, 'notes'>): DatasetNote[] {
  return (dataset.notes ?? []).filter((note) => READING_WARNING_CODES.has(note.code));
}

/** Another way to read the same files, offered as one click: the options that give it, and what it means. */
export interface ReadingAlternative {
  readonly layout: DatasetLayout;
  /** The label file for a `csv` or `list` reading (its path as listed). */
  readonly labelFile?: string;
  /** What the reading means, for a button: "Read the top folders as classes". */
  readonly title: string;
}

/** How the files were read, beyond the layout: what was looked through, what the folders mean, what else fits. */
export interface DatasetReading {
  /** Folders every image lies in that were looked through (`dataset`, `archive/data`), below the chosen one. */
  readonly wrapper?: string;
  /** Split folders and the split each one gave (`training_set` -> train), for split layouts. */
  readonly splitFolders?: Readonly<Record<string, SplitName>>;
  /** Class folders hold split folders (`cats/train/`, `cats/test/`): the split came from those. */
  readonly splitsBelowClasses?: boolean;
  /** Whether names (`train`, `test_set`) or the structure alone (the same sub-folders) decided the splits. */
  readonly splitsBy?: 'names' | 'structure';
  /** The other plausible readings, best first. */
  readonly alternatives: readonly ReadingAlternative[];
}

/** An image the files gave no label (in no row of the label file): kept aside, not trained on. */
export interface UnlabelledImage {
  readonly fileIndex: number;
  /** Path relative to the chosen folder, as in `DatasetItem.path`. */
  readonly path: string;
}

/** How a CSV or list file labelled the images (absent for folder layouts). */
export interface LabelSourceInfo {
  /** Path of the label file as listed (e.g. `faces-gender/meta_data.csv`). */
  readonly file: string;
  /** Header names of the CSV (for a list file: `['path', 'label']`). */
  readonly columns: readonly string[];
  /** The column holding file names, and the one holding labels. */
  readonly fileColumn: string;
  readonly labelColumn: string;
  /** Data rows read. */
  readonly rows: number;
  /** Rows matched to exactly one image. */
  readonly matched: number;
}

/** A labelled dataset: classes (sorted by name), items and what was skipped while reading it. */
export interface Dataset {
  /** The folder's own name, when the files carried one. */
  readonly name: string;
  readonly layout: DatasetLayout;
  readonly classes: readonly string[];
  readonly items: readonly DatasetItem[];
  readonly skipped: readonly SkippedFile[];
  /** What the studio noticed while reading (layout problems, label files); absent means none. */
  readonly notes?: readonly DatasetNote[];
  /** Present for the `csv` and `list` layouts. */
  readonly labelSource?: LabelSourceInfo;
  /** How the files were read and what else would fit; absent in datasets saved before it existed. */
  readonly reading?: DatasetReading;
  /** Images with no label (label layouts): listed for Classify new images, never trained on. */
  readonly unlabelled?: readonly UnlabelledImage[];
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
