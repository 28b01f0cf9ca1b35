import type { RunStage } from '../../engine/training';
import { trainingFraction } from '../../state';
import { useStudio } from '../shared/useStudio';

/** Each stage of a run in words, as the progress bar and the step bar name it. */
export const STAGE_LABELS: Readonly<Record<RunStage, string>> = {
  backbone: 'Loading the backbone',
  embed: 'Computing image features',
  search: 'Searching head settings (trials on validation)',
  train: 'Stage 1: training the head',
  finetune: 'Stage 2: fine-tuning the top blocks with the head',
  evaluate: 'Evaluating',
};

/** Where a run is: its stage, the share done (0-1), how far in words, and the time left (ms, null when unknown). */
export interface RunProgress {
  readonly stage: RunStage;
  readonly value: number;
  readonly detail: string;
  readonly remainingMs: number | null;
}

/** The current run's progress (epoch and batch while training, rows done of all otherwise); null when no stage is under way. */
export function useRunProgress(): RunProgress | null {
  const stage = useStudio((s) => s.run.stage);
  const done = useStudio((s) => s.run.progress.done);
  const total = useStudio((s) => s.run.progress.total);
  const epochs = useStudio((s) => s.run.epochs);
  const epochsDone = useStudio((s) => s.run.history.length);
  const batch = useStudio((s) => s.run.batch);
  const remainingMs = useStudio((s) => s.run.pace.remainingMs);
  if (!stage) return null;
  if (stage === 'train' || stage === 'finetune') {
    // The latest batch event may belong to an epoch that has since ended.
    const inEpoch = batch && batch.epoch > epochsDone ? batch : null;
    return {
      stage, remainingMs,
      value: inEpoch ? trainingFraction(inEpoch.epoch, inEpoch.batch, inEpoch.batchesPerEpoch, epochs) : epochsDone / Math.max(epochs, 1),
      detail: inEpoch ? `epoch ${inEpoch.epoch} of ${epochs}, batch ${inEpoch.batch} of ${inEpoch.batchesPerEpoch}` : `epoch ${epochsDone} of ${epochs}`,
    };
  }
  return { stage, remainingMs, value: total > 0 ? done / total : 0, detail: `${done} / ${total}` };
}
