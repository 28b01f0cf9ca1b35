import { useDeferredValue, useState } from 'react';
import type { SplitName } from '../../core/types';
import { predictionsCsv } from '../../engine/evaluation';
import { downloadJson, downloadText } from '../shared/download';
import { RunComparison } from './RunComparison';
import { CalibrationSummary } from './CalibrationSummary';
import { EmbeddingMap } from './EmbeddingMap';
import { LabelIssues } from './LabelIssues';
import { RunWarnings } from './RunWarnings';
import { SettingsSearchTable } from './SettingsSearchTable';
import { TtaSummary } from './TtaSummary';
import { SplitResults } from './SplitResults';
import { useStudio } from '../shared/useStudio';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const SPLIT_TABS: Record<SplitName, string> = { train: 'Training', val: 'Validation', test: 'Test' };

/**
 * A tab per held-out split (matrix, report, mistakes): after training from the report, with the downloads;
 * during training from the latest `Evaluate now`.
 */
export function Results() {
  // Deferred: the results are drawn in an interruptible render, not in the task that delivers the report.
  const report = useDeferredValue(useStudio((s) => s.run.report));
  const interim = useStudio((s) => s.run.interim);
  const embeddings = useStudio((s) => s.run.embeddings);
  const classes = useStudio((s) => s.dataset?.classes);
  const [chosen, setChosen] = useState<SplitName | null>(null);
  const evaluations = report?.evaluations ?? interim?.evaluations;
  const source = report ?? (interim && classes ? { classes, predictions: interim.predictions } : null);
  if (!evaluations || !source) return null;
  const preferred = report?.evaluation.split ?? (evaluations.some((e) => e.split === 'test') ? 'test' : 'val');
  const evaluation =
    evaluations.find((e) => e.split === chosen) ?? evaluations.find((e) => e.split === preferred) ?? evaluations[0];
  if (!evaluation) return null;
  return (
    <section className="panel" aria-label="Results" id="step-results" data-testid={report ? 'results' : 'interim-results'}>
      <h2>{report ? '3. Results' : `3. Results after epoch ${interim?.epoch ?? ''} (training goes on)`}</h2>
      {report && (
        <p className="muted" data-testid="timings">
          {report.backbone} at {report.backboneInfo?.inputSizePx ?? report.settings.inputSizePx ?? 224} px on {report.backend}: features {seconds(report.timings.embedMs)} (
          {report.embedImagesPerSecond.toFixed(1)} images/s), training {seconds(report.timings.trainMs)}, total{' '}
          {seconds(report.timings.totalMs)}.
          {(report.profile?.featureRowsFromEarlierRuns ?? 0) > 0 && (
            <span data-testid="rows-from-earlier-runs">
              {' '}
              {report.profile?.featureRowsFromEarlierRuns} feature rows came from this page&apos;s earlier runs (same images, backbone, photo fit and views): they were not computed again.
            </span>
          )}
        </p>
      )}
      {report && <RunWarnings warnings={report.runWarnings} />}
      {report && <CalibrationSummary report={report} />}
      {report && <TtaSummary report={report} />}
      {report && <SettingsSearchTable report={report} />}
      <div className="tabs" role="tablist" aria-label="Held-out split">
        {evaluations.map((e) => (
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
      {report && <RunComparison />}
      <SplitResults key={evaluation.split} report={source} evaluation={evaluation} />
      {report && <LabelIssues report={report} />}
      {report && embeddings && <EmbeddingMap report={report} embeddings={embeddings} />}
      {report && (
        <div className="actions">
          <button type="button" className="primary" onClick={() => downloadJson('report.json', report)}>
            Download report
          </button>
          <button type="button" onClick={() => downloadText('predictions.csv', predictionsCsv(report.predictions), 'text/csv')}>
            Download predictions.csv
          </button>
        </div>
      )}
    </section>
  );
}
