import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { Evaluation } from '../../engine/evaluation';
import { rowNormalise } from '../../engine/evaluation';

/** A cell of the matrix: true class index `trueIndex`, predicted class index `predictedIndex`. */
export interface MatrixCell {
  readonly trueIndex: number;
  readonly predictedIndex: number;
}

interface ConfusionMatrixProps {
  readonly evaluation: Evaluation;
  readonly classes: readonly string[];
  readonly selected: MatrixCell | null;
  readonly onSelect: (cell: MatrixCell) => void;
}

/** Row and column steps of the arrow keys. */
const STEPS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
};

/** Moves the focus from a cell's button to its neighbour's with the arrow keys (Enter or Space opens a cell). */
function moveFocus(event: KeyboardEvent<HTMLTableElement>, size: number): void {
  const step = STEPS[event.key];
  const cell = (event.target as HTMLElement).closest<HTMLElement>('button.cell');
  if (!step || !cell) return;
  const t = Number(cell.dataset.row) + step[0];
  const p = Number(cell.dataset.col) + step[1];
  if (t < 0 || p < 0 || t >= size || p >= size) return;
  event.preventDefault();
  event.currentTarget.querySelector<HTMLElement>(`button.cell[data-row="${t}"][data-col="${p}"]`)?.focus();
}

/**
 * The confusion matrix as a heatmap (rows: true class, columns: prediction), shaded by each row's share,
 * green on the diagonal and red off it. Shows counts, or row-normalised rates with the toggle; a click on
 * a cell selects it. From the keyboard, the arrows move between cells and Enter or Space opens one.
 */
export function ConfusionMatrix({ evaluation, classes, selected, onSelect }: ConfusionMatrixProps) {
  const [showRates, setShowRates] = useState(false);
  const { split, confusionMatrix } = evaluation;
  const rates = rowNormalise(confusionMatrix);
  return (
    <figure className="confusion" data-testid={`confusion-${split}`}>
      <figcaption>
        Confusion matrix ({split}){' '}
        <label className="toggle">
          <input type="checkbox" checked={showRates} onChange={(e) => setShowRates(e.target.checked)} /> row rates
        </label>
      </figcaption>
      <table onKeyDown={(event) => moveFocus(event, confusionMatrix.length)}>
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
          {confusionMatrix.map((row, t) => (
            <tr key={classes[t] ?? t}>
              <th scope="row">{classes[t]}</th>
              {row.map((count, p) => {
                const share = rates[t]?.[p] ?? 0;
                const hue = t === p ? 142 : 0;
                const isSelected = selected?.trueIndex === t && selected.predictedIndex === p;
                const label = `${count} ${classes[t] ?? ''} images predicted as ${classes[p] ?? ''}`;
                return (
                  <td
                    key={classes[p] ?? p}
                    className={isSelected ? 'selected' : undefined}
                    style={{ background: `hsla(${hue}, 70%, 45%, ${(share * 0.85).toFixed(3)})` }}
                  >
                    <button
                      type="button"
                      className="cell"
                      data-testid={`cell-${split}-${t}-${p}`}
                      data-row={t}
                      data-col={p}
                      aria-pressed={isSelected}
                      aria-label={label}
                      title={`${label} (${(share * 100).toFixed(1)}% of the row)`}
                      onClick={() => onSelect({ trueIndex: t, predictedIndex: p })}
                    >
                      {showRates ? share.toFixed(2) : count}
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted hint">Rows: true class; columns: prediction. Click a cell (or move with the arrow keys and press Enter) to see its images.</p>
    </figure>
  );
}
