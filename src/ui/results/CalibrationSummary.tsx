import type { StudioReport } from '../../engine/evaluation';
import { ReliabilityDiagram } from './ReliabilityDiagram';

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * How far the run's confidence can be trusted: the temperature fitted on validation, the expected calibration
 * error before and after it on each held-out split, and the "unknown" threshold with the share of each split
 * it sets aside. Nothing for a run without calibration (too few validation images, or an older report).
 */
export function CalibrationSummary({ report }: { readonly report: StudioReport }) {
  const splits = report.calibration;
  if (!splits || splits.length === 0) return null;
  const threshold = report.unknownThreshold ?? 0;
  return (
    <div className="calibration" data-testid="calibration">
      <p>
        Confidence calibrated on the validation split: temperature <span data-testid="calibration-temperature">{splits[0]?.temperature.toFixed(2)}</span>.
        {threshold > 0
          ? ` Predictions under ${percent(threshold)} calibrated confidence are answered "unknown" (at most ${percent(report.settings.unknownRejectRate ?? 0)} of validation images).`
          : ' No "unknown" answer (the share of validation images it may reject is 0).'}
      </p>
      <div className="table-scroll">
        <table className="compact">
          <thead>
            <tr>
              <th>Split</th>
              <th>Calibration error before</th>
              <th>after</th>
              <th>Set aside as unknown</th>
            </tr>
          </thead>
          <tbody>
            {splits.map((s) => (
              <tr key={s.split} data-testid={`calibration-${s.split}`}>
                <td>{s.split}</td>
                <td>{percent(s.eceBefore)}</td>
                <td>{percent(s.eceAfter)}</td>
                <td>{percent(s.rejectedShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="reliability">
        {splits.map((s) =>
          s.reliabilityBefore && s.reliabilityAfter ? <ReliabilityDiagram key={s.split} split={s.split} before={s.reliabilityBefore} after={s.reliabilityAfter} /> : null,
        )}
      </div>
    </div>
  );
}
