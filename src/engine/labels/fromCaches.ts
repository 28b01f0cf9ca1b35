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

/** Checks the labels of the images in `caches` (their centre crops) against each other. */
export function checkCachedLabels(caches: ReadonlyMap<SplitName, CachedSplit>, classes: readonly string[], seed: number): LabelIssuesResult {
  const picked: { cache: CachedSplit; index: number }[] = [];
  for (const split of SPLITS) {
    const cache = caches.get(split);
    cache?.rows.forEach((row, index) => {
      if (row.view === 0) picked.push({ cache, index });
    });
  }
  const dim = picked[0]?.cache.features.rowLength ?? 0;
  if (picked.length > MAX_LABEL_CHECK_IMAGES) {
    return findLabelIssues({ rows: [], features: new Float32Array(0), dim, classes, seed, tooMany: picked.length });
  }
  const rows: LabelledRow[] = picked.map(({ cache, index }) => {
    const item = (cache.rows[index] as CachedSplit['rows'][number]).item;
    return { file: item.path, split: item.split, classIndex: item.classIndex };
  });
  const features = new Float32Array(rows.length * dim);
  picked.forEach(({ cache, index }, i) => features.set(cache.features.row(index), i * dim));
  return findLabelIssues({ rows, features, dim, classes, seed });
}
