import { countItems } from '../core/types';
import type { SplitName } from '../core/types';
import { ClassDistribution } from './ClassDistribution';
import { SampleBatch } from './SampleBatch';
import { useStudio } from './useStudio';

const SPLIT_LABELS: Record<SplitName, string> = { train: 'Training', val: 'Validation', test: 'Test' };

/** The classes found, with their image counts per split, and the files that were skipped. */
export function DatasetSummary() {
  const dataset = useStudio((s) => s.dataset);
  if (!dataset) return null;
  const counts = countItems(dataset);
  const splits = (['train', 'val', 'test'] as const).filter((split) => counts[split]);
  const totals = splits.map((split) => Object.values(counts[split] ?? {}).reduce((a, b) => a + b, 0));
  const layout = dataset.layout === 'split-folders' ? 'split folders' : 'one folder per class';
  return (
    <section className="panel" aria-label="Dataset summary">
      <h2>
        {dataset.name || 'Dataset'}: {dataset.classes.length} classes, {dataset.items.length} images
      </h2>
      <p className="muted">
        Layout: {layout}.{' '}
        {dataset.layout === 'class-folders' || !counts.val ? 'Validation images were held out from training at random, per class.' : ''}
      </p>
      <div className="dataset-overview">
      <table className="counts" data-testid="class-counts">
        <thead>
          <tr>
            <th>Class</th>
            {splits.map((split) => (
              <th key={split}>{SPLIT_LABELS[split]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {dataset.classes.map((name) => (
            <tr key={name}>
              <td>{name}</td>
              {splits.map((split) => (
                <td key={split} data-testid={`count-${split}-${name}`}>
                  {counts[split]?.[name] ?? 0}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th>Total</th>
            {splits.map((split, i) => (
              <th key={split} data-testid={`total-${split}`}>
                {totals[i]}
              </th>
            ))}
          </tr>
        </tfoot>
      </table>
      <ClassDistribution classes={dataset.classes} counts={counts} />
      </div>
      <SampleBatch />
      {dataset.skipped.length > 0 && (
        <details className="skipped">
          <summary data-testid="skipped-count">{dataset.skipped.length} files skipped</summary>
          <ul>
            {dataset.skipped.map((s) => (
              <li key={s.file}>
                <code>{s.file}</code>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
