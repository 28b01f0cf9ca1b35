import { useState } from 'react';
import type { SplitName } from '../core/types';
import { predictionsCsv } from '../engine/csv';
import { downloadJson, downloadText } from './download';
import { SplitResults } from './SplitResults';
import { useStudio } from './useStudio';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const SPLIT_TABS: Record<SplitName, string> = { train: 'Training', val: 'Validation', test: 'Test' };

/** After training: a tab per held-out split (matrix, report, mistakes), and the downloads. */
export function Results() {
  const report = useStudio((s) => s.run.report);
  const [chosen, setChosen] = useState<SplitName | null>(null);
  if (!report) return null;
  const { timings } = report;
  const evaluation =
    report.evaluations.find((e) => e.split === chosen) ??
    report.evaluations.find((e) => e.split === report.evaluation.split) ??
    report.evaluation;
  return (
    <section className="panel" aria-label="Results" data-testid="results">
      <h2>3. Results</h2>
      <p className="muted" data-testid="timings">
        {report.backbone} on {report.backend}: features {seconds(timings.embedMs)} (
        {report.embedImagesPerSecond.toFixed(1)} images/s), training {seconds(timings.trainMs)}, total{' '}
        {seconds(timings.totalMs)}.
      </p>
      <div className="tabs" role="tablist" aria-label="Held-out split">
        {report.evaluations.map((e) => (
          <button
            key={e.split}
            type="button"
            role="tab"
            aria-selected={e.split === evaluation.split}
            className={e.split === evaluation.split ? 'tab active' : 'tab'}
            onClick={() => setChosen(e.split)}
          >
            {SPLIT_TABS[e.split]}
          </button>
        ))}
      </div>
      <SplitResults key={evaluation.split} report={report} evaluation={evaluation} />
      <div className="actions">
        <button type="button" className="primary" onClick={() => downloadJson('report.json', report)}>
          Download report
        </button>
        <button type="button" onClick={() => downloadText('predictions.csv', predictionsCsv(report.predictions), 'text/csv')}>
          Download predictions.csv
        </button>
      </div>
    </section>
  );
}
