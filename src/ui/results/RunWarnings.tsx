import type { RunWarning } from '../../engine/evaluation';

/**
 * What says the run went wrong (a diverged loss, a collapsed model, a validation split too small), above the
 * results it concerns; nothing when the run went well.
 */
export function RunWarnings({ warnings }: { readonly warnings: readonly RunWarning[] | undefined }) {
  if (!warnings || warnings.length === 0) return null;
  return (
    <div className="reading-warnings" role="alert" data-testid="run-warnings">
      <h3>This run went wrong: do not trust its model yet</h3>
      <ul>
        {warnings.map((warning) => (
          <li key={warning.code} data-testid={`run-warning-${warning.code}`}>
            {warning.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
