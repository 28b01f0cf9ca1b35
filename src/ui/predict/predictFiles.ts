import { readListing } from '../../data/ingest';
import { imageSkipReason } from '../../data/ingest';
import type { ClassScore, FilePrediction } from '../../engine/predict';
import { toCsv } from '../../engine/evaluation';
import type { PickedFile } from '../../state';

/** An image to classify: the file and its name as shown and written to the CSV. */
export interface PredictInput {
  readonly file: Blob;
  /** The path below the chosen (or dropped) folder, or the file name for a loose file. */
  readonly name: string;
}

/** A file left out before prediction (not an image, empty, a system file), with the reason. */
export interface PredictSkipped {
  readonly name: string;
  readonly reason: string;
}

/**
 * The images among `picked`, by name (code-unit order), each named by its path below the folder every
 * path starts with (the chosen folder, whose name says nothing about the image); other files are listed
 * with the reason they are left out.
 */
export function predictInputs(picked: readonly PickedFile[]): { inputs: PredictInput[]; skipped: PredictSkipped[] } {
  const listing = readListing(picked.map((p) => ({ path: p.path, size: p.file.size })), undefined);
  const inputs: PredictInput[] = [];
  const skipped: PredictSkipped[] = [];
  picked.forEach((p, i) => {
    const segments = listing.relative[i] ?? [p.path];
    const name = segments.join('/');
    const reason = imageSkipReason(segments, p.file.size);
    if (reason === undefined) inputs.push({ file: p.file, name });
    else skipped.push({ name, reason });
  });
  const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { inputs: inputs.sort(byName), skipped: skipped.sort(byName) };
}

/** One row of the prediction table: the input, and its top classes or why it could not be read. */
export type PredictRow =
  | { readonly name: string; readonly file: Blob; readonly top: readonly ClassScore[] }
  | { readonly name: string; readonly file: Blob; readonly error: string };

/** Rows for `inputs` from the worker's answers (matched by `index`). */
export function predictRows(inputs: readonly PredictInput[], results: readonly FilePrediction[]): PredictRow[] {
  return results.flatMap((r): PredictRow[] => {
    const input = inputs[r.index];
    if (!input) return [];
    return 'error' in r ? [{ ...input, error: r.error }] : [{ ...input, top: r.top }];
  });
}

/** The header of the predictions download: the shape of a Kaggle submission. */
export const PREDICT_CSV_HEADER = ['file', 'label', 'confidence'] as const;

/**
 * `predictions.csv` of new images: `file,label,confidence`, one row per image that was read (in `rows`
 * order); `label` is the top class written as `mapping` says (the class name when it has no entry),
 * `confidence` its probability in [0, 1] at full precision. Unreadable files have no row.
 */
export function predictCsv(rows: readonly PredictRow[], mapping: ReadonlyMap<string, string>): string {
  const lines = rows.flatMap((row) => {
    if (!('top' in row)) return [];
    const best = row.top[0];
    return best ? [[row.name, mapping.get(best.label) ?? best.label, best.probability]] : [];
  });
  return toCsv([PREDICT_CSV_HEADER, ...lines]);
}

/** A probability in [0, 1] as a percentage for people, one decimal: `99.8%`, `>99.9%`, `<0.1%`, `100%`. */
export function formatPercent(probability: number): string {
  if (probability >= 1) return '100%';
  if (probability <= 0) return '0%';
  const text = (probability * 100).toFixed(1);
  if (text === '100.0') return '>99.9%';
  if (text === '0.0') return '<0.1%';
  return `${text}%`;
}
