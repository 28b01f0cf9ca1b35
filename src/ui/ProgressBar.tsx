import type { RunStage } from '../engine/events';
import { useStudio } from './useStudio';

const STAGE_LABELS: Record<RunStage, string> = {
  backbone: 'Loading the backbone',
  embed: 'Computing image features',
  train: 'Training the head',
  evaluate: 'Evaluating',
};

/** The current stage of a run and how far it has got. */
export function ProgressBar() {
  const stage = useStudio((s) => s.run.stage);
  const done = useStudio((s) => s.run.progress.done);
  const total = useStudio((s) => s.run.progress.total);
  const epochs = useStudio((s) => s.settings.epochs);
  const epochsDone = useStudio((s) => s.run.history.length);
  if (!stage) return null;
  const [value, max, detail] =
    stage === 'train' ? [epochsDone, epochs, `epoch ${epochsDone} of ${epochs}`] : [done, Math.max(total, 1), `${done} / ${total}`];
  return (
    <div className="progress" data-testid="progress">
      <progress value={value} max={max} aria-label={STAGE_LABELS[stage]} />
      <span>
        {STAGE_LABELS[stage]}: {detail}
      </span>
    </div>
  );
}
