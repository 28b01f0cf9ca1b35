/**
 * What says a finished run went wrong, named in words on screen and in `report.json` (`runWarnings`): a loss
 * that diverged, a model that collapsed onto one class, a validation split too small to judge the model by.
 * Pure functions of the run's history, evaluations and counts.
 */
import type { SplitCounts } from '../../core/types';
import type { EpochMetrics } from '../training/metrics';
import type { Evaluation, RunWarning } from './report';

/** Validation images per class below which the validation accuracy and early stopping mean little. */
export const MIN_VALIDATION_PER_CLASS = 5;
/** A stage's training loss ending this many times its first epoch's counts as diverged (a normal run's falls). */
const DIVERGED_RISE = 1.1;
/** Share of a split's images predicted as one class that counts as a collapse (when the class is not that share of the split). */
const COLLAPSE_SHARE = 0.95;

/**
 * The warnings of a run (empty when nothing went wrong):
 * - `loss-diverged`: a stage's training loss ended over 10% higher than its first epoch's, or became NaN or infinite;
 * - `model-collapsed`: on a held-out split with two classes or more, at least 95% of the images were put in one
 *   class that holds less than 95% of them (the model answers one class for everything);
 * - `validation-too-small`: a class has fewer than `MIN_VALIDATION_PER_CLASS` validation images.
 */
export function runWarnings(history: readonly EpochMetrics[], evaluations: readonly Evaluation[], counts: SplitCounts): RunWarning[] {
  const warnings: RunWarning[] = [];
  const diverged = divergedStage(history);
  if (diverged) warnings.push({ code: 'loss-diverged', message: diverged });
  for (const evaluation of evaluations) {
    const collapsed = collapse(evaluation);
    if (collapsed) warnings.push({ code: 'model-collapsed', message: collapsed });
  }
  const val = counts.val ?? {};
  const small = Object.entries(val).filter(([, n]) => n < MIN_VALIDATION_PER_CLASS);
  if (small.length > 0) {
    warnings.push({
      code: 'validation-too-small',
      message:
        `The validation split is too small to judge the model by: ${small.map(([name, n]) => `${name} has ${n} image${n === 1 ? '' : 's'}`).join(', ')} ` +
        `(at least ${MIN_VALIDATION_PER_CLASS} per class are needed). Its accuracy moves by whole images and early stopping follows noise: add images, or raise the validation fraction.`,
    });
  }
  return warnings;
}

/** A sentence on the first stage whose training loss diverged, or null. */
function divergedStage(history: readonly EpochMetrics[]): string | null {
  for (const stage of [1, 2] as const) {
    const epochs = history.filter((m) => (m.stage ?? 1) === stage);
    const first = epochs[0];
    const last = epochs.at(-1);
    if (!first || !last) continue;
    const name = stage === 1 ? 'the head (stage 1)' : 'fine-tuning (stage 2)';
    const rate = stage === 1 ? 'learning rate' : 'stage-2 learning rate';
    if (epochs.some((m) => !Number.isFinite(m.loss))) {
      return `Training diverged: the loss of ${name} became ${epochs.find((m) => !Number.isFinite(m.loss))?.loss}. Lower the ${rate} (try a tenth of it) and train again.`;
    }
    if (epochs.length >= 2 && last.loss > first.loss * DIVERGED_RISE) {
      return `Training diverged: the loss of ${name} rose from ${first.loss.toFixed(2)} to ${last.loss.toFixed(2)} instead of falling. Lower the ${rate} (try a tenth of it) and train again.`;
    }
  }
  return null;
}

/** A sentence when the model put (nearly) every image of the split in one class, or null. */
function collapse(evaluation: Evaluation): string | null {
  const matrix = evaluation.confusionMatrix;
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  const present = evaluation.perClass.filter((c) => c.support > 0).length;
  if (total === 0 || present < 2) return null;
  const predicted = evaluation.perClass.map((_, p) => matrix.reduce((n, row) => n + (row[p] ?? 0), 0));
  const top = predicted.indexOf(Math.max(...predicted));
  const share = (predicted[top] ?? 0) / total;
  const support = (evaluation.perClass[top]?.support ?? 0) / total;
  if (share < COLLAPSE_SHARE || support >= COLLAPSE_SHARE) return null;
  const name = evaluation.perClass[top]?.class ?? '?';
  const never = evaluation.perClass.filter((c, i) => c.support > 0 && predicted[i] === 0).map((c) => c.class);
  return (
    `The model collapsed on ${evaluation.split}: it put ${predicted[top]} of ${total} images (${(share * 100).toFixed(0)}%) in "${name}"` +
    `${never.length > 0 ? ` and never predicted ${never.map((c) => `"${c}"`).join(', ')}` : ''}. ` +
    `It has not learnt to tell the classes apart: check the labels, lower the learning rate, or add images.`
  );
}
