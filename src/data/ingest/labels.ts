/**
 * Label files: a CSV (`image_name,gender,target`) or a list of `path label` lines that names each image and
 * its class. Finds the file-name and label columns, matches the names to the listed images without guessing,
 * and says what could not be matched. Pure: the caller reads the text; no file is opened here.
 */
import { UserFacingError } from '../../core/errors';
import type { DatasetNote, LabelSourceInfo } from '../../core/types';
import {
  chooseFileColumn,
  chooseLabelColumn,
  findColumn,
  isNumericLabel,
  parseCsvTable,
  parseListTable,
  type LabelTable,
} from './labelTable';
import { createNameLookup, pathSegments, type NameLookup } from './names';

/** A label file the caller has read, and optionally the columns to use instead of the detected ones. */
export interface LabelFileInput {
  /** Path of the file as listed in the files given to `buildDataset` (e.g. `faces-gender/meta_data.csv`). */
  readonly path: string;
  /** The file's contents. */
  readonly text: string;
  /** Header name of the column holding image names; detected when absent. */
  readonly fileColumn?: string;
  /** Header name of the column holding labels; detected when absent. */
  readonly labelColumn?: string;
}

/** `csv`: comma/tab/semicolon separated, with a header row; `list`: `path label` lines. */
export type LabelFileKind = 'csv' | 'list';

/** One image the labels may name: its path as listed (with the root folder) and as in `DatasetItem.path`. */
export interface LabelledImageRef {
  readonly listed: string;
  readonly path: string;
}

/** What a label file said about the images (indices into the `images` given to `labelImages`). */
export interface LabelOutcome {
  /** Image index -> its label (non-empty, trimmed). */
  readonly labels: ReadonlyMap<number, string>;
  /** Image index -> why it has no label; every image not in `labels` is here. */
  readonly unlabelled: ReadonlyMap<number, string>;
  /** The images no row names at all (a subset of `unlabelled`): kept aside, not skipped. */
  readonly unnamed: ReadonlySet<number>;
  /** `ambiguous-name`, `rows-without-image`, `images-without-row`, `numeric-labels`, when they apply. */
  readonly notes: readonly DatasetNote[];
  readonly source: LabelSourceInfo;
}

/** The file's last path segment, for messages (`faces-gender/meta_data.csv` -> `meta_data.csv`). */
export function labelFileName(path: string): string {
  return pathSegments(path).at(-1) ?? path;
}

/** Up to three names, quoted, then "..." when there are more. */
function examples(names: readonly string[]): string {
  const shown = names.slice(0, 3).map((n) => `"${n}"`);
  return names.length > 3 ? `${shown.join(', ')}, ...` : shown.join(', ');
}

interface RowMatches {
  readonly labels: Map<number, string>;
  readonly conflicts: Map<number, readonly string[]>;
  readonly ambiguous: Map<string, readonly number[]>;
  readonly missing: string[];
  matched: number;
}

/** Matches every row's name to the images: exactly one image takes the row's label; none or several, none. */
function matchRows(table: LabelTable, fileColumn: number, labelColumn: number, lookup: NameLookup): RowMatches {
  const out: RowMatches = { labels: new Map(), conflicts: new Map(), ambiguous: new Map(), missing: [], matched: 0 };
  table.rows.forEach((row, r) => {
    const name = row[fileColumn] ?? '';
    const label = row[labelColumn] ?? '';
    const hits = lookup(name);
    const [image] = hits;
    if (image === undefined) out.missing.push(name || `(row ${r + 1} has no name)`);
    else if (hits.length > 1) out.ambiguous.set(name, hits);
    else {
      out.matched++;
      const previous = out.labels.get(image);
      if (previous !== undefined && previous !== label) out.conflicts.set(image, [previous, label]);
      out.labels.set(image, label);
    }
  });
  return out;
}

/** Why each image without a usable label has none. */
function unlabelledReasons(
  images: readonly LabelledImageRef[],
  rows: RowMatches,
  file: string,
  labelColumn: string,
): Map<number, string> {
  const reasons = new Map<number, string>();
  for (const [name, hits] of rows.ambiguous) {
    for (const image of hits) reasons.set(image, `its name "${name}" in ${file} matches several images`);
  }
  images.forEach((_, image) => {
    const label = rows.labels.get(image);
    const conflict = rows.conflicts.get(image);
    if (conflict !== undefined) reasons.set(image, `labelled twice in ${file} (${examples(conflict)})`);
    else if (label === '') reasons.set(image, `no label in column "${labelColumn}" of ${file}`);
    // Another row may name this image unambiguously (`Female400/pic249` beside a bare `pic249`): that wins.
    else if (label !== undefined) reasons.delete(image);
    else if (!reasons.has(image)) reasons.set(image, `no row of ${file} names it`);
  });
  return reasons;
}

/** The `ambiguous-name` note: names that match several images, with one example and how to fix them. */
function ambiguousNote(
  images: readonly LabelledImageRef[],
  rows: RowMatches,
  file: string,
  kind: LabelFileKind,
): DatasetNote {
  const names = [...rows.ambiguous.keys()];
  const [first = '', hits = []] = rows.ambiguous.entries().next().value ?? [];
  const paths = hits.map((i) => images[i]?.path ?? '');
  const message =
    `${names.length} name(s) in ${file} match more than one image (e.g. "${first}": ${paths.join(' and ')}), ` +
    `so the ${kind === 'csv' ? 'CSV' : 'list'} alone cannot find the file: those rows are not used. Write the ` +
    `folder into the name (e.g. ${paths[0] ?? first}) to use them.`;
  return { level: 'warning', code: 'ambiguous-name', message, files: names };
}

