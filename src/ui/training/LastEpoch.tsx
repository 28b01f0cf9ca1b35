import { useStudio } from '../shared/useStudio';

/** One line with the latest epoch's numbers. */
export function LastEpoch() {
  const last = useStudio((s) => s.run.history[s.run.history.length - 1]);
  if (!last) return null;
  return (
    <p className="muted" data-testid="last-epoch">
      Epoch {last.epoch}: loss {last.loss.toFixed(3)}, accuracy {(last.accuracy * 100).toFixed(1)}%, validation loss{' '}
      {last.valLoss.toFixed(3)}, validation accuracy {(last.valAccuracy * 100).toFixed(1)}%
    </p>
  );
}
