import type { RunStage } from '../../engine/training';
import { formatDuration, trainingFraction } from '../../state';
import { useStudio } from '../shared/useStudio';

const STAGE_LABELS: Record<RunStage, string> = {
  backbone: 'Loading the backbone',
  embed: 'Computing image features',
  search: 'Searching head settings (trials on validation)',
  train: 'Stage 1: training the head',
  finetune: 'Stage 2: fine-tuning the top blocks with the head',
  evaluate: 'Evaluating',
};

/** The current stage of a run, how far it has got (epoch and batch while training), its pace and ETA. */
export function ProgressBar() {
  const stage = useStudio((s) => s.run.stage);
  const done = useStudio((s) => s.run.progress.done);
  const total = useStudio((s) => s.run.progress.total);
  const epochs = useStudio((s) => s.run.epochs);
  const epochsDone = useStudio((s) => s.run.history.length);
  const batch = useStudio((s) => s.run.batch);
  const pace = useStudio((s) => s.run.pace);
  const backend = useStudio((s) => s.run.backend);
  if (!stage) return null;
  let value: number;
  let detail: string;
  if (stage === 'train' || stage === 'finetune') {
    // The latest batch event may belong to an epoch that has since ended.
    const inEpoch = batch && batch.epoch > epochsDone ? batch : null;
    value = inEpoch ? trainingFraction(inEpoch.epoch, inEpoch.batch, inEpoch.batchesPerEpoch, epochs) : epochsDone / Math.max(epochs, 1);
    detail = inEpoch
      ? `epoch ${inEpoch.epoch} of ${epochs}, batch ${inEpoch.batch} of ${inEpoch.batchesPerEpoch}`
      : `epoch ${epochsDone} of ${epochs}`;
  } else {
    value = total > 0 ? done / total : 0;
    detail = `${done} / ${total}`;
  }
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
