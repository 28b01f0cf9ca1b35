/**
 * Runs every image once through the frozen backbone and caches what training needs: the features (stage 1,
 * the head) and, when stage 2 will fine-tune the top blocks, the activations at the cut point, so the frozen
 * prefix is never computed twice. Training images get `views` augmented views besides the centre crop;
 * held-out images only the centre crop.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, errorMessage } from '../../core/errors';
import { createRng } from '../../core/rng';
import type { Dataset, DatasetItem, SkippedFile, SplitName } from '../../core/types';
import { sampleAugmentParams, viewSeed } from '../../data/images';
import type { AugmentParams, AugmentSettings } from '../../data/images';
import type { Backbone, BackboneSplit } from '../backbones/backbones';
import type { TrainEvent } from '../training/events';
import { RowStore } from './rowStore';

/** One cached row: an image and which of its views (0 = the centre crop, 1.. = augmented views). */
export interface CachedRow {
  readonly item: DatasetItem;
  readonly view: number;
}

/** The cache of one split: rows in dataset order (an image's views together), features, activations. */
export interface SplitCache {
  readonly rows: CachedRow[];
  /** One `featureSize` row per cached row. */
  readonly features: RowStore;
  /** One activation row per cached row, when a split backbone was given; else null. */
  readonly activations: RowStore | null;
  /**
   * A held-out split's test-time views (`ExtractOptions.ttaViews`), kept apart from `rows` so that everything
   * else sees one row per held-out image: rows `view` 1.. of each image, in the same image order.
   */
  readonly tta?: CachedRows;
}

/** Rows with their features (and activations): a split's cache without its test-time views. */
export type CachedRows = Omit<SplitCache, 'tta'>;

/** What `extractAll` needs from its host. */
export interface ExtractDeps {
  /** Decodes one image to `sizePx * sizePx * 3` RGB bytes, augmented by `params` (null: the plain centre crop). */
  readImage(item: DatasetItem, sizePx: number, params: AugmentParams | null): Promise<Uint8Array>;
  /**
   * Decodes one image once and draws every view in `params` from it (null: the plain centre crop), one RGB
   * buffer per view. Used instead of `readImage` when given: no photo is then decoded twice in a run.
   */
  readViews?(item: DatasetItem, sizePx: number, params: readonly (AugmentParams | null)[]): Promise<Uint8Array[]>;
  onEvent(event: TrainEvent): void;
  readonly signal?: AbortSignal;
  /** Awaited between batches (pause). */
  waitWhilePaused?(): Promise<void>;
}

export interface ExtractOptions {
  readonly backbone: Backbone;
  /** When set, activations at its cut are cached too. */
  readonly split: BackboneSplit | null;
  readonly dataset: Dataset;
  /** Augmented views per training image besides the centre crop (>= 0). */
  readonly views: number;
  /** Test-time views of each held-out image besides its centre crop (`tta.ts`); none when absent. */
  readonly ttaViews?: readonly AugmentParams[];
  readonly augment: AugmentSettings;
  readonly seed: number;
  readonly batchSize: number;
  /** Files that could not be decoded are added here (and reported as `skipped` events). */
  readonly skipped: SkippedFile[];
  /** When given, the time spent computing and waiting for images is added to it. */
  readonly timing?: ExtractTiming;
}

/** Where the extraction's time went (ms), added up batch by batch by `extractAll`. */
export interface ExtractTiming {
  /** Running the batches through the backbone and reading the results back. */
  computeMs: number;
  /** Waiting for a batch's images to be decoded. */
  waitMs: number;
}

type Decoded = { row: CachedRow; pixels: Uint8Array } | { row: CachedRow; error: string };

/** The augmentation of `view` of `item`: null for view 0, else drawn from the run's seed, image and view. */
export function viewParams(item: DatasetItem, view: number, augment: AugmentSettings, seed: number): AugmentParams | null {
  return view === 0 ? null : sampleAugmentParams(augment, createRng(viewSeed(seed, item.fileIndex, view)));
}

/** Views of `item` the extraction draws: the centre crop, and the augmented (train) or test-time (held-out) views. */
function viewCount(item: DatasetItem, options: ExtractOptions): number {
  return 1 + (item.split === 'train' ? options.views : (options.ttaViews?.length ?? 0));
}

/**
 * Embeds every row, reading the next batch while the current one runs through the network. An image whose
 * file cannot be decoded is skipped with all its views. Emits `progress` (stage `embed`, rows done of all
 * rows) and `skipped` events. Throws `CancelledError` when `signal` aborts. Leaves no tensors behind.
 */
