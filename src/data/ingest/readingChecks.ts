/**
 * What the reading of a folder deserves to say before any time is spent training: classes named like splits,
 * class folders that hold the same sub-folders, a class spanning two split-like folders, splits found by
 * structure alone, images kept aside unlabelled; and the `DatasetReading` summary with the other readings
 * that fit, each one click away. Pure.
 */
import type { DatasetLayout, DatasetNote, DatasetReading, ReadingAlternative, SplitName } from '../../core/types';
import { splitLikeClassNames, type AutoReading } from './choose';
import type { FolderPlan } from './folders';
import { labelFileName } from './labels';
import { classCount, unlabelledFolders, type Listing, type Reading } from './readings';
import { resolveSplits, splitWordOf } from './splitWords';
import { overlapOf, topFolders } from './structure';

/** Up to four names, quoted, then "..." when there are more. */
function quoted(names: readonly string[]): string {
  const shown = names.slice(0, 4).map((n) => `"${n}"`);
  return names.length > 4 ? `${shown.join(', ')}, ...` : shown.join(', ');
}

/** `classes-look-like-splits`: class folders named like splits (`trainimages`, `test_set`). */
function splitLikeClasses(reading: Reading): DatasetNote[] {
  const names = splitLikeClassNames(reading);
  if (names.length === 0) return [];
  const message =
    `The class${names.length > 1 ? 'es' : ''} ${quoted(names)} ${names.length > 1 ? 'are' : 'is'} named like a ` +
    `split (train, test), not like a kind of image: the folders may hold a training and a test set rather than ` +
    `classes. Give a label file, or read the folders another way, before training.`;
  return [{ level: 'warning', code: 'classes-look-like-splits', message, files: names }];
}

/** `subfolders-repeat`: class folders that each hold mostly the same sub-folders (splits holding classes?). */
function repeatedSubfolders(reading: Reading, images: readonly (readonly string[])[]): DatasetNote[] {
  const plan = reading.plan;
  if (reading.layout !== 'class-folders' || plan.splitsBelow.size > 0 || plan.alternative !== 'split-folders') return [];
  const tops = topFolders(images, plan.base.length).filter((t) => t.subs.size > 0);
  const { common } = overlapOf(tops);
  const names = tops.map((t) => t.name);
  const message =
    `The class folders ${quoted(names)} each hold the same sub-folders (${quoted(common)}): they may be splits ` +
    `holding the classes ${quoted(common)}. If so, read them as split folders before training.`;
  return [{ level: 'warning', code: 'subfolders-repeat', message, files: names }];
}

/** `class-spans-splits`: a class folder holding images from two sub-folders that look like different splits. */
function classesSpanningSplits(reading: Reading, images: readonly (readonly string[])[]): DatasetNote[] {
  const plan = reading.plan;
  if (reading.layout !== 'class-folders' || plan.splitsBelow.size > 0) return [];
  const byClass = new Map<string, Set<string>>();
  for (const segments of images) {
    const rest = segments.slice(plan.base.length);
    const [className, sub] = rest;
    if (className === undefined || sub === undefined || rest.length < 3 || splitWordOf(sub) === undefined) continue;
    byClass.set(className, (byClass.get(className) ?? new Set<string>()).add(sub));
  }
  const spanning = [...byClass].filter(([, subs]) => new Set(resolveSplits([...subs]).values()).size >= 2);
  if (spanning.length === 0) return [];
  const [first, subs] = spanning[0] ?? ['', new Set<string>()];
  const message =
    `${spanning.length} class(es) hold images from folders that look like different splits (e.g. "${first}" ` +
    `holds ${quoted([...subs].map((s) => `${first}/${s}/`))}): those images are all trained on, and a test set ` +
    `mixed into training makes every score look better than it is.`;
  return [{ level: 'warning', code: 'class-spans-splits', message, files: spanning.map(([name]) => name) }];
}

/** `reading-chosen`: the split folders were found by their shared class folders, not by their names. */
function structureChoice(reading: Reading): DatasetNote[] {
  const plan = reading.plan;
  if (reading.layout !== 'split-folders' || plan.splitsBy !== 'structure') return [];
  const mapping = [...plan.splits].map(([folder, split]) => `"${folder}/" as ${split}`).join(', ');
  const message =
    `No folder is named like a split, but the top folders hold the same class folders, so they were read as ` +
    `splits (${mapping}, the largest as train). If each top folder is a class instead, read them as classes.`;
  return [{ level: 'info', code: 'reading-chosen', message, files: [...plan.splits.keys()] }];
}

