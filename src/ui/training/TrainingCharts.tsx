import { useDeferredValue } from 'react';
import { AccuracyChart } from './AccuracyChart';
import { LastEpoch } from './LastEpoch';
import { LossChart } from './LossChart';
import { useStudio } from '../shared/useStudio';

/**
 * Live loss and accuracy curves. This panel only subscribes to whether training has begun; each chart
 * subscribes to its own slice, so a batch event redraws the loss chart and nothing else.
 */
export function TrainingCharts() {
  // Deferred: the charts' first (heavy) render happens in an interruptible, time-sliced render.
  const started = useDeferredValue(useStudio((s) => s.run.history.length > 0 || s.run.batchLosses.length > 0));
  if (!started) return null;
  return (
    <section className="panel" aria-label="Training curves" data-testid="training-curves">
      <h2>Training curves</h2>
      <LastEpoch />
      <div className="charts">
        <LossChart />
        <AccuracyChart />
      </div>
    </section>
  );
}