/** The images no row names (not even ambiguously). */
function unnamedImages(images: readonly LabelledImageRef[], rows: RowMatches): Set<number> {
  const named = new Set([...rows.labels.keys(), ...[...rows.ambiguous.values()].flat()]);
  return new Set(images.flatMap((_, i) => (named.has(i) ? [] : [i])));
}

/** The notes on what the rows and images did not match, and on numeric labels. */
function labelNotes(
  images: readonly LabelledImageRef[],
  rows: RowMatches,
  file: string,
  kind: LabelFileKind,
): DatasetNote[] {
  const notes: DatasetNote[] = rows.ambiguous.size > 0 ? [ambiguousNote(images, rows, file, kind)] : [];
  if (rows.missing.length > 0) {
    const message =
      `${rows.missing.length} row(s) of ${file} name no image in the folder (${examples(rows.missing)}): ` +
      `they are not used.`;
    notes.push({ level: 'warning', code: 'rows-without-image', message, files: rows.missing });
  }
  const unnamed = [...unnamedImages(images, rows)].map((i) => images[i]?.path ?? '');
  if (unnamed.length > 0) {
    const message =
      `${unnamed.length} image(s) are not named in ${file} (${examples(unnamed)}): they are kept aside as ` +
      `unlabelled, not trained on, and can be classified once a model exists.`;
    notes.push({ level: 'warning', code: 'images-without-row', message, files: unnamed });
  }
  const values = [...new Set(rows.labels.values())].filter((v) => v !== '').sort((a, b) => Number(a) - Number(b));
  if (values.length > 0 && values.every(isNumericLabel)) {
    const message =
      `The labels in ${file} are numbers (${examples(values)}): the classes are named after them and can be ` +
      `renamed.`;
    notes.push({ level: 'info', code: 'numeric-labels', message, files: values });
  }
  return notes;
}

/**
 * Reads the table of a label file. A CSV's first row is data when it already names an image, unless it holds
 * a column name the caller gave (then it is the header, whatever else it matches).
 */
function readTable(input: LabelFileInput, kind: LabelFileKind, lookup: NameLookup): LabelTable {
  const named = [input.fileColumn, input.labelColumn].flatMap((c) => (c === undefined ? [] : [c.toLowerCase()]));
  const isDataRow = (row: readonly string[]) =>
    !row.some((cell) => named.includes(cell.toLowerCase())) && row.some((cell) => lookup(cell).length > 0);
  const table = kind === 'csv' ? parseCsvTable(input.text, isDataRow) : parseListTable(input.text);
  if (table.rows.length === 0) {
    throw new UserFacingError(`${labelFileName(input.path)} holds no rows of labels.`);
  }
  return table;
}

/**
 * Labels `images` from a label file. For a CSV, the file-name column is `input.fileColumn` or the one whose
 * values name the most images, and the label column is `input.labelColumn` or the one that looks most like
 * labels (see `chooseLabelColumn`). A list file's columns are `path` and `label`.
 *
 * Matching (see `createNameLookup`): with or without extension and folders, exact case first. A row whose
 * name matches several images is not used (no guessing): those images are unlabelled and an `ambiguous-name`
 * note lists the names. Rows naming no image give `rows-without-image`; images no row names give
 * `images-without-row`; numeric labels give an info `numeric-labels` note. An image named twice with two
 * different labels, or with an empty label, is unlabelled with a reason.
 *
 * @throws UserFacingError when the file has no rows, a named column does not exist, no column names an
 *   image, or no other column holds a value.
 */
export function labelImages(
  input: LabelFileInput,
  kind: LabelFileKind,
  images: readonly LabelledImageRef[],
): LabelOutcome {
  const file = labelFileName(input.path);
  const lookup = createNameLookup(images.map((image) => image.listed));
  const table = readTable(input, kind, lookup);
  // A list's columns are fixed; a CSV's are the caller's or detected.
  const fileColumn =
    input.fileColumn !== undefined
      ? findColumn(table.columns, input.fileColumn, file)
      : kind === 'list'
        ? 0
        : chooseFileColumn(table, lookup, file);
  const labelColumn =
    input.labelColumn !== undefined
      ? findColumn(table.columns, input.labelColumn, file)
      : kind === 'list'
        ? 1
        : chooseLabelColumn(table, fileColumn, file);
  const labelName = table.columns[labelColumn] ?? '';
  const rows = matchRows(table, fileColumn, labelColumn, lookup);
  const unlabelled = unlabelledReasons(images, rows, file, labelName);
  const labels = new Map([...rows.labels].filter(([image]) => !unlabelled.has(image)));
  return {
    labels,
    unlabelled,
    unnamed: unnamedImages(images, rows),
    notes: labelNotes(images, rows, file, kind),
    source: {
      file: input.path,
      columns: table.columns,
      fileColumn: table.columns[fileColumn] ?? '',
      labelColumn: labelName,
      rows: table.rows.length,
      matched: rows.matched,
    },
  };
}
