/**
 * Confidence people can trust: temperature scaling fitted on the validation split (never on test), the
 * expected calibration error before and after on every held-out split, and an "unknown" threshold on the
 * calibrated confidence chosen on validation for the share of known images the user accepts to lose. Pure
 * functions of probability matrices (row-major `[n, classes]`), tested in Node.
 *
 * Temperature scaling (Guo et al., 2017) divides the logits by one number T before the softmax: the predicted
 * class never changes, only how sure the model says it is. The classifier outputs probabilities, so their
 * logarithms serve as logits (a softmax does not change when every logit moves by the same amount).
 */
import type { SplitName } from '../../core/types';

/** Bins of the reliability diagram and of the expected calibration error (equal width over confidence). */
export const CALIBRATION_BINS = 10;
/** The temperatures searched, as [lowest, highest]: wide enough for a very over- or under-confident head. */
const TEMPERATURE_RANGE = [0.05, 20] as const;
/** Probabilities are clamped to this before their logarithm (a softmax can round to exactly 0). */
const MIN_PROBABILITY = 1e-12;
/** Validation images needed to fit a temperature and a threshold: fewer would fit noise. */
export const MIN_CALIBRATION_IMAGES = 10;

/** Probabilities of one split: `probabilities[i * classes + c]`, and each image's true class. */
export interface SplitProbabilities {
  readonly split: SplitName;
  readonly probabilities: Float32Array;
  readonly labels: Int32Array;
}

/** One bin of a reliability diagram: images whose confidence falls in it, their mean confidence and accuracy. */
export interface ReliabilityBin {
  readonly count: number;
  readonly confidence: number;
  readonly accuracy: number;
}

/** How well a split's confidences matched its accuracy, before and after the temperature. */
export interface SplitCalibration {
  readonly split: SplitName;
  /** The temperature (fitted on `val`, the same for every split). */
  readonly temperature: number;
  readonly eceBefore: number;
  readonly eceAfter: number;
  readonly reliabilityBefore: readonly ReliabilityBin[];
  readonly reliabilityAfter: readonly ReliabilityBin[];
  /** Share of the split's images (all of known classes) whose calibrated confidence is under `unknownThreshold`. */
  readonly rejectedShare: number;
}

/** What a run learns about its confidence: per held-out split, and the threshold below which it answers "unknown". */
export interface CalibrationResult {
  readonly temperature: number;
  readonly splits: readonly SplitCalibration[];
  /** Calibrated confidence under which a prediction is "unknown" (0: never), chosen on `val`. */
  readonly unknownThreshold: number;
  /** The share of known validation images the threshold was chosen to reject at most. */
  readonly rejectTarget: number;
}

/** Probabilities divided in temperature: softmax(log p / T), row by row. */
export function withTemperature(probabilities: Float32Array, classes: number, temperature: number): Float32Array {
  const out = new Float32Array(probabilities.length);
  for (let row = 0; row < probabilities.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, Math.log(Math.max(probabilities[row + c] ?? 0, MIN_PROBABILITY)) / temperature);
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp(Math.log(Math.max(probabilities[row + c] ?? 0, MIN_PROBABILITY)) / temperature - max);
      out[row + c] = e;
      sum += e;
    }
    for (let c = 0; c < classes; c++) out[row + c] = (out[row + c] ?? 0) / sum;
  }
  return out;
}

/** Each row's largest probability and its class (the first of equal ones). */
export function topOf(probabilities: Float32Array, classes: number): { confidence: Float64Array; predicted: Int32Array } {
  const n = Math.floor(probabilities.length / classes);
  const confidence = new Float64Array(n);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if ((probabilities[i * classes + c] ?? 0) > (probabilities[i * classes + best] ?? 0)) best = c;
    predicted[i] = best;
    confidence[i] = probabilities[i * classes + best] ?? 0;
  }
  return { confidence, predicted };
}

/** Mean negative log-likelihood of the true classes at temperature `t` (1: the probabilities as they are). */
export function nll(probabilities: Float32Array, classes: number, labels: Int32Array, t: number): number {
  const scaled = withTemperature(probabilities, classes, t);
  let sum = 0;
  for (let i = 0; i < labels.length; i++) sum -= Math.log(Math.max(scaled[i * classes + (labels[i] ?? 0)] ?? 0, MIN_PROBABILITY));
  return sum / Math.max(labels.length, 1);
}

