import { bytesIn } from '../../core/bytes';
import type { IngestTask } from '../../state';
import { studioActions, useStudio } from '../shared/useStudio';

const STAGE_LABELS: Record<IngestTask['stage'], string> = {
  reading: 'Reading…',
  unzipping: 'Unzipping…',
  scanning: 'Checking images…',
};

/** `done / total` in the unit of the stage: bytes (shown in MB) while unzipping, files otherwise. */
function amount(task: IngestTask): string {
  if (task.stage === 'unzipping') return `${bytesIn(task.done, 'MB').toFixed(1)} / ${bytesIn(task.total, 'MB').toFixed(1)} MB`;
  return `${task.done} / ${task.total}`;
}

/** What the ingest is doing (reading, unzipping, checking every image), how far it got, and a Cancel button. */
export function IngestProgress() {
  const task = useStudio((s) => s.ingestTask);
  if (!task) return null;
  return (
    <div className="progress ingest-progress" data-testid="ingest-progress" role="status">
      <progress value={task.total > 0 ? task.done : undefined} max={task.total > 0 ? task.total : undefined} aria-label={STAGE_LABELS[task.stage]} />
      <span data-testid="ingest-progress-detail">
        {STAGE_LABELS[task.stage]} {task.total > 0 ? amount(task) : ''}
      </span>
      <button type="button" onClick={() => studioActions().cancelIngest()}>
        Cancel
      </button>
    </div>
  );
}
