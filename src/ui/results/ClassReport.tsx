import type { Evaluation } from '../../engine/evaluation';

/** A metric with 3 decimals; null (e.g. precision of a class never predicted) reads "undefined", never NaN. */
const fmt = (value: number | null): string => (value === null || Number.isNaN(value) ? 'undefined' : value.toFixed(3));

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
            <td data-testid={`${id}-${r.name}-precision`}>{fmt(r.precision)}</td>
            <td data-testid={`${id}-${r.name}-recall`}>{fmt(r.recall)}</td>
            <td data-testid={`${id}-${r.name}-f1`}>{fmt(r.f1)}</td>
            <td data-testid={`${id}-${r.name}-support`}>{r.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
