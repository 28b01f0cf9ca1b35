import { ClassReport } from './ClassReport';
import { ConfusionMatrix } from './ConfusionMatrix';
import { downloadJson } from './download';
import { useStudio } from './useStudio';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** After training: per held-out split, the confusion matrix and the report; and the report download. */
export function Results() {
  const report = useStudio((s) => s.run.report);
  if (!report) return null;
  const { timings } = report;
  return (
    <section className="panel" aria-label="Results">
      <h2>3. Results</h2>
      <p className="muted" data-testid="timings">
        {report.backbone} on {report.backend}: features {seconds(timings.embedMs)} (
        {report.embedImagesPerSecond.toFixed(1)} images/s), training {seconds(timings.trainMs)}, total{' '}
        {seconds(timings.totalMs)}.
      </p>
      {report.evaluations.map((evaluation) => (
        <div className="result" key={evaluation.split}>
          <ConfusionMatrix evaluation={evaluation} classes={report.classes} />
          <ClassReport evaluation={evaluation} />
        </div>
      ))}
      <button type="button" className="primary" onClick={() => downloadJson('report.json', report)}>
        Download report
      </button>
    </section>
  );
}
