/**
 * Which label file labels the images, when the folder holds several (`train.csv` beside a
 * `sample_submission.csv` template and a `meta.csv` of features): each is judged, the one that labels the
 * most images into at least two classes wins, and what each of the others is (a template, one value for
 * every row, no column of file names) is said. Pure.
 */
import { UserFacingError } from '../../core/errors';
import type { DatasetNote, DatasetNoteCode } from '../../core/types';
import type { FolderPlan } from './folders';
import { labelFileName, type LabelFileInput } from './labels';
import { pathSegments } from './names';
import { labelKindOf, readLabels, type Listing, type Reading } from './readings';
import { splitWordOf } from './splitWords';

/** What one label file does with the images. */
export interface LabelVerdict {
  readonly input: LabelFileInput;
  /** The reading it gives, when it labels images into at least two classes. */
  readonly reading?: Reading;
  /** Why it is no labelling, when it is not: a sentence starting with the file's name. */
  readonly problem?: string;
  /** The reason the file could label nothing at all (a `UserFacingError` message), when that was the problem. */
  readonly error?: string;
  /** The number of classes it gives (0 or 1 when it is no labelling). */
  readonly classes: number;
  /** Named like a submission template (`sample_submission.csv`, `submission.csv`). */
  readonly template: boolean;
}

/** Names of files that are templates to fill in, not labels. */
const TEMPLATE_NAME = /submission/i;

/** The path of a file below the listing's root, for notes (`meta_data.csv`, `notes/readme.txt`). */
export function relativePath(listing: Listing, path: string): string {
  const segments = pathSegments(path);
  return (listing.root !== undefined && segments[0] === listing.root ? segments.slice(1) : segments).join('/');
}

/** Judges one label file: a template by name, else the reading it gives, or why it gives none. */
export function judgeLabelFile(listing: Listing, input: LabelFileInput, plan: FolderPlan): LabelVerdict {
  const file = labelFileName(input.path);
  if (TEMPLATE_NAME.test(file)) {
    return {
      input,
      template: true,
      classes: 0,
      problem: `${file} is named like a submission template, not a file of labels`,
    };
  }
  try {
    const reading = readLabels(listing, input, labelKindOf(input.path), plan);
    const column = reading.labelSource?.labelColumn ?? '';
    const values = [...new Set(reading.placed.map((p) => p.className))].sort();
    const classes = values.length;
    if (classes >= 2 && values.every((value) => splitWordOf(value) !== undefined)) {
      const problem = `the labels in column "${column}" of ${file} are split names (${values.join(', ')}), not classes`;
      return { input, template: false, classes, problem };
    }
    if (classes >= 2) return { input, reading, template: false, classes };
    const [only] = values;
    const problem =
      classes === 1
        ? `every row of ${file} gives the same label ("${only ?? ''}" in column "${column}"): a template, not labels`
        : `no image could be labelled from ${file}`;
    return { input, template: classes === 1, classes, problem };
  } catch (error) {
    if (!(error instanceof UserFacingError)) throw error;
    return { input, template: false, classes: 0, error: error.message, problem: `${file} cannot label them: ${error.message}` };
  }
}

/** The verdict that labels the most images into two classes or more (ties: listing order), if any does. */
export function bestLabelFile(verdicts: readonly LabelVerdict[]): LabelVerdict | undefined {
  let best: LabelVerdict | undefined;
  for (const verdict of verdicts) {
    const placed = verdict.reading?.placed.length ?? 0;
    if (placed > 0 && placed > (best?.reading?.placed.length ?? 0)) best = verdict;
  }
  return best;
}

/** An info note for a label file the chosen labels made unnecessary or that is no labelling. */
export function otherLabelFileNote(listing: Listing, verdict: LabelVerdict, chosen: string): DatasetNote {
  const file = labelFileName(verdict.input.path);
  const code: DatasetNoteCode = verdict.template ? 'label-file-template' : 'label-file-unused';
  const reading = verdict.reading;
  const message = reading
    ? `${file} labels ${reading.placed.length} images too (column "${reading.labelSource?.labelColumn ?? ''}"), ` +
      `but ${chosen} was used. To use ${file} instead, choose it as the label file.`
    : `${verdict.problem ?? file}: it was not used.`;
  return { level: 'info', code, message, files: [relativePath(listing, verdict.input.path)] };
}

/**
 * The share of the images both readings place on which they agree, class for class (each folder class
 * mapped to the label it mostly has, no two folder classes to the same label); null when they share none.
 */
export function agreement(folders: Reading, labels: Reading): number | null {
  const byFile = new Map(labels.placed.map((p) => [p.fileIndex, p.className]));
  const pairs = new Map<string, Map<string, number>>();
  let shared = 0;
  for (const p of folders.placed) {
    const label = byFile.get(p.fileIndex);
    if (label === undefined) continue;
    shared++;
    const counts = pairs.get(p.className) ?? new Map<string, number>();
    pairs.set(p.className, counts);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  if (shared === 0) return null;
  const used = new Set<string>();
  let agreeing = 0;
  for (const counts of pairs.values()) {
    const [label, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    if (used.has(label)) continue;
    used.add(label);
    agreeing += n;
  }
  return agreeing / shared;
}
