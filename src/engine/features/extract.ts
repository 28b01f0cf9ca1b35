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
import { backboneKey } from './featureMemo';
import type { FeatureMemo } from './featureMemo';
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
  /**
   * Features of earlier runs (`featureMemo.ts`): an image whose every view is there is neither decoded nor
   * embedded, and the rows this run computes are put there. Not used when activations are cached (stage 2).
   */
  readonly featureMemo?: FeatureMemo;
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
  /** Rows taken from `ExtractDeps.featureMemo` instead of computed. */
  memoRows?: number;
}

type Decoded = { row: CachedRow; pixels: Uint8Array } | { row: CachedRow; features: Float32Array } | { row: CachedRow; error: string };
type Usable = Exclude<Decoded, { error: string }>;

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
  const params = rowParams(options);
  const readRow = rowReader(options, deps, sizePx, params);
  const memo = split || !deps.featureMemo ? undefined : ofBackbone(deps.featureMemo, backbone);
  const remembered = memo ? rememberedRows(rows, memo, sizePx, params) : new Map<CachedRow, Float32Array>();
  const remember = memo && ((row: CachedRow, features: Float32Array): void => putRow(memo, row, sizePx, params, features));
  const timing = options.timing ?? { computeMs: 0, waitMs: 0 };
  timing.memoRows = (timing.memoRows ?? 0) + remembered.size;
  const readBatch = (batch: CachedRow[]): Promise<Decoded[]> =>
    Promise.all(
      batch.map((row) => {
        const features = remembered.get(row);
        if (features) return Promise.resolve<Decoded>({ row, features });
        return readRow(row).then(
          (pixels): Decoded => ({ row, pixels }),
          (error: unknown): Decoded => ({ row, error: errorMessage(error) }),
        );
      }),
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
    if (ok.length > 0) storeBatch(ok, backbone, split, sizePx, cacheOf, remember);
    timing.computeMs += performance.now() - computeStartMs;
    done += decoded.length;
    deps.onEvent({ type: 'progress', stage: 'embed', done, total: rows.length });
    // Let the worker take a `stop` or `pause` message between batches.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  // An image whose later view failed after an earlier one was stored: drop its rows everywhere.
  return failed.size === 0 ? caches : dropFailed(caches, failed);
}

/** The view each row draws: a training image's augmentation, a held-out image's test-time view, or null (the centre crop). */
function rowParams(options: ExtractOptions): (row: CachedRow) => AugmentParams | null {
  return (row) =>
    row.item.split !== 'train' && row.view > 0 ? (options.ttaViews?.[row.view - 1] ?? null) : viewParams(row.item, row.view, options.augment, options.seed);
}

/** The rows whose features `memo` holds, for images whose every view is there (an image is read whole or not at all). */
function rememberedRows(rows: readonly CachedRow[], memo: FeatureMemo, sizePx: number, params: (row: CachedRow) => AugmentParams | null): Map<CachedRow, Float32Array> {
  const byImage = new Map<number, { row: CachedRow; features: Float32Array | undefined }[]>();
  for (const row of rows) {
    const key = memo.key(row.item, sizePx, params(row));
    const list = byImage.get(row.item.fileIndex) ?? [];
    list.push({ row, features: key === null ? undefined : memo.get(key) });
    byImage.set(row.item.fileIndex, list);
  }
  const out = new Map<CachedRow, Float32Array>();
  for (const list of byImage.values()) {
    if (list.every((r) => r.features)) for (const r of list) out.set(r.row, r.features as Float32Array);
  }
  return out;
}

/** `memo` with its keys prefixed by the backbone's id and source: two copies of an entry may differ. */
function ofBackbone(memo: FeatureMemo, backbone: Backbone): FeatureMemo {
  return {
    key: (item, sizePx, params) => {
      const key = memo.key(item, sizePx, params);
      return key === null ? null : backboneKey(backbone.entry.id, backbone.sourceUrl, key);
    },
    get: (key) => memo.get(key),
    put: (key, features) => memo.put(key, features),
  };
}

function putRow(memo: FeatureMemo, row: CachedRow, sizePx: number, params: (row: CachedRow) => AugmentParams | null, features: Float32Array): void {
  const key = memo.key(row.item, sizePx, params(row));
  if (key !== null) memo.put(key, features);
}

/**
 * Reads one row's pixels. With `deps.readViews`, the first row of an image asks for all of that image's
 * views at once and the others take theirs from the same answer (a batch may end between two views of an
 * image: the answer waits for the next batch, then is let go); else each row is read alone.
 */
function rowReader(
  options: ExtractOptions, deps: ExtractDeps, sizePx: number, params: (row: CachedRow) => AugmentParams | null,
): (row: CachedRow) => Promise<Uint8Array> {
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
): Usable[] {
  const ok: Usable[] = [];
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

/**
 * Runs one batch's decoded rows through the backbone (rows from the memo are taken as they are), hands each
 * computed feature row to `remember`, and appends the batch's rows to their splits' caches in batch order.
 */
function storeBatch(
  ok: Usable[],
  backbone: Backbone,
  split: BackboneSplit | null,
  sizePx: number,
  cacheOf: (name: SplitName) => SplitCache,
  remember?: (row: CachedRow, features: Float32Array) => void,
): void {
  const pixelCount = sizePx * sizePx * 3;
  const featureSize = backbone.featureSize;
  const toCompute = ok.flatMap((d, i) => ('pixels' in d ? [i] : []));
  let computed = new Float32Array(0) as Float32Array;
  let activations = null as Float32Array | null;
  if (toCompute.length > 0) {
    const buffer = new Int32Array(toCompute.length * pixelCount);
    toCompute.forEach((i, j) => buffer.set((ok[i] as { pixels: Uint8Array }).pixels, j * pixelCount));
    tf.tidy(() => {
      const x = tf.tensor4d(buffer, [toCompute.length, sizePx, sizePx, 3], 'int32');
      if (!split) {
        computed = backbone.embed(x).dataSync() as Float32Array;
        return;
      }
      const out = split.embedWithActivations(x);
      computed = out.features.dataSync() as Float32Array;
      activations = out.activations.dataSync() as Float32Array;
    });
  }
  let features = computed;
  if (toCompute.length < ok.length) {
    // Some rows came from the memo: lay every row's features out in batch order.
    features = new Float32Array(ok.length * featureSize);
    let next = 0;
    ok.forEach((d, i) => features.set('features' in d ? d.features : computed.subarray(next * featureSize, ++next * featureSize), i * featureSize));
  }
  if (remember) toCompute.forEach((i) => remember((ok[i] as Usable).row, features.slice(i * featureSize, (i + 1) * featureSize)));
  // Rows of one batch may belong to several splits: append split by split, keeping order.
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
