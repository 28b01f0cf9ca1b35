import type { SplitCounts, SplitName } from '../core/types';
import { ClassNameEditor } from './ClassNameEditor';

const SPLIT_LABELS: Record<SplitName, string> = { train: 'Training', val: 'Validation', test: 'Test' };

interface ClassCountsTableProps {
  readonly classes: readonly string[];
  readonly counts: SplitCounts;
  readonly splits: readonly SplitName[];
  readonly renameDisabled: boolean;
}

/** Images per class and split, with totals; each class name can be renamed in place. */
export function ClassCountsTable({ classes, counts, splits, renameDisabled }: ClassCountsTableProps) {
  const totals = splits.map((split) => Object.values(counts[split] ?? {}).reduce((a, b) => a + b, 0));
  return (
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
        {classes.map((name, index) => (
          <tr key={index}>
            <td>
              <ClassNameEditor index={index} name={name} disabled={renameDisabled} />
            </td>
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
  );
}
