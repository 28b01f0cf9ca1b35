import type { ClassScore } from '../../engine/predict';
import { useStudio } from '../shared/useStudio';

/** What Predict and Webcam say for an image whose best calibrated probability is under the model's threshold. */
export const UNKNOWN_LABEL = 'unknown';

/** The "unknown" threshold of the classifier in use (0, never unknown, for a model without calibration). */
export function useUnknownThreshold(): number {
  return useStudio((s) => s.classifier?.model.calibration?.unknownThreshold ?? 0);
}

/** Whether `top` (best first) falls under `threshold`: the model does not know this image. */
export function isUnknown(top: readonly ClassScore[], threshold: number): boolean {
  const best = top[0];
  return best !== undefined && best.probability < threshold;
}
