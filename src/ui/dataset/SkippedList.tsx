import type { SkippedFile } from '../../core/types';

/** The files that were not used, each with its reason (paths shown as text). */
export function SkippedList({ skipped }: { readonly skipped: readonly SkippedFile[] }) {
  if (skipped.length === 0) return null;
  return (
    <details className="skipped">
      <summary data-testid="skipped-count">{skipped.length} files skipped</summary>
      <ul>
        {skipped.map((s) => (
          <li key={s.file} data-testid="skipped-file">
            <code>{s.file}</code>: <span className="reason">{s.reason}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
