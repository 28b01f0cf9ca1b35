import { useMemo } from 'react';
import type { Prediction } from '../../engine/evaluation';
import { listMistakes } from '../../engine/evaluation';
import { useFileOfPath } from '../shared/previewFile';
import { ExplainedThumbnail } from './ExplainedThumbnail';
import { heatmapNote, useHeatmapSession } from './heatmapSession';
import { Gallery } from '../shared/Gallery';

/**
 * The misclassified images of one split, confidently wrong first, with true and predicted class; each with a
 * Heatmap toggle (for the predicted class: what the model saw) once the active classifier is loaded.
 */
export function MistakesGallery({ predictions, split }: { predictions: readonly Prediction[]; split: string }) {
  const fileOf = useFileOfPath();
  const mistakes = useMemo(() => listMistakes(predictions), [predictions]);
  const { session } = useHeatmapSession();
  return (
    <div className="mistakes" data-testid={`mistakes-${split}`}>
      <h3>
        Mistakes ({split}): {mistakes.length} of {predictions.length}
      </h3>
      {mistakes.length === 0 ? (
        <p className="muted">No image of this split was misclassified.</p>
      ) : (
        <>
          {session && <p className="muted heatmap-note">{heatmapNote(session)}</p>}
          <Gallery label="Mistakes">
            {mistakes.map((p) => (
              <ExplainedThumbnail key={p.file} file={fileOf(p.file)} path={p.file} tone="wrong" label={p.predictedClass} session={session}>
                <span>
                  true <strong>{p.trueClass}</strong>, predicted <strong>{p.predictedClass}</strong>
                </span>
                <span>{(p.confidence * 100).toFixed(1)}% sure</span>
              </ExplainedThumbnail>
            ))}
          </Gallery>
        </>
      )}
    </div>
  );
}
