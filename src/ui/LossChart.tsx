import { MetricChart } from './MetricChart';
import { useStudio } from './useStudio';

/** Training and validation loss per epoch with the running batch loss; re-renders on epoch and batch events. */
export function LossChart() {
  const history = useStudio((s) => s.run.history);
  const batches = useStudio((s) => s.run.batchLosses);
  const epochs = useStudio((s) => s.run.epochs);
  return <MetricChart title="Loss" history={history} batches={batches} epochs={epochs} trainKey="loss" valKey="valLoss" />;
}
