import { useDeferredValue } from 'react';
import { CHART_UPDATE_MS, MetricChart } from './MetricChart';
import { useStudio } from '../shared/useStudio';
import { useThrottled } from '../shared/useThrottled';

const UNIT: [number, number] = [0, 1];

/** Training and validation accuracy per epoch; subscribes to the history only, so batches do not redraw it. */
export function AccuracyChart() {
  const running = useStudio((s) => s.run.status === 'running');
  const history = useDeferredValue(useThrottled(useStudio((s) => s.run.history), running ? CHART_UPDATE_MS : 0));
  const epochs = useStudio((s) => s.run.epochs);
  return (
    <MetricChart title="Accuracy" history={history} epochs={epochs} trainKey="accuracy" valKey="valAccuracy" domain={UNIT} />
  );
}
