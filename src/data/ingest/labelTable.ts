/**
 * Label files as tables: CSV (papaparse) and `path label` lists, and which columns hold the image names and
 * the labels. Pure.
 */
import Papa from 'papaparse';
import { UserFacingError } from '../../core/errors';
import type { NameLookup } from './names';

/** A label file as a table: one name per column and rows padded to that width, cells trimmed. */
export interface LabelTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Column names that usually hold a label (tie-breaker when several columns could). */
const LABEL_NAME_HINT = /label|class|categor|type|target|gender|sex|species|breed|kind|^is_|^has_|^y$/i;
/** Column names that usually hold file names (tie-breaker only). */
const FILE_NAME_HINT = /file|image|img|name|path|^id$|_id$/i;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)$/;

/** True for a label written as a number (`0`, `-1`, `2.5`): such classes deserve a name from the user. */
export function isNumericLabel(value: string): boolean {
  return NUMBER.test(value);
}

/** The column names for a message: the first six, then how many more. */
function listColumns(columns: readonly string[]): string {
  if (columns.length === 0) return 'none';
  const more = columns.length > 6 ? ` and ${columns.length - 6} more` : '';
  return columns.slice(0, 6).join(', ') + more;
}

function padRow(row: readonly string[], width: number): string[] {
  return Array.from({ length: width }, (_, i) => (row[i] ?? '').trim());
}

/**
 * Reads CSV (or TSV: the delimiter is detected) text with papaparse. The first row is the header unless
 * every cell of it is a number or `isDataRow(firstRow)` says it is data, in which case the columns are named
 * `column 1`, `column 2`, ...
 * Blank lines and a byte-order mark are ignored; short rows are padded with `''`.
 */
export function parseCsvTable(text: string, isDataRow: (row: readonly string[]) => boolean = () => false): LabelTable {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const raw = parsed.data.filter((row) => Array.isArray(row));
  const first = raw[0];
  if (first === undefined) return { columns: [], rows: [] };
  const width = raw.reduce((most, row) => Math.max(most, row.length), 0);
  const firstRow = padRow(first, width);
  const headerless = firstRow.every(isNumericLabel) || isDataRow(firstRow);
  const columns = padRow(headerless ? [] : first, width).map((name, i) => name || `column ${i + 1}`);
  const rows = (headerless ? raw : raw.slice(1)).map((row) => padRow(row, width));
  return { columns, rows };
}

/**
 * Reads a list file: one `path label` per line, the path ending at the first space, tab or comma and the label
 * being the rest of the line, trimmed (so it may hold spaces). Blank lines and `#` comments are ignored.
 * Columns are `['path', 'label']`; a line with a path only has label `''`.
 */
export function parseListTable(text: string): LabelTable {
  const rows: string[][] = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^([^\s,]+)[\s,]*(.*)$/.exec(trimmed);
    rows.push([match?.[1] ?? trimmed, (match?.[2] ?? '').trim()]);
  }
  return { columns: ['path', 'label'], rows };
}

/**
 * The index of the column named `wanted` (exact, then any case).
 * @throws UserFacingError naming the columns there are, when none matches.
 */
export function findColumn(columns: readonly string[], wanted: string, fileName: string): number {
  const exact = columns.indexOf(wanted);
  const index = exact >= 0 ? exact : columns.findIndex((c) => c.toLowerCase() === wanted.toLowerCase());
  if (index < 0) {
    throw new UserFacingError(`${fileName} has no column "${wanted}" (its columns: ${listColumns(columns)}).`);
  }
  return index;
}

/** The column whose values name the most images; ties go to a file-like name, then to the leftmost. */
export function chooseFileColumn(table: LabelTable, lookup: NameLookup, fileName: string): number {
  const scores = table.columns.map((name, column) => ({
    column,
    matches: table.rows.reduce((n, row) => n + (lookup(row[column] ?? '').length > 0 ? 1 : 0), 0),
    hinted: FILE_NAME_HINT.test(name),
  }));
  scores.sort((a, b) => b.matches - a.matches || Number(b.hinted) - Number(a.hinted) || a.column - b.column);
  const best = scores[0];
  if (best === undefined || best.matches === 0) {
    throw new UserFacingError(
      `None of the columns of ${fileName} (${listColumns(table.columns)}) names an image in the folder: ` +
        `a label file needs one column of file names (e.g. cat1.jpg or images/cat1) and one of labels.`,
    );
  }
  return best.column;
}

interface ColumnStats {
  readonly column: number;
  readonly filled: number;
  readonly distinct: number;
  readonly numeric: boolean;
  readonly hinted: boolean;
}

function columnStats(table: LabelTable, column: number): ColumnStats {
  const values = table.rows.map((row) => row[column] ?? '').filter((v) => v !== '');
  const distinct = new Set(values);
  return {
    column,
    filled: values.length,
    distinct: distinct.size,
    numeric: distinct.size > 0 && [...distinct].every(isNumericLabel),
    hinted: LABEL_NAME_HINT.test(table.columns[column] ?? ''),
  };
}

/** True when two columns split the rows into the same groups (`male`/`female` and `0`/`1`, one to one). */
function sameGrouping(table: LabelTable, a: number, b: number): boolean {
  const aToB = new Map<string, string>();
  const bToA = new Map<string, string>();
  return table.rows.every((row) => {
    const x = row[a] ?? '';
    const y = row[b] ?? '';
    if ((aToB.get(x) ?? y) !== y || (bToA.get(y) ?? x) !== x) return false;
    aToB.set(x, y);
    bToA.set(y, x);
    return true;
  });
}

/**
 * The label column among those other than `fileColumn` that hold any value. Ranked by: at least 2 distinct
 * values, few distinct values (at most half the filled rows), not one value per row (an id), a label-like
 * name (label, class, category, type, target, gender, is_*...), most filled rows, leftmost. A numeric winner
 * gives way to a text column that groups the rows the same way (`gender` over `target`).
 * @throws UserFacingError when no other column holds a value.
 */
export function chooseLabelColumn(table: LabelTable, fileColumn: number, fileName: string): number {
  const rank = (s: ColumnStats) => [
    Number(s.distinct >= 2),
    Number(s.distinct * 2 <= s.filled),
    Number(s.distinct < s.filled),
    Number(s.hinted),
    s.filled,
    -s.column,
  ];
  const ranked = table.columns
    .map((_, column) => columnStats(table, column))
    .filter((s) => s.column !== fileColumn && s.filled > 0)
    .sort((a, b) => {
      const [ra, rb] = [rank(a), rank(b)];
      const at = ra.findIndex((v, i) => v !== rb[i]);
      return at < 0 ? 0 : (rb[at] ?? 0) - (ra[at] ?? 0);
    });
  const best = ranked[0];
  if (best === undefined) {
    throw new UserFacingError(
      `No column of ${fileName} (${listColumns(table.columns)}) holds labels beside the file names: a label ` +
        `file needs one column of file names and one of labels.`,
    );
  }
  const text = best.numeric ? ranked.find((s) => !s.numeric && sameGrouping(table, best.column, s.column)) : undefined;
  return (text ?? best).column;
}