/** `unlabelled-images`: images loose in split folders that hold no class folders (a test set without answers). */
function unlabelledInFolders(reading: Reading): DatasetNote[] {
  if (reading.layout !== 'class-folders' && reading.layout !== 'split-folders') return [];
  if (reading.unlabelled.length === 0) return [];
  const folders = unlabelledFolders(reading);
  const message =
    `${reading.unlabelled.length} image(s) in ${quoted(folders.map((f) => `${f}/`))} have no class folder, so no ` +
    `label: they are kept aside, not trained on, and can be classified once a model exists.`;
  return [{ level: 'info', code: 'unlabelled-images', message, files: reading.unlabelled.map((u) => u.path) }];
}

/** The notes on how the folders were read (see the file comment), warnings first. */
export function readingNotes(reading: Reading, images: readonly (readonly string[])[]): DatasetNote[] {
  return [
    ...splitLikeClasses(reading),
    ...repeatedSubfolders(reading, images),
    ...classesSpanningSplits(reading, images),
    ...structureChoice(reading),
    ...unlabelledInFolders(reading),
  ];
}

/** What a button offering a reading says. */
function titleOf(layout: DatasetLayout, labelFile?: string): string {
  if (labelFile !== undefined) return `Label the images from ${labelFileName(labelFile)}`;
  if (layout === 'split-folders') return 'Read the top folders as splits holding class folders';
  if (layout === 'class-folders') return 'Read each top folder as a class';
  return `Read by the ${layout === 'csv' ? 'CSV' : 'list'} file`;
}

/** The other readings that fit the files, best first, without the one used (`layout`, `labelFile`). */
export function alternativesOf(auto: AutoReading, used: Reading, usedFile: string | undefined): ReadingAlternative[] {
  const options: { layout: DatasetLayout; labelFile?: string }[] = [];
  const add = (layout: DatasetLayout, labelFile?: string) => {
    const same = (o: { layout: DatasetLayout; labelFile?: string }) => o.layout === layout && o.labelFile === labelFile;
    if (!(layout === used.layout && labelFile === usedFile) && !options.some(same)) options.push({ layout, labelFile });
  };
  if (classCount(auto.reading) >= 2) add(auto.reading.layout, auto.reading.labelSource?.file);
  if (classCount(auto.folders) >= 2) add(auto.folders.layout);
  if (used.plan.alternative !== null) add(used.plan.alternative);
  if (auto.folders.plan.alternative !== null) add(auto.folders.plan.alternative);
  for (const verdict of auto.verdicts) {
    if (verdict.reading !== undefined) add(verdict.reading.layout, verdict.input.path);
  }
  return options.map(({ layout, labelFile }) =>
    labelFile === undefined ? { layout, title: titleOf(layout) } : { layout, labelFile, title: titleOf(layout, labelFile) },
  );
}

/**
 * The split folders of a reading and their splits (`training_set` -> train): a split layout's, or for a label
 * layout the top folders, named like splits, that hold labelled images.
 */
function splitFoldersOf(reading: Reading, listing: Listing): Record<string, SplitName> | undefined {
  const plan: FolderPlan = reading.plan;
  if (reading.layout === 'split-folders') return plan.splits.size > 0 ? Object.fromEntries(plan.splits) : undefined;
  if (reading.layout === 'class-folders') return undefined;
  const tops = reading.placed.flatMap((p) => {
    const segments = listing.relative[p.fileIndex] ?? [];
    return segments.length > plan.base.length + 1 ? [segments[plan.base.length] ?? ''] : [];
  });
  const splits = resolveSplits([...new Set(tops)]);
  return splits.size > 0 ? Object.fromEntries(splits) : undefined;
}

/** The summary of how the files were read. */
export function readingOf(reading: Reading, listing: Listing, alternatives: readonly ReadingAlternative[]): DatasetReading {
  const plan = reading.plan;
  const splitFolders = splitFoldersOf(reading, listing);
  const splitsBy = reading.layout === 'split-folders' || plan.splitsBelow.size > 0 ? plan.splitsBy : null;
  return {
    ...(plan.base.length > 0 && { wrapper: plan.base.join('/') }),
    ...(splitFolders !== undefined && { splitFolders }),
    ...(reading.layout === 'class-folders' && plan.splitsBelow.size > 0 && { splitsBelowClasses: true }),
    ...(splitsBy !== null && { splitsBy }),
    alternatives,
  };
}
