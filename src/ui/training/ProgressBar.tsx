import { formatDuration } from '../../state';
import { STAGE_LABELS, useRunProgress } from './runProgress';
import { useStudio } from '../shared/useStudio';

/** The current stage of a run, how far it has got (epoch and batch while training), its pace and ETA. */
export function ProgressBar() {
  const progress = useRunProgress();
  const pace = useStudio((s) => s.run.pace);
  const backend = useStudio((s) => s.run.backend);
  if (!progress) return null;
  const { stage, value, detail } = progress;
  const rate = pace.imagesPerSecond === null ? null : `${pace.imagesPerSecond.toFixed(1)} images/s`;
  return (
    <div className="progress" data-testid="progress">
      <progress value={value} max={1} aria-label={STAGE_LABELS[stage]} />
      <span data-testid="progress-detail">
        {STAGE_LABELS[stage]}: {detail}
        {rate ? `, ${rate}` : ''}
        {pace.remainingMs !== null ? `, about ${formatDuration(pace.remainingMs)} left` : ''}
        {backend ? ` (on ${backend})` : ''}
      </span>
    </div>
  );
}
