import type { SplitCounts, SplitName } from '../../core/types';
import { isActive } from '../../state';
import { ClassNameEditor } from './ClassNameEditor';
import { useStudio } from '../shared/useStudio';

const SPLIT_LABELS: Record<SplitName, string> = { train: 'Training', val: 'Validation', test: 'Test' };

interface ClassCountsTableProps {
  readonly classes: readonly string[];
  readonly counts: SplitCounts;
  readonly splits: readonly SplitName[];
}

/**
 * Images per class and split, with totals; each class name can be renamed in place, except while training.
 * It reads the run's status itself, so that a run starting or ending redraws this table, not the whole
 * dataset view (its chart took 50-90 ms of the main thread to redraw).
 */
export function ClassCountsTable({ classes, counts, splits }: ClassCountsTableProps) {
  const renameDisabled = useStudio((s) => isActive(s.run.status));
  const totals = splits.map((split) => Object.values(counts[split] ?? {}).reduce((a, b) => a + b, 0));
  return (
    <div className="table-scroll">
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
    </div>
  );
}
