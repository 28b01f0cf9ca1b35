import { useMemo, useState } from 'react';
import type { Evaluation, StudioReport } from '../../engine/evaluation';
import { cellPredictions } from '../../engine/evaluation';
import { CellImages } from './CellImages';
import { ClassReport } from './ClassReport';
import { ConfusionMatrix } from './ConfusionMatrix';
import type { MatrixCell } from './ConfusionMatrix';
import { MistakesGallery } from './MistakesGallery';

/** One held-out split: confusion matrix (click a cell for its images), classification report, mistakes. `report` may be a finished report or results taken mid-training. */
export function SplitResults({ report, evaluation }: { report: Pick<StudioReport, 'classes' | 'predictions'>; evaluation: Evaluation }) {
  const [selected, setSelected] = useState<MatrixCell | null>(null);
  const predictions = useMemo(
    () => report.predictions.filter((p) => p.split === evaluation.split),
    [report, evaluation.split],
  );
  const trueClass = selected ? report.classes[selected.trueIndex] : undefined;
  const predictedClass = selected ? report.classes[selected.predictedIndex] : undefined;
  return (
    <div data-testid={`results-${evaluation.split}`}>
      <div className="result">
        <ConfusionMatrix evaluation={evaluation} classes={report.classes} selected={selected} onSelect={setSelected} />
        <ClassReport evaluation={evaluation} />
      </div>
      {trueClass !== undefined && predictedClass !== undefined && (
        <CellImages
          trueClass={trueClass}
          predictedClass={predictedClass}
          predictions={cellPredictions(predictions, evaluation.split, trueClass, predictedClass)}
          onClose={() => setSelected(null)}
        />
      )}
      <MistakesGallery predictions={predictions} split={evaluation.split} />
    </div>
  );
}
