import { MetricChart } from './MetricChart';
import { useStudio } from './useStudio';

/** Live loss and accuracy curves, training and validation, updated after each epoch. */
export function TrainingCharts() {
  const history = useStudio((s) => s.run.history);
  if (history.length === 0) return null;
  const last = history[history.length - 1];
  return (
    <section className="panel" aria-label="Training curves">
      <h2>Training curves</h2>
      {last && (
        <p className="muted" data-testid="last-epoch">
          Epoch {last.epoch}: loss {last.loss.toFixed(3)}, accuracy {(last.accuracy * 100).toFixed(1)}%, validation
          loss {last.valLoss.toFixed(3)}, validation accuracy {(last.valAccuracy * 100).toFixed(1)}%
        </p>
      )}
      <div className="charts">
        <MetricChart title="Loss" history={history} trainKey="loss" valKey="valLoss" />
        <MetricChart title="Accuracy" history={history} trainKey="accuracy" valKey="valAccuracy" domain={[0, 1]} />
      </div>
    </section>
  );
}
