/**
 * Pure helpers over a run's predictions and confusion matrices, shared by the report, the results view and
 * the tests: the mistakes (most confident first), one confusion cell's images, row-normalised rates.
 */
import type { SplitName } from '../../core/types';
import type { Evaluation, MistakesBySplit, Prediction } from './report';

/**
 * The wrong predictions among `predictions`, sorted by confidence, highest ("confidently wrong") first;
 * equal confidences keep the order of `predictions`. Returns a new array; the input is not changed.
 */
export function listMistakes<P extends Prediction>(predictions: readonly P[]): P[] {
  return predictions
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.trueClass !== p.predictedClass)
    .sort((a, b) => b.p.confidence - a.p.confidence || a.i - b.i)
    .map(({ p }) => p);
}

/** Per evaluated split, the files predicted wrongly, most confident first (`report.json`'s `mistakes`). */
export function mistakesBySplit(evaluations: readonly Evaluation[], predictions: readonly Prediction[]): MistakesBySplit {
  return Object.fromEntries(evaluations.map((e) => [e.split, listMistakes(predictions.filter((p) => p.split === e.split)).map((p) => p.file)]));
}

/** The predictions of one confusion-matrix cell: `split`, true class `trueClass`, predicted `predictedClass`. */
export function cellPredictions<P extends Prediction>(
  predictions: readonly P[],
  split: SplitName,
  trueClass: string,
  predictedClass: string,
): P[] {
  return predictions.filter((p) => p.split === split && p.trueClass === trueClass && p.predictedClass === predictedClass);
}

/**
 * Divides each row of a confusion matrix by its total, giving per true class the share predicted as each
 * class (each row sums to 1, the diagonal is the recall). A row with no samples becomes all zeros.
 */
export function rowNormalise(matrix: readonly (readonly number[])[]): number[][] {
  return matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count) => (total > 0 ? count / total : 0));
  });
}
