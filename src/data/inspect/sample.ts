/** Picks a small, varied sample of a dataset to show before training. */
import type { DatasetItem, SplitName } from '../../core/types';

/**
 * Up to `count` items of `split`, taken class by class in turn (first item of class 0, of class 1, ...,
 * then the second of each), so every class shows up; deterministic, in dataset order within a class.
 */
export function sampleItems(items: readonly DatasetItem[], split: SplitName, count: number): DatasetItem[] {
  const byClass = new Map<number, DatasetItem[]>();
  for (const item of items) {
    if (item.split !== split) continue;
    const list = byClass.get(item.classIndex) ?? [];
    list.push(item);
    byClass.set(item.classIndex, list);
  }
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([, list]) => list);
  const picked: DatasetItem[] = [];
  for (let round = 0; picked.length < count && queues.some((q) => q.length > round); round++) {
    for (const queue of queues) {
      const item = queue[round];
      if (item && picked.length < count) picked.push(item);
    }
  }
  return picked;
}
