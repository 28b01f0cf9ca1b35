/** CSV writing (RFC 4180) for `predictions.csv`. Plain strings in, one string out: no DOM, no Blob. */
import type { Prediction } from './report';

/** The header of `predictions.csv`. */
export const PREDICTIONS_CSV_HEADER = ['file', 'true_class', 'predicted_class', 'confidence', 'split'] as const;

/**
 * Quotes one CSV field when it needs it (RFC 4180): a field holding a comma, a double quote, a CR or an LF
 * is wrapped in double quotes with each inner quote doubled; any other field is written as is.
 */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Joins rows of fields into CSV text: fields quoted by `csvField`, lines ended by CRLF (RFC 4180). */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/**
 * `predictions.csv`: the header `file,true_class,predicted_class,confidence,split`, then one row per
 * prediction in the given order; `confidence` is written with full precision (JavaScript's number to string).
 */
export function predictionsCsv(predictions: readonly Prediction[]): string {
  return toCsv([
    PREDICTIONS_CSV_HEADER,
    ...predictions.map((p) => [p.file, p.trueClass, p.predictedClass, p.confidence, p.split]),
  ]);
}