/**
 * The temperature that minimises the validation negative log-likelihood: a golden-section search on log T
 * over `TEMPERATURE_RANGE` (the likelihood has one minimum in T), to 1e-4 in log T. Deterministic.
 */
export function fitTemperature(probabilities: Float32Array, classes: number, labels: Int32Array): number {
  const ratio = (Math.sqrt(5) - 1) / 2;
  let [lo, hi] = [Math.log(TEMPERATURE_RANGE[0]), Math.log(TEMPERATURE_RANGE[1])];
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = nll(probabilities, classes, labels, Math.exp(a));
  let fb = nll(probabilities, classes, labels, Math.exp(b));
  while (hi - lo > 1e-4) {
    if (fa <= fb) {
      [hi, b, fb] = [b, a, fa];
      a = hi - ratio * (hi - lo);
      fa = nll(probabilities, classes, labels, Math.exp(a));
    } else {
      [lo, a, fa] = [a, b, fb];
      b = lo + ratio * (hi - lo);
      fb = nll(probabilities, classes, labels, Math.exp(b));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** The reliability diagram of a split: `CALIBRATION_BINS` equal-width bins of confidence (empty bins count 0). */
export function reliability(probabilities: Float32Array, classes: number, labels: Int32Array): ReliabilityBin[] {
  const { confidence, predicted } = topOf(probabilities, classes);
  const bins = Array.from({ length: CALIBRATION_BINS }, () => ({ count: 0, confidence: 0, correct: 0 }));
  confidence.forEach((p, i) => {
    const bin = bins[Math.min(CALIBRATION_BINS - 1, Math.floor(p * CALIBRATION_BINS))];
    if (!bin) return;
    bin.count++;
    bin.confidence += p;
    bin.correct += predicted[i] === labels[i] ? 1 : 0;
  });
  return bins.map((b) => ({ count: b.count, confidence: b.count ? b.confidence / b.count : 0, accuracy: b.count ? b.correct / b.count : 0 }));
}

/** Expected calibration error: the images' share-weighted gap between confidence and accuracy over the bins. */
export function expectedCalibrationError(bins: readonly ReliabilityBin[]): number {
  const n = bins.reduce((s, b) => s + b.count, 0);
  return n === 0 ? 0 : bins.reduce((s, b) => s + (b.count / n) * Math.abs(b.accuracy - b.confidence), 0);
}

/**
 * The confidence under which a prediction is "unknown": the largest value that rejects at most `target` of the
 * given (known) images, i.e. the `floor(target * n)`-th smallest confidence (0, rejecting nothing, when that is 0).
 */
export function unknownThresholdFor(confidence: ArrayLike<number>, target: number): number {
  const sorted = Float64Array.from(confidence).sort();
  const rejected = Math.floor(Math.max(0, Math.min(1, target)) * sorted.length);
  return rejected === 0 ? 0 : (sorted[rejected] ?? 0);
}

/**
 * Fits the temperature and the threshold on `val` (with at least `MIN_CALIBRATION_IMAGES` images; else null)
 * and measures every split given with them; `test` is only ever measured, never fitted on.
 */
export function calibrate(splits: readonly SplitProbabilities[], classes: number, rejectTarget: number): CalibrationResult | null {
  const val = splits.find((s) => s.split === 'val');
  if (!val || val.labels.length < MIN_CALIBRATION_IMAGES) return null;
  const temperature = fitTemperature(val.probabilities, classes, val.labels);
  const unknownThreshold = unknownThresholdFor(topOf(withTemperature(val.probabilities, classes, temperature), classes).confidence, rejectTarget);
  const measured = splits.map((s): SplitCalibration => {
    const scaled = withTemperature(s.probabilities, classes, temperature);
    const reliabilityBefore = reliability(s.probabilities, classes, s.labels);
    const reliabilityAfter = reliability(scaled, classes, s.labels);
    const { confidence } = topOf(scaled, classes);
    return {
      split: s.split, temperature, reliabilityBefore, reliabilityAfter,
      eceBefore: expectedCalibrationError(reliabilityBefore), eceAfter: expectedCalibrationError(reliabilityAfter),
      rejectedShare: confidence.length ? confidence.filter((p) => p < unknownThreshold).length / confidence.length : 0,
    };
  });
  return { temperature, splits: measured, unknownThreshold, rejectTarget };
}
