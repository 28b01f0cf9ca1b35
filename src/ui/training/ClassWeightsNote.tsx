import { useMemo } from 'react';
import { countItems } from '../../core/types';
import type { Dataset } from '../../core/types';
import { resolveClassWeights } from '../../engine/training';
import { useStudio } from '../shared/useStudio';

const SETTING_TEXT = {
  auto: 'Class weights are applied automatically (Class weighting: auto)',
  balanced: 'Class weights are applied (Class weighting: balanced)',
  none: 'Class weighting is off in the settings, so each image counts the same',
} as const;

/**
 * Shown when the dataset has an `imbalance` note: whether training weighs the classes (the `classWeighting`
 * setting) and the weights it uses, scikit-learn's balanced weights on the training counts (rare classes
 * count more, so each class weighs the same in the loss).
 */
export function ClassWeightsNote({ dataset }: { readonly dataset: Dataset }) {
  const weighting = useStudio((s) => s.settings.classWeighting);
  const train = useMemo(() => {
    const counts = countItems(dataset).train ?? {};
    return dataset.classes.map((name) => counts[name] ?? 0);
  }, [dataset]);
  if (!dataset.notes?.some((n) => n.code === 'imbalance')) return null;
  const weights = resolveClassWeights(weighting, train);
  return (
    <div className="class-weights" data-testid="class-weights">
      <p>
        {weights === null && weighting === 'auto'
          ? 'The training split is balanced within 1.5 times, so no class weights are needed (Class weighting: auto).'
          : `${SETTING_TEXT[weighting]}${weights ? ': a rare class counts more in the loss, so the large classes do not dominate.' : '.'}`}
      </p>
      {weights && (
        <div className="table-scroll">
          <table className="counts">
            <thead>
              <tr>
                <th>Class</th>
                <th>Training images</th>
                <th>Weight</th>
              </tr>
            </thead>
            <tbody>
              {dataset.classes.map((name, i) => (
                <tr key={name}>
                  <td>{name}</td>
                  <td>{train[i]}</td>
                  <td data-testid={`class-weight-${name}`}>{(weights[i] ?? 1).toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
