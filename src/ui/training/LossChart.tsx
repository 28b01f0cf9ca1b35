import { useDeferredValue } from 'react';
import { CHART_UPDATE_MS, MetricChart } from './MetricChart';
import { useStudio } from '../shared/useStudio';
import { useThrottled } from '../shared/useThrottled';

/**
 * Training and validation loss per epoch with the running batch loss; redrawn at most once every
 * `CHART_UPDATE_MS` while training. The values are also deferred: React renders the chart in an
 * interruptible, time-sliced render.
 */
export function LossChart() {
  const running = useStudio((s) => s.run.status === 'running');
  const history = useDeferredValue(useThrottled(useStudio((s) => s.run.history), running ? CHART_UPDATE_MS : 0));
  const batches = useDeferredValue(useThrottled(useStudio((s) => s.run.batchLosses), running ? CHART_UPDATE_MS : 0));
  const epochs = useStudio((s) => s.run.epochs);
  return <MetricChart title="Loss" history={history} batches={batches} epochs={epochs} trainKey="loss" valKey="valLoss" />;
}
