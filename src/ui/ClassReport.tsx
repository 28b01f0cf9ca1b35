import type { Evaluation } from '../engine/report';

const fmt = (value: number | null): string => (value === null ? 'undefined' : value.toFixed(3));

/** Precision, recall, F1 and support per class with macro and weighted averages, as scikit-learn prints them. */
export function ClassReport({ evaluation }: { evaluation: Evaluation }) {
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
            <td>{fmt(r.precision)}</td>
            <td>{fmt(r.recall)}</td>
            <td>{fmt(r.f1)}</td>
            <td>{r.support}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
