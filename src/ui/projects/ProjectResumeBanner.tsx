import { isActive } from '../../state';
import { formatTime, projectActions, useProjects } from './ProjectsBarHooks';
import { useStudio } from '../shared/useStudio';

/** Offers to go on with a run that was interrupted (tab closed, crashed, reloaded) from its last checkpoint. */
export function ProjectResumeBanner() {
  const resumable = useProjects((s) => s.resumable);
  const busy = useProjects((s) => s.busy);
  const training = useStudio((s) => isActive(s.run.status));
  const checking = useStudio((s) => s.ingestTask !== null);
  if (!resumable || training) return null;
  return (
    <div className="notice warning resume-banner" role="status" data-testid="resume-banner">
      Training was interrupted after epoch {resumable.epoch} of {resumable.epochs} (saved {formatTime(resumable.savedAt)}).{' '}
      <button type="button" className="primary" disabled={busy !== null || checking} onClick={() => projectActions().resumeTraining()}>
        Resume training
      </button>{' '}
      <button type="button" disabled={busy !== null} onClick={() => void projectActions().discardCheckpoint()}>
        Discard
      </button>
    </div>
  );
}
