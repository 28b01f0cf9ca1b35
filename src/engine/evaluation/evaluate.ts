/**
 * Classification metrics (confusion matrix, accuracy, per-class precision / recall / F1, macro and weighted
 * averages). Plain arithmetic on class indices; `heldOut.ts` turns a model's outputs into them.
 */
import type { SplitName } from '../../core/types';
import type { AveragedMetrics, ClassMetrics, Evaluation } from './report';

/**
 * Scores predictions against labels, as scikit-learn's `classification_report(..., labels=all classes)`:
 * - `confusionMatrix[t][p]` counts samples of true class t predicted as p (classes.length square).
 * - `accuracy` = correct / n; NaN when there are no samples.
 * - per class: precision = tp / predicted (null when the class was never predicted), recall = tp / support
 *   (null when support is 0), F1 = 2pr / (p + r) (null when either is null, 0 when both are 0).
 * - `macroAvg`: unweighted mean over all classes, counting a null as 0 (scikit-learn's default
 *   zero_division); `weightedAvg`: mean weighted by support (nulls as 0). Both carry the total support.
 * yTrue, yPred: equal-length class indices in [0, classes.length); throws otherwise.
 */
export function evaluate(
  split: SplitName,
  classes: readonly string[],
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
): Evaluation {
  const k = classes.length;
  const n = yTrue.length;
  if (yPred.length !== n) throw new Error(`evaluate: ${n} labels but ${yPred.length} predictions`);
  const confusionMatrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = classIndex(yTrue[i], k, 'yTrue', i);
    const p = classIndex(yPred[i], k, 'yPred', i);
    (confusionMatrix[t] as number[])[p] = ((confusionMatrix[t] as number[])[p] ?? 0) + 1;
    if (t === p) correct++;
  }
  const perClass = classes.map((name, c): ClassMetrics => {
    const tp = confusionMatrix[c]?.[c] ?? 0;
    const support = sum(confusionMatrix[c] ?? []);
    const predicted = sum(confusionMatrix.map((row) => row[c] ?? 0));
    const precision = predicted === 0 ? null : tp / predicted;
    const recall = support === 0 ? null : tp / support;
    return { class: name, precision, recall, f1: f1Score(precision, recall), support };
  });
  return {
    split,
    accuracy: n === 0 ? NaN : correct / n,
    confusionMatrix,
    perClass,
    macroAvg: average(perClass, () => 1),
    weightedAvg: average(perClass, (m) => m.support),
  };
}

/** F1 from precision and recall: null when either is null, 0 when both are 0. */
export function f1Score(precision: number | null, recall: number | null): number | null {
  if (precision === null || recall === null) return null;
  return precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

function average(perClass: readonly ClassMetrics[], weightOf: (m: ClassMetrics) => number): AveragedMetrics {
  const totalWeight = sum(perClass.map(weightOf));
  const mean = (pick: (m: ClassMetrics) => number | null): number =>
    totalWeight === 0 ? 0 : sum(perClass.map((m) => (pick(m) ?? 0) * weightOf(m))) / totalWeight;
  return {
    precision: mean((m) => m.precision),
    recall: mean((m) => m.recall),
    f1: mean((m) => m.f1),
    support: sum(perClass.map((m) => m.support)),
  };
}

function classIndex(value: number | undefined, k: number, name: string, i: number): number {
  if (value === undefined || !Number.isInteger(value) || value < 0 || value >= k) {
    throw new Error(`evaluate: ${name}[${i}] = ${value} is not a class index in [0, ${k})`);
  }
  return value;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
