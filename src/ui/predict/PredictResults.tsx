import type { PredictRow } from './predictFiles';
import { formatPercent } from './predictFiles';
import { Thumbnail } from '../shared/Thumbnail';
import { UNKNOWN_LABEL, isUnknown, useUnknownThreshold } from './unknown';
import { Gallery } from '../shared/Gallery';

/** Images shown in the grid and rows in the table; the CSV always has every image. */
export const MAX_SHOWN = 500;

interface PredictResultsProps {
  readonly rows: readonly PredictRow[];
  /** Classes shown per image, best first. */
  readonly topK: number;
}

/**
 * The classified images: a grid of thumbnails with their top classes, and the same as a table. An image whose
 * best calibrated probability is under the model's threshold is shown as "unknown" above its best guesses.
 */
export function PredictResults({ rows, topK }: PredictResultsProps) {
  const threshold = useUnknownThreshold();
  const read = rows.flatMap((row) => ('top' in row ? [row] : []));
  if (read.length === 0) return null;
  const shown = read.slice(0, MAX_SHOWN);
  return (
    <div className="predict-results">
      {read.length > shown.length && (
        <p className="muted">
          The first {shown.length} of {read.length} images are shown; the CSV has them all.
        </p>
      )}
      <Gallery label="Classified images" className="predict-grid" testId="predict-grid">
        {shown.map((row) => (
          <Thumbnail key={row.name} file={row.file} path={row.name}>
            {isUnknown(row.top, threshold) && (
              <span className="predict-best predict-unknown" data-testid="predict-unknown">
                {UNKNOWN_LABEL}
              </span>
            )}
            {row.top.slice(0, topK).map((score, i) => (
              <span key={score.label} className={i === 0 ? 'predict-best' : 'predict-other'} data-testid={i === 0 ? 'predict-top' : undefined}>
                {formatPercent(score.probability)} {score.label}
              </span>
            ))}
          </Thumbnail>
        ))}
      </Gallery>
      <div className="table-scroll">
        <table className="predict-table" data-testid="predict-table">
          <thead>
            <tr>
              <th>File</th>
              {Array.from({ length: topK }, (_, i) => (
                <th key={i}>{i === 0 ? 'Class' : `#${i + 1}`}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={row.name}>
                <td>{row.name}{isUnknown(row.top, threshold) ? ` (${UNKNOWN_LABEL})` : ''}</td>
                {Array.from({ length: topK }, (_, i) => {
                  const score = row.top[i];
                  return <td key={i}>{score ? `${score.label} ${formatPercent(score.probability)}` : ''}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
