/**
 * The label check of a run: the centre-crop features of every labelled image of every split, as the run
 * cached them, judged by `findLabelIssues`.
 */
import type { DatasetItem, SplitName } from '../../core/types';
import { findLabelIssues } from './labelIssues';
import type { LabelIssuesResult, LabelledRow } from './labelIssues';

/** Above this many images the check is left out of the run (its features would be copied once more). */
export const MAX_LABEL_CHECK_IMAGES = 20_000;

const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];

/** What the check reads of a split's cache (`engine/features`' `CachedSplit`, which the report's types cannot import). */
export interface CachedSplit {
  readonly rows: readonly { readonly item: DatasetItem; readonly view: number }[];
  readonly features: { readonly rowLength: number; row(index: number): Float32Array };
}

/** The centre-crop features of a run's labelled images, for the embedding map (sent to the page with the report). */
export interface RunEmbeddings {
  /** `DatasetItem.path` of each row. */
  readonly files: readonly string[];
  readonly dim: number;
  /** `files.length` rows of `dim` values. */
  readonly values: Float32Array;
}

/**
 * Checks the labels of the images in `caches` (their centre crops) against each other; returns the check and
 * the features it judged (null above `MAX_LABEL_CHECK_IMAGES`).
 */
export function checkCachedLabels(
  caches: ReadonlyMap<SplitName, CachedSplit>,
  classes: readonly string[],
  seed: number,
): { readonly labels: LabelIssuesResult; readonly embeddings: RunEmbeddings | null } {
  const picked: { cache: CachedSplit; index: number }[] = [];
  for (const split of SPLITS) {
    const cache = caches.get(split);
    cache?.rows.forEach((row, index) => {
      if (row.view === 0) picked.push({ cache, index });
    });
  }
  const dim = picked[0]?.cache.features.rowLength ?? 0;
  if (picked.length > MAX_LABEL_CHECK_IMAGES) {
    return { labels: findLabelIssues({ rows: [], features: new Float32Array(0), dim, classes, seed, tooMany: picked.length }), embeddings: null };
  }
  const rows: LabelledRow[] = picked.map(({ cache, index }) => {
    const item = (cache.rows[index] as CachedSplit['rows'][number]).item;
    return { file: item.path, split: item.split, classIndex: item.classIndex };
  });
  const features = new Float32Array(rows.length * dim);
  picked.forEach(({ cache, index }, i) => features.set(cache.features.row(index), i * dim));
  return { labels: findLabelIssues({ rows, features, dim, classes, seed }), embeddings: { files: rows.map((r) => r.file), dim, values: features } };
}
