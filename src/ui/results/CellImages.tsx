import type { Prediction } from '../../engine/evaluation';
import { useFileOfPath } from '../shared/previewFile';
import { ExplainedThumbnail } from './ExplainedThumbnail';
import { heatmapNote, useHeatmapSession } from './heatmapSession';
import { Gallery } from '../shared/Gallery';

interface CellImagesProps {
  readonly trueClass: string;
  readonly predictedClass: string;
  /** The predictions of the cell. */
  readonly predictions: readonly Prediction[];
  readonly onClose: () => void;
}

/**
 * The images of one confusion-matrix cell, framed green when right and red when wrong, each with a Heatmap
 * toggle for the cell's predicted class.
 */
export function CellImages({ trueClass, predictedClass, predictions, onClose }: CellImagesProps) {
  const fileOf = useFileOfPath();
  const { session } = useHeatmapSession();
  const right = trueClass === predictedClass;
  return (
    <div className="cell-images" data-testid="cell-images">
      <h3>
        {predictions.length} {trueClass} images predicted as {predictedClass}{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </h3>
      {session && predictions.length > 0 && <p className="muted heatmap-note">{heatmapNote(session)}</p>}
      <Gallery label="Images of this cell">
        {predictions.map((p) => (
          <ExplainedThumbnail key={p.file} file={fileOf(p.file)} path={p.file} tone={right ? 'right' : 'wrong'} label={p.predictedClass} session={session}>
            <span>{(p.confidence * 100).toFixed(1)}%</span>
          </ExplainedThumbnail>
        ))}
      </Gallery>
    </div>
  );
}
