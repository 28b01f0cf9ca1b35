import { useStudio } from '../shared/useStudio';

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * A polite live region that tells screen-reader users what a run just did: each finished epoch (with its
 * validation accuracy) and the end of the run. Always in the page, so the first announcement is not lost;
 * visually hidden (the curves and results show the same).
 */
export function RunAnnouncer() {
  const status = useStudio((s) => s.run.status);
  const last = useStudio((s) => s.run.history.at(-1));
  const epochs = useStudio((s) => s.run.epochs);
  const report = useStudio((s) => s.run.report);
  const message = useStudio((s) => s.run.message);
  let text = '';
  if (status === 'done' && report) {
    text = `Training finished: ${report.evaluation.split === 'test' ? 'test' : 'validation'} accuracy ${percent(report.evaluation.accuracy)}.`;
  } else if (status === 'stopped') {
    text = 'Training stopped.';
  } else if (status === 'error') {
    text = `Training failed${message ? `: ${message}` : '.'}`;
  } else if ((status === 'running' || status === 'paused') && last) {
    const val = Number.isFinite(last.valAccuracy) ? `, validation accuracy ${percent(last.valAccuracy)}` : '';
    text = `Epoch ${last.epoch} of ${epochs} finished${val}.`;
  }
  return (
    <p className="visually-hidden" role="status" aria-live="polite" data-testid="run-announcer">
      {text}
    </p>
  );
}
