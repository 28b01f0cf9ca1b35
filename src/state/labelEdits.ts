/**
 * Labels and splits changed image by image (from the label check and the embedding map): kept in the ingest
 * options as `path -> class name as listed` (null: left out) and `path -> split`, so every later reading of the
 * folder (a capture, the duplicates toggle, a reopened project) applies them again. Pure (Node-tested).
 */
import type { Dataset, SplitName } from '../core/types';

/** path -> the class (name as the folder was listed), or null to leave the image out. */
export type LabelEdits = Readonly<Record<string, string | null>>;

/** path -> the split the user moved the image to. */
export type SplitEdits = Readonly<Record<string, SplitName>>;

/** Why an image the user left out is not in the dataset (in `skipped`). */
export const LEFT_OUT_REASON = 'left out by you (label check)';

/**
 * `dataset` with `edits` applied: images moved to the named class (names not among the classes are ignored),
 * images left out listed as skipped. Returns `dataset` itself when nothing applies.
 */
export function applyLabelEdits(dataset: Dataset, edits: LabelEdits | undefined): Dataset {
  if (!edits || Object.keys(edits).length === 0) return dataset;
  let changed = false;
  const skipped = [...dataset.skipped];
  const items = dataset.items.flatMap((item) => {
    if (!Object.hasOwn(edits, item.path)) return [item];
    const name = edits[item.path];
    if (name === null) {
      changed = true;
      skipped.push({ file: item.path, reason: LEFT_OUT_REASON });
      return [];
    }
    const classIndex = dataset.classes.indexOf(name ?? '');
    if (classIndex < 0 || classIndex === item.classIndex) return [item];
    changed = true;
    return [{ ...item, classIndex }];
  });
  return changed ? { ...dataset, items, skipped } : dataset;
}

/**
 * The edits after the user's choices `changes` (path -> class index in `classes`, null to leave out,
 * undefined to undo an earlier choice), written with the names of `listedClasses` (the same indices,
 * before any rename).
 */
export function mergeLabelEdits(
  edits: LabelEdits | undefined,
  changes: ReadonlyMap<string, number | null | undefined>,
  listedClasses: readonly string[],
): LabelEdits {
  const out: Record<string, string | null> = { ...edits };
  for (const [path, classIndex] of changes) {
    if (classIndex === undefined) delete out[path];
    else if (classIndex === null) out[path] = null;
    else {
      const name = listedClasses[classIndex];
      if (name === undefined) throw new RangeError(`class ${classIndex} out of ${listedClasses.length}`);
      out[path] = name;
    }
  }
  return out;
}

/** `dataset` with each image of `edits` in the split given there; `dataset` itself when nothing moves. */
export function applySplitEdits(dataset: Dataset, edits: SplitEdits | undefined): Dataset {
  if (!edits || Object.keys(edits).length === 0) return dataset;
  let changed = false;
  const items = dataset.items.map((item) => {
    const split = Object.hasOwn(edits, item.path) ? edits[item.path] : undefined;
    if (split === undefined || split === item.split) return item;
    changed = true;
    return { ...item, split };
  });
  return changed ? { ...dataset, items } : dataset;
}
