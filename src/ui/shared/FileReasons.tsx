/** A folded list of files, each with the reason it was left out (names shown as text, never as markup). */
export function FileReasons({
  files,
  summary,
  open = false,
  testId,
  summaryTestId,
  itemTestId,
}: {
  readonly files: readonly { readonly name: string; readonly reason: string }[];
  /** The line shown while folded ("3 files skipped"). */
  readonly summary: string;
  /** Shown unfolded at first. */
  readonly open?: boolean;
  readonly testId?: string;
  readonly summaryTestId?: string;
  readonly itemTestId: string;
}) {
  if (files.length === 0) return null;
  return (
    <details className="skipped" open={open} data-testid={testId}>
      <summary data-testid={summaryTestId}>{summary}</summary>
      <ul>
        {files.map((f) => (
          <li key={f.name} data-testid={itemTestId}>
            <code>{f.name}</code>: <span className="reason">{f.reason}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
