import type { Prediction } from '../../engine/evaluation';
import { useFileOfPath } from '../shared/previewFile';
import { Thumbnail } from '../shared/Thumbnail';

interface CellImagesProps {
  readonly trueClass: string;
  readonly predictedClass: string;
  /** The predictions of the cell. */
  readonly predictions: readonly Prediction[];
  readonly onClose: () => void;
}

/** The images of one confusion-matrix cell, framed green when right and red when wrong. */
export function CellImages({ trueClass, predictedClass, predictions, onClose }: CellImagesProps) {
  const fileOf = useFileOfPath();
  const right = trueClass === predictedClass;
  return (
    <div className="cell-images" data-testid="cell-images">
      <h3>
        {predictions.length} {trueClass} images predicted as {predictedClass}{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </h3>
      <div className="gallery">
        {predictions.map((p) => (
          <Thumbnail key={p.file} file={fileOf(p.file)} path={p.file} tone={right ? 'right' : 'wrong'}>
            <span>{(p.confidence * 100).toFixed(1)}%</span>
          </Thumbnail>
        ))}
      </div>
    </div>
  );
}
