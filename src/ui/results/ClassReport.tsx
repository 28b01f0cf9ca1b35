import type { Evaluation } from '../../engine/evaluation';

/** A metric with 3 decimals; a null one says why it has no value (`missing`), never "undefined" or NaN. */
const fmt = (value: number | null, missing: string): string => (value === null || Number.isNaN(value) ? missing : value.toFixed(3));
/** Why a class's metric is null: precision, of a class never predicted; recall, of a class with no images here. */
const NEVER_PREDICTED = 'never predicted';
const NO_IMAGES = 'no images';

/**
 * Precision, recall, F1 and support per class with macro and weighted averages, as scikit-learn prints them.
 * Cells carry test ids `report-<split>-<row>-<metric>`, row = class name, `macro avg` or `weighted avg`.
 */
export function ClassReport({ evaluation }: { evaluation: Evaluation }) {
  const id = `report-${evaluation.split}`;
  const rows = [
    ...evaluation.perClass.map((m) => ({ name: m.class, ...m })),
    { name: 'macro avg', ...evaluation.macroAvg },
    { name: 'weighted avg', ...evaluation.weightedAvg },
  ];
  return (
    <div className="table-scroll">
      <table className="report" data-testid={`report-${evaluation.split}`}>
        <caption>
          Classification report ({evaluation.split}): accuracy{' '}
          <strong data-testid={`accuracy-${evaluation.split}`}>{(evaluation.accuracy * 100).toFixed(1)}%</strong>
        </caption>
        <thead>
          <tr>
            <th scope="col">class</th>
            <th scope="col">precision</th>
            <th scope="col">recall</th>
            <th scope="col">f1-score</th>
            <th scope="col">support</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              <td data-testid={`${id}-${r.name}-precision`}>{fmt(r.precision, NEVER_PREDICTED)}</td>
              <td data-testid={`${id}-${r.name}-recall`}>{fmt(r.recall, NO_IMAGES)}</td>
              <td data-testid={`${id}-${r.name}-f1`}>{fmt(r.f1, r.recall === null ? NO_IMAGES : NEVER_PREDICTED)}</td>
              <td data-testid={`${id}-${r.name}-support`}>{r.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
