import type { Evaluation } from '../engine/report';

/** The confusion matrix as a table shaded by each row's share: rows are true classes, columns predictions. */
export function ConfusionMatrix({ evaluation, classes }: { evaluation: Evaluation; classes: readonly string[] }) {
  return (
    <figure className="confusion" data-testid={`confusion-${evaluation.split}`}>
      <figcaption>Confusion matrix ({evaluation.split}): rows are the true class, columns the prediction</figcaption>
      <table>
        <thead>
          <tr>
            <th scope="col">true \ predicted</th>
            {classes.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {evaluation.confusionMatrix.map((row, t) => {
            const rowTotal = row.reduce((a, b) => a + b, 0);
            return (
              <tr key={classes[t] ?? t}>
                <th scope="row">{classes[t]}</th>
                {row.map((count, p) => {
                  const share = rowTotal > 0 ? count / rowTotal : 0;
                  const hue = t === p ? 142 : 0;
                  return (
                    <td
                      key={classes[p] ?? p}
                      style={{ background: `hsla(${hue}, 70%, 45%, ${(share * 0.85).toFixed(3)})` }}
                      title={`${count} of ${rowTotal} ${classes[t] ?? ''} images predicted as ${classes[p] ?? ''}`}
                    >
                      {count}
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}
