import type { RunStage } from '../../engine/training';
import { isActive } from '../../state';
import { formatTime, projectActions, useProjects } from './ProjectsBarHooks';
import { studioActions, useStudio } from '../shared/useStudio';

/** Where in a run an interruption came, in words ("during feature extraction"). */
const STAGE_WORDS: Readonly<Record<RunStage, string>> = {
  backbone: 'while the backbone was loading',
  embed: 'during feature extraction',
  search: 'during the settings search',
  train: 'during training, before its first checkpoint',
  finetune: 'during fine-tuning, before its first checkpoint',
  evaluate: 'during the final evaluation',
};

/**
 * Offers to go on with a run that was interrupted (tab closed, crashed, reloaded) from its last checkpoint,
 * or, when it was interrupted before any checkpoint (during feature extraction), to train again.
 */
export function ProjectResumeBanner() {
  const resumable = useProjects((s) => s.resumable);
  const interrupted = useProjects((s) => s.interrupted);
  const busy = useProjects((s) => s.busy);
  const training = useStudio((s) => isActive(s.run.status));
  const checking = useStudio((s) => s.ingestTask !== null);
  const hasDataset = useStudio((s) => s.dataset !== null);
  if (training) return null;
  if (!resumable && interrupted) {
    return (
      <div className="notice warning resume-banner" role="status" data-testid="interrupted-banner">
        Training was interrupted {STAGE_WORDS[interrupted.stage]} (saved {formatTime(interrupted.savedAt)}); nothing of
        that run was kept.{' '}
        <button type="button" className="primary" disabled={busy !== null || checking || !hasDataset} onClick={() => studioActions().train()}>
          Train again
        </button>{' '}
        <button type="button" onClick={() => projectActions().dismissInterrupted()}>
          Dismiss
        </button>
      </div>
    );
  }
  if (!resumable) return null;
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
