/**
 * The dataset half of the studio store: the files the user gave, how they are read (layout, label file,
 * columns), the dataset built from them, the scan (progress, undecodable files, duplicates, thumbnails), and
 * class renames. Long steps (unzipping, scanning) report progress and can be cancelled.
 */
import { CancelledError, UserFacingError, errorMessage } from '../core/errors';
import type { Dataset, DatasetItem, SplitName } from '../core/types';
import type { AugmentParams } from '../data/images';
import { DEFAULT_PHOTO_FIT } from '../data/images';
import type { PhotoFit } from '../data/images';
import type { DuplicateReport } from '../data/inspect';
import { createImagePool } from '../data/images';
import type { ImagePool } from '../data/images';
import { AUTO_INGEST, applyScan, buildFromFiles, expandArchives, readLabelTexts, renameClass, scanDataset } from './ingestFlow';
import type { BuiltDataset, IngestOptions, PickedFile, ScanFindings } from './ingestFlow';
import { mergeLabelEdits } from './labelEdits';
import { captureFolder, capturePaths, classRenames, mergeFindings, wasScanned, withRenames } from './captureFlow';

/** A long ingest step under way. */
export interface IngestTask {
  readonly stage: 'reading' | 'unzipping' | 'scanning';
  readonly done: number;
  readonly total: number;
}

export interface DatasetSlice {
  /** Every file given (archives unpacked), indexed by `DatasetItem.fileIndex`. */
  readonly sources: readonly PickedFile[];
  /** `sources[i].file`, what the training worker reads. */
  readonly files: readonly Blob[];
  /** Texts of the label files found (CSV, lists), by path. */
  readonly labelTexts: ReadonlyMap<string, string>;
  readonly ingestOptions: IngestOptions;
  /** The dataset to train on (after the scan, when it has run). */
  readonly dataset: Dataset | null;
  /** `dataset.items` by `path`, to find a prediction's file: `files[itemsByPath.get(path).fileIndex]`. */
  readonly itemsByPath: ReadonlyMap<string, DatasetItem>;
  readonly ingestMs: number;
  readonly ingestError: string | null;
  readonly ingestTask: IngestTask | null;
  /** What the scan found, once it finished (null before, or when it was cancelled). */
  readonly scan: ScanFindings | null;
  readonly duplicates: DuplicateReport | null;
  /** Leave out extra copies of an image inside its class. */
  readonly dropDuplicates: boolean;
  ingest(files: readonly PickedFile[], name?: string): Promise<void>;
  /** Reads the same files again with other options (layout, label file, columns). */
  setIngestOptions(patch: Partial<IngestOptions>): void;
  setDropDuplicates(drop: boolean): void;
  renameClass(index: number, name: string): void;
  /**
   * Changes labels image by image: path -> class index, null to leave the image out, undefined to undo an
   * earlier choice; the same class index keeps the label and marks it checked. The finished run's results
   * stay (they describe that run); the next run uses the new labels. Ignored while training or reading.
   */
  editLabels(changes: ReadonlyMap<string, number | null | undefined>): void;
  /** Moves the images at `paths` to `split`, as `editLabels` changes labels (kept in the ingest options). */
  moveToSplit(paths: readonly string[], split: SplitName): void;
  /** Cancels unzipping or scanning; the dataset stays as listed, unscanned. */
  cancelIngest(): void;
  /**
   * Adds `images` (JPEG frames) as new training images of class `className` (an existing class, or a new one)
   * and reads the dataset again, keeping class renames and checking only the new files. Resolves with the
   * paths given to the new files. Rejects with a `UserFacingError` (and changes nothing) while training or
   * reading runs, for a dataset labelled by a file, or for a bad class name; see `captureFolder`.
   */
  addCaptures(className: string, images: readonly Blob[]): Promise<string[]>;
  /** Decodes file `fileIndex` as the training worker would, with `params` (null: the centre crop), in the pool. */
  decodeView(fileIndex: number, sizePx: number, params: AugmentParams | null, fit?: PhotoFit): Promise<Uint8Array>;
  /**
   * Puts back a saved dataset (a project reopened, see src/state/projects) as it was, without reading or
   * scanning anything; null empties the slice. Cancels an ingest under way; does nothing while training.
   */
  restore(saved: DatasetSnapshot | null): void;
}

/** What a saved project holds of the dataset slice. */
export interface DatasetSnapshot {
  readonly sources: readonly PickedFile[];
  readonly labelTexts: ReadonlyMap<string, string>;
  readonly ingestOptions: IngestOptions;
  readonly dropDuplicates: boolean;
  readonly dataset: Dataset | null;
  readonly scan: ScanFindings | null;
  readonly duplicates: DuplicateReport | null;
  readonly ingestMs: number;
}

/** What the slice needs from the rest of the store. */
export interface DatasetSliceHost {
  /** Whether a training run is under way (the dataset must not change then). */
  isTraining(): boolean;
  splitSettings(): { valFraction: number; seed: number };
  /** Called when the dataset changed, to clear a finished run's results. */
  onDatasetChanged(): void;
}

