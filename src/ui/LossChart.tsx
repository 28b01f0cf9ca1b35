import { useDeferredValue } from 'react';
import { MetricChart } from './MetricChart';
import { useStudio } from './useStudio';

/**
 * Training and validation loss per epoch with the running batch loss; re-renders on epoch and batch events.
 * The values are deferred: React redraws the chart in an interruptible, time-sliced render, so frequent
 * batch events never hold the main thread in one long task.
 */
export function LossChart() {
  const history = useDeferredValue(useStudio((s) => s.run.history));
  const batches = useDeferredValue(useStudio((s) => s.run.batchLosses));
  const epochs = useStudio((s) => s.run.epochs);
  return <MetricChart title="Loss" history={history} batches={batches} epochs={epochs} trainKey="loss" valKey="valLoss" />;
}
