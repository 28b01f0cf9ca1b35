import type { PredictRow } from './predictFiles';
import { UNKNOWN_LABEL, isUnknown, useUnknownThreshold } from './unknown';

/**
 * Of the images looked at, how many were classified and into which class (by their top class), largest first,
 * and how many could not be read: the two add up to the images the progress counted.
 */
export function PredictSummary({ rows }: { readonly rows: readonly PredictRow[] }) {
  const threshold = useUnknownThreshold();
  const counts = new Map<string, number>();
  let unreadable = 0;
  for (const row of rows) {
    const best = 'top' in row ? row.top[0] : undefined;
    const label = best && 'top' in row && isUnknown(row.top, threshold) ? UNKNOWN_LABEL : best?.label;
    if (label !== undefined) counts.set(label, (counts.get(label) ?? 0) + 1);
    else unreadable++;
  }
  const read = rows.length - unreadable;
  const byCount = [...counts].sort((a, b) => b[1] - a[1]);
  return (
    <p data-testid="predict-summary">
      {read} of {rows.length} image{rows.length === 1 ? '' : 's'} classified
      {byCount.length > 0 ? `: ${byCount.map(([label, n]) => `${n} ${label}`).join(', ')}` : ''}
      {unreadable > 0 ? `; ${unreadable} could not be read` : ''}.
    </p>
  );
}
