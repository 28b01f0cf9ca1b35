import { useDeferredValue } from 'react';
import { modelKey } from './predictSession';
import { PredictView } from './PredictView';
import { useStudio } from '../shared/useStudio';

/** Classifies new images with the active classifier; shown once there is one (trained or imported). */
export function PredictPanel() {
  // Deferred: the panel is drawn in an interruptible render, not in the task that delivers the trained model.
  const classifier = useDeferredValue(useStudio((s) => s.classifier));
  if (!classifier) return null;
  // A new classifier starts afresh: no results or label mapping of the last one.
  return <PredictView key={modelKey(classifier.model)} classifier={classifier} />;
}