type Set = (partial: Partial<DatasetSlice>) => void;
type Get = () => DatasetSlice;

const EMPTY: Pick<DatasetSlice, 'sources' | 'files' | 'labelTexts' | 'dataset' | 'itemsByPath' | 'scan' | 'duplicates'> = {
  sources: [], files: [], labelTexts: new Map(), dataset: null, itemsByPath: new Map(), scan: null, duplicates: null,
};

const asMessage = (error: unknown): string =>
  error instanceof UserFacingError ? error.message : `Could not read the files: ${errorMessage(error)}`;

/** Creates the dataset state and actions; `createPool` is replaceable for tests. */
export function createDatasetSlice(set: Set, get: Get, host: DatasetSliceHost, createPool: () => ImagePool = createImagePool) {
  let pool: ImagePool | null = null;
  let controller: AbortController | null = null;
  let name: string | undefined;
  /** The dataset as listed (before the scan folded in), so toggling duplicates need not read the files again. */
  let listed: BuiltDataset | null = null;

  const withDataset = (dataset: Dataset): Partial<DatasetSlice> => ({
    dataset, itemsByPath: new Map(dataset.items.map((it) => [it.path, it])),
  });

  /**
   * Builds the dataset from the current sources and options, then scans it. `kept` (after captures): class
   * renames to keep, and an earlier scan whose files are not scanned again.
   */
  const rebuild = async (startMs: number, kept?: { scan: ScanFindings | null; renames: ReadonlyMap<string, string> }): Promise<void> => {
    const { sources, labelTexts, ingestOptions } = get();
    listed = buildFromFiles(sources, labelTexts, ingestOptions, host.splitSettings(), name);
    if (kept) listed = { ...listed, dataset: withRenames(listed.dataset, kept.renames) };
    const { dataset: built, studioMadeValidation } = listed;
    set({ ...withDataset(built), scan: null, duplicates: null, ingestError: null, ingestMs: performance.now() - startMs });
    host.onDatasetChanged();
    controller = new AbortController();
    const signal = controller.signal;
    const earlier = kept?.scan ?? null;
    const toScan = earlier ? { ...built, items: built.items.filter((i) => !wasScanned(earlier, i.fileIndex)) } : built;
    set({ ingestTask: { stage: 'scanning', done: 0, total: toScan.items.length } });
    pool ??= createPool();
    try {
      const fresh = await scanDataset(pool, sources, toScan, {
        signal, onProgress: (done, total) => set({ ingestTask: { stage: 'scanning', done, total } }),
      });
      const findings = earlier ? mergeFindings(earlier, fresh) : fresh;
      if (get().dataset !== built) return;
      const scanned = applyScan(built, sources, findings, { dropDuplicates: get().dropDuplicates, studioMadeValidation });
      set({ ...withDataset(scanned.dataset), scan: findings, duplicates: scanned.duplicates, ingestTask: null, ingestMs: performance.now() - startMs });
    } catch (error) {
      if (get().dataset !== built) return;
      if (error instanceof CancelledError || signal.aborted) set({ ingestTask: null });
      else set({ ingestTask: null, ingestError: asMessage(error) });
    }
  };

  /**
   * Lists the files again with `options` (image-by-image edits changed; nothing is read or scanned) and folds
   * the last scan back in, keeping class renames. Ignored while training or reading.
   */
  const relist = (options: IngestOptions): void => {
    const { sources, labelTexts, scan, ingestTask, dataset, dropDuplicates } = get();
    if (host.isTraining() || ingestTask !== null || !dataset || !listed) return;
    const relisted = buildFromFiles(sources, labelTexts, options, host.splitSettings(), name);
    // The classes as the user may have renamed them (same indices).
    const renamed = { ...relisted.dataset, classes: dataset.classes };
    const scanned = scan ? applyScan(renamed, sources, scan, { dropDuplicates, studioMadeValidation: relisted.studioMadeValidation }) : null;
    listed = relisted;
    set({ ingestOptions: options, ...withDataset(scanned?.dataset ?? renamed), ...(scanned && { duplicates: scanned.duplicates }) });
  };

  const slice: DatasetSlice = {
    ...EMPTY,
    ingestOptions: AUTO_INGEST,
    ingestMs: 0,
    ingestError: null,
    ingestTask: null,
    dropDuplicates: false,

    async ingest(picked, datasetName) {
      if (host.isTraining()) return;
      controller?.abort();
      controller = new AbortController();
      const startMs = performance.now();
      name = datasetName;
      set({ ...EMPTY, ingestError: null, ingestOptions: AUTO_INGEST, ingestTask: { stage: 'reading', done: 0, total: picked.length } });
      try {
        const expanded = await expandArchives(picked, {
          signal: controller.signal,
          onProgress: (done, total) => set({ ingestTask: { stage: 'unzipping', done, total } }),
        });
        // Sorted by path (code units): the random validation split follows file order, and folder pickers,
        // drops and archives each list the same files in their own order.
        const sources = expanded.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        const labelTexts = await readLabelTexts(sources);
        set({ sources, files: sources.map((s) => s.file), labelTexts });
        await rebuild(startMs);
      } catch (error) {
        // Files that were read but give no dataset this way stay, so that another way to read them is one click.
        const { sources, files, labelTexts } = get();
        const kept = error instanceof CancelledError ? {} : { sources, files, labelTexts };
        set({ ...EMPTY, ...kept, ingestTask: null, ingestError: error instanceof CancelledError ? 'Cancelled.' : asMessage(error) });
        host.onDatasetChanged();
      }
    },

    setIngestOptions(patch) {
      if (host.isTraining() || get().sources.length === 0) return;
      controller?.abort();
      set({ ingestOptions: { ...get().ingestOptions, ...patch } });
      void rebuild(performance.now()).catch((error: unknown) => {
        set({ dataset: null, itemsByPath: new Map(), ingestTask: null, ingestError: asMessage(error) });
        host.onDatasetChanged();
      });
    },

    setDropDuplicates(drop) {
      set({ dropDuplicates: drop });
      const { scan, sources } = get();
      if (!scan || !listed || host.isTraining()) return;
      // The classes as the user may have renamed them.
      const renamed = { ...listed.dataset, classes: get().dataset?.classes ?? listed.dataset.classes };
      const scanned = applyScan(renamed, sources, scan, { dropDuplicates: drop, studioMadeValidation: listed.studioMadeValidation });
      set({ ...withDataset(scanned.dataset), duplicates: scanned.duplicates });
      host.onDatasetChanged();
    },

    renameClass(index, newName) {
      const { dataset } = get();
      if (!dataset || host.isTraining()) return;
      try {
        set({ ...withDataset(renameClass(dataset, index, newName)), ingestError: null });
        host.onDatasetChanged();
      } catch (error) {
        set({ ingestError: asMessage(error) });
      }
    },

    editLabels(changes) {
      const { ingestOptions } = get();
      if (!listed || changes.size === 0) return;
      relist({ ...ingestOptions, labelEdits: mergeLabelEdits(ingestOptions.labelEdits, changes, listed.dataset.classes) });
    },

    moveToSplit(paths, split) {
      const { ingestOptions } = get();
      if (paths.length === 0) return;
      relist({ ...ingestOptions, splitEdits: { ...ingestOptions.splitEdits, ...Object.fromEntries(paths.map((p) => [p, split])) } });
    },

    async addCaptures(className, images) {
      const { sources, dataset, scan, ingestTask } = get();
      if (host.isTraining()) throw new UserFacingError('Training is running: capture frames when it has finished.');
      if (ingestTask !== null) throw new UserFacingError('The images are being read or checked: capture again when that is done.');
      const paths = capturePaths(sources, captureFolder(sources, dataset, className), images.length);
      if (paths.length === 0) return [];
      const renames = dataset && listed ? classRenames(listed.dataset.classes, dataset.classes) : new Map<string, string>();
      // Appended, not sorted in: the files already given keep their indices, so their scan still applies.
      const all = [...sources, ...images.map((file, i) => ({ file, path: paths[i] ?? '' }))];
      set({ sources: all, files: all.map((s) => s.file), ingestError: null });
      await rebuild(performance.now(), { scan: dataset ? scan : null, renames }).catch((error: unknown) => {
        set({ dataset: null, itemsByPath: new Map(), ingestTask: null, ingestError: asMessage(error) });
        host.onDatasetChanged();
      });
      return paths;
    },

    cancelIngest() {
      controller?.abort();
    },

    decodeView(fileIndex, sizePx, params, fit = DEFAULT_PHOTO_FIT) {
      const file = get().files[fileIndex];
      if (!file) return Promise.reject(new Error('file is no longer available'));
      pool ??= createPool();
      return pool.decode(file, { sizePx, params: params ?? undefined, fit });
    },

    restore(saved) {
      if (host.isTraining()) return;
      controller?.abort();
      listed = null;
      name = saved?.dataset?.name;
      if (!saved) {
        set({ ...EMPTY, ingestOptions: AUTO_INGEST, dropDuplicates: false, ingestMs: 0, ingestError: null, ingestTask: null });
        return;
      }
      const { sources, labelTexts, ingestOptions, dataset } = saved;
      set({
        ...EMPTY, sources, files: sources.map((s) => s.file), labelTexts, ingestOptions, dropDuplicates: saved.dropDuplicates,
        ...(dataset ? withDataset(dataset) : {}), scan: saved.scan, duplicates: saved.duplicates, ingestMs: saved.ingestMs,
        ingestError: null, ingestTask: null,
      });
      // The dataset as listed, for toggling duplicates and for captures (cheap: no file is read).
      try {
        if (sources.length > 0) listed = buildFromFiles(sources, labelTexts, ingestOptions, host.splitSettings(), name);
      } catch {
        listed = null;
      }
      // Saved while its images were being checked (the tab was closed or reloaded): check them again.
      if (dataset && !saved.scan && listed) {
        const renames = classRenames(listed.dataset.classes, dataset.classes);
        void rebuild(performance.now(), { scan: null, renames }).catch((error: unknown) => {
          set({ ingestTask: null, ingestError: asMessage(error) });
        });
      }
    },
  };
  return slice;
}
