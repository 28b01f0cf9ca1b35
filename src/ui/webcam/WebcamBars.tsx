import type { ClassScore } from '../../engine/predict';
import { formatPercent } from '../predict/predictFiles';
import { UNKNOWN_LABEL, isUnknown, useUnknownThreshold } from '../predict/unknown';

interface WebcamBarsProps {
  /** Classes of the latest frame, best first. */
  readonly top: readonly ClassScore[];
  readonly topK: number;
  /** Frames answered per second (null until measured). */
  readonly framesPerSecond: number | null;
  /** The worker's time for the latest frame. */
  readonly workerMs: number;
}

/** The live prediction: a bar per class (top-k, best first) with its probability, and the measured rate. */
export function WebcamBars({ top, topK, framesPerSecond, workerMs }: WebcamBarsProps) {
  const best = top[0];
  const unknown = isUnknown(top, useUnknownThreshold());
  return (
    <div className="webcam-bars" aria-live="off">
      <p className="webcam-best">
        {unknown && (
          <>
            <strong data-testid="webcam-unknown">{UNKNOWN_LABEL}</strong>, best guess{' '}
          </>
        )}
        <strong data-testid="webcam-top-label">{best?.label ?? ''}</strong>{' '}
        <span data-testid="webcam-top-probability">{best ? formatPercent(best.probability) : ''}</span>
      </p>
      <ol className="bars">
        {top.slice(0, topK).map((score) => (
          <li key={score.label}>
            <span className="bar-label">{score.label}</span>
            <span className="bar-track">
              <span className="bar-fill" style={{ width: `${(score.probability * 100).toFixed(1)}%` }} />
            </span>
            <span className="bar-value">{formatPercent(score.probability)}</span>
          </li>
        ))}
      </ol>
      <p className="muted webcam-rate">
        <span data-testid="webcam-fps">{framesPerSecond === null ? '…' : framesPerSecond.toFixed(1)}</span> frames/s classified
        (latest frame {workerMs.toFixed(0)} ms in the worker)
      </p>
    </div>
  );
}
