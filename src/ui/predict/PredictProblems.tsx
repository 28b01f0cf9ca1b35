/** Files that were left out or could not be read, each with its reason (names shown as text). */
export function PredictProblems({ problems }: { readonly problems: readonly { name: string; reason: string }[] }) {
  if (problems.length === 0) return null;
  return (
    <details className="skipped" open data-testid="predict-errors">
      <summary>
        {problems.length} file{problems.length === 1 ? '' : 's'} not classified
      </summary>
      <ul>
        {problems.map((p) => (
          <li key={p.name} data-testid="predict-error">
            <code>{p.name}</code>: <span className="reason">{p.reason}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
