import { useDeferredValue } from 'react';
import { MetricChart } from './MetricChart';
import { useStudio } from './useStudio';

const UNIT: [number, number] = [0, 1];

/** Training and validation accuracy per epoch; subscribes to the history only, so batches do not redraw it. */
export function AccuracyChart() {
  const history = useDeferredValue(useStudio((s) => s.run.history));
  const epochs = useStudio((s) => s.run.epochs);
  return (
    <MetricChart title="Accuracy" history={history} epochs={epochs} trainKey="accuracy" valKey="valAccuracy" domain={UNIT} />
  );
}
