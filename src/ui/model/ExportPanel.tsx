import { useDeferredValue } from 'react';
import { ExportFormats } from './ExportFormats';
import { ImportModel } from './ImportModel';
import { modelKey } from '../predict/predictSession';
import { useStudio } from '../shared/useStudio';

/**
 * The model panel: the active classifier (trained here or opened), its export as one `.zip`, and opening a
 * model exported earlier or made with Teachable Machine. Names and labels are shown as text.
 */
export function ExportPanel() {
  // Deferred: the panel is drawn in an interruptible render, not in the task that delivers the trained model.
  const classifier = useDeferredValue(useStudio((s) => s.classifier));
  const note = useStudio((s) => s.classifierNote);
  return (
    <section className="panel" aria-label="Model export and import" id="step-use" data-testid="export-panel">
      <h2>Your model: export and open</h2>
      {classifier ? (
        <>
          <p data-testid="active-model">
            Active model: <strong>{classifier.name}</strong> ({classifier.origin === 'trained' ? 'trained here' : 'opened'};{' '}
            {classifier.model.backbone}, {classifier.model.imageSizePx}x{classifier.model.imageSizePx} input). Classes:{' '}
            <span data-testid="active-labels">{classifier.model.labels.join(', ')}</span>
          </p>
          {/* A new model starts afresh: its own weight choice, sizes and accuracy. */}
          <ExportFormats key={modelKey(classifier.model)} classifier={classifier} />
        </>
      ) : (
        <p className="muted" data-testid="active-model-none">
          {note ? `The last run gave no model to export: ${note}.` : 'Train a model, or open one, to export it.'}
        </p>
      )}
      <ImportModel />
    </section>
  );
}
