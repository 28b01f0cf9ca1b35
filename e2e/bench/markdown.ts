/** How the bench's tables write numbers: the one place for the cell formats and the Markdown table. */
import type { StudioRunResult } from '../../src/bench/studioRun';

/** Seconds, one decimal. */
export const s = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(1) : '-');
/** A rate with the digits that matter: 123, 12.3, 1.23. */
export const rate = (x: number): string => (!Number.isFinite(x) ? '-' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
/** Bytes in MB. */
export const mb = (bytes: number | null): string => (bytes === null || bytes <= 0 ? '-' : `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MB`);
/** A fraction as a percentage, one decimal. */
export const pct = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '-' : (x * 100).toFixed(1));
/** A Markdown table. */
export const table = (head: readonly string[], rows: readonly (readonly string[])[]): string =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** A run's accuracy on the split it reports first (`heldOutSplit`: test where there is one), or NaN. */
export const heldOutAccuracy = (run: StudioRunResult): number => run.accuracy[run.heldOutSplit] ?? Number.NaN;

/** Accuracy per held-out split, in percent. */
export function accuracyText(run: StudioRunResult): string {
  return Object.entries(run.accuracy).map(([split, acc]) => `${split} ${pct(acc)}`).join(', ');
}