export async function extractAll(options: ExtractOptions, deps: ExtractDeps): Promise<Map<SplitName, SplitCache>> {
  const { backbone, split, dataset, batchSize } = options;
  const rows: CachedRow[] = dataset.items.flatMap((item) =>
    Array.from({ length: viewCount(item, options) }, (_, view) => ({ item, view })),
  );
  const batches: CachedRow[][] = [];
  for (let i = 0; i < rows.length; i += batchSize) batches.push(rows.slice(i, i + batchSize));
  const sizePx = backbone.entry.inputSizePx;
  const readRow = rowReader(options, deps, sizePx);
  const readBatch = (batch: CachedRow[]): Promise<Decoded[]> =>
    Promise.all(
      batch.map((row) =>
        readRow(row).then(
          (pixels): Decoded => ({ row, pixels }),
          (error: unknown): Decoded => ({ row, error: errorMessage(error) }),
        ),
      ),
    );

  const caches = new Map<SplitName, SplitCache>();
  const activationLength = split ? split.activationShape.reduce((a: number, b: number) => a * b, 1) : 0;
  const store = (): CachedRows => ({ rows: [], features: new RowStore(backbone.featureSize), activations: split ? new RowStore(activationLength) : null });
  const hasTta = (options.ttaViews?.length ?? 0) > 0;
  const cacheOf = (name: SplitName): SplitCache => {
    let cache = caches.get(name);
    if (!cache) {
      cache = { ...store(), ...(name !== 'train' && hasTta && { tta: store() }) };
      caches.set(name, cache);
    }
    return cache;
  };
  const failed = new Set<number>();
  let done = 0;
  deps.onEvent({ type: 'progress', stage: 'embed', done, total: rows.length });
  let pending = batches[0] ? readBatch(batches[0]) : Promise.resolve([]);
  const timing = options.timing ?? { computeMs: 0, waitMs: 0 };
  for (let b = 0; b < batches.length; b++) {
    const waitStartMs = performance.now();
    const decoded = await pending;
    timing.waitMs += performance.now() - waitStartMs;
    await deps.waitWhilePaused?.();
    if (deps.signal?.aborted) throw new CancelledError();
    const next = batches[b + 1];
    if (next) pending = readBatch(next);
    const ok = keepDecoded(decoded, failed, options.skipped, deps);
    const computeStartMs = performance.now();
    if (ok.length > 0) storeBatch(ok, backbone, split, sizePx, cacheOf);
    timing.computeMs += performance.now() - computeStartMs;
    done += decoded.length;
    deps.onEvent({ type: 'progress', stage: 'embed', done, total: rows.length });
    // Let the worker take a `stop` or `pause` message between batches.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  // An image whose later view failed after an earlier one was stored: drop its rows everywhere.
  return failed.size === 0 ? caches : dropFailed(caches, failed);
}

/**
 * Reads one row's pixels. With `deps.readViews`, the first row of an image asks for all of that image's
 * views at once and the others take theirs from the same answer (a batch may end between two views of an
 * image: the answer waits for the next batch, then is let go); else each row is read alone.
 */
function rowReader(options: ExtractOptions, deps: ExtractDeps, sizePx: number): (row: CachedRow) => Promise<Uint8Array> {
  const params = (row: CachedRow): AugmentParams | null =>
    row.item.split !== 'train' && row.view > 0
      ? (options.ttaViews?.[row.view - 1] ?? null)
      : viewParams(row.item, row.view, options.augment, options.seed);
  const readViews = deps.readViews?.bind(deps);
  if (!readViews) return (row) => deps.readImage(row.item, sizePx, params(row));
  const open = new Map<number, { views: Promise<Uint8Array[]>; left: number }>();
  return (row) => {
    const { item } = row;
    let entry = open.get(item.fileIndex);
    if (!entry) {
      const count = viewCount(item, options);
      const all = Array.from({ length: count }, (_, view) => params({ item, view }));
      entry = { views: readViews(item, sizePx, all), left: count };
      open.set(item.fileIndex, entry);
    }
    entry.left -= 1;
    if (entry.left === 0) open.delete(item.fileIndex);
    return entry.views.then((views) => {
      const pixels = views[row.view];
      if (!pixels) throw new Error(`view ${row.view} of ${item.path} was not drawn`);
      return pixels;
    });
  };
}

/** The decoded rows whose image has not failed; records (once per image) the ones that did. */
function keepDecoded(
  decoded: Decoded[],
  failed: Set<number>,
  skipped: SkippedFile[],
  deps: ExtractDeps,
): { row: CachedRow; pixels: Uint8Array }[] {
  const ok: { row: CachedRow; pixels: Uint8Array }[] = [];
  for (const d of decoded) {
    const fileIndex = d.row.item.fileIndex;
    if ('error' in d) {
      if (!failed.has(fileIndex)) {
        failed.add(fileIndex);
        skipped.push({ file: d.row.item.path, reason: d.error });
        deps.onEvent({ type: 'skipped', file: d.row.item.path, reason: d.error });
      }
    } else if (!failed.has(fileIndex)) {
      ok.push(d);
    }
  }
  return ok;
}

/** Runs one batch through the backbone and appends its rows to their splits' caches. */
function storeBatch(
  ok: { row: CachedRow; pixels: Uint8Array }[],
  backbone: Backbone,
  split: BackboneSplit | null,
  sizePx: number,
  cacheOf: (name: SplitName) => SplitCache,
): void {
  const pixelCount = sizePx * sizePx * 3;
  const buffer = new Int32Array(ok.length * pixelCount);
  ok.forEach((d, i) => buffer.set(d.pixels, i * pixelCount));
  let features = new Float32Array(0) as Float32Array;
  let activations = null as Float32Array | null;
  tf.tidy(() => {
    const x = tf.tensor4d(buffer, [ok.length, sizePx, sizePx, 3], 'int32');
    if (!split) {
      features = backbone.embed(x).dataSync() as Float32Array;
      return;
    }
    const out = split.embedWithActivations(x);
    features = out.features.dataSync() as Float32Array;
    activations = out.activations.dataSync() as Float32Array;
  });
  // Rows of one batch may belong to several splits: append split by split, keeping order.
  const featureSize = backbone.featureSize;
  const bySplit = new Map<SplitName, number[]>();
  ok.forEach((d, i) => bySplit.set(d.row.item.split, [...(bySplit.get(d.row.item.split) ?? []), i]));
  const append = (cache: CachedRows, indices: number[]): void => {
    if (indices.length === 0) return;
    cache.rows.push(...indices.map((i) => (ok[i] as { row: CachedRow }).row));
    cache.features.push(pick(features, indices, featureSize));
    if (activations && cache.activations) cache.activations.push(pick(activations, indices, cache.activations.rowLength));
  };
  for (const [name, indices] of bySplit) {
    const cache = cacheOf(name);
    // A held-out image's test-time views (view 1..) go to the split's `tta` store.
    const isTta = (i: number): boolean => name !== 'train' && (ok[i] as { row: CachedRow }).row.view > 0;
    append(cache, indices.filter((i) => !isTta(i)));
    if (cache.tta) append(cache.tta, indices.filter(isTta));
  }
}

/** Rows `indices` of a row-major array, copied into a new one. */
function pick(values: Float32Array, indices: number[], rowLength: number): Float32Array {
  if (indices.length * rowLength === values.length) return values;
  const out = new Float32Array(indices.length * rowLength);
  indices.forEach((r, i) => out.set(values.subarray(r * rowLength, (r + 1) * rowLength), i * rowLength));
  return out;
}

/** The caches without the rows of images in `failed`. */
function dropFailed(caches: Map<SplitName, SplitCache>, failed: Set<number>): Map<SplitName, SplitCache> {
  const result = new Map<SplitName, SplitCache>();
  for (const [name, cache] of caches) {
    const kept = withoutFailed(cache, failed);
    result.set(name, cache.tta ? { ...kept, tta: withoutFailed(cache.tta, failed) } : kept);
  }
  return result;
}

/** A store's rows, features and activations without the images in `failed`. */
function withoutFailed(cache: CachedRows, failed: Set<number>): CachedRows {
  const keep = cache.rows.flatMap((row, i) => (failed.has(row.item.fileIndex) ? [] : [i]));
  const features = new RowStore(cache.features.rowLength);
  features.push(cache.features.gather(keep));
  let activations: RowStore | null = null;
  if (cache.activations) {
    activations = new RowStore(cache.activations.rowLength);
    activations.push(cache.activations.gather(keep));
  }
  return { rows: keep.map((i) => cache.rows[i] as CachedRow), features, activations };
}
