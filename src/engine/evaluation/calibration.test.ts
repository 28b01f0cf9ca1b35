import { describe, expect, it } from 'vitest';
import { calibrate, expectedCalibrationError, fitTemperature, reliability, unknownThresholdFor, withTemperature } from './calibration';

/** A seeded stream of numbers in [0, 1) (a linear congruential generator: the same numbers every run). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * `n` images of 3 classes from an over-confident model: right `accuracy` of the time, and then, right or wrong,
 * putting about 0.97 on its answer.
 */
function overconfident(n: number, accuracy: number, seed: number): { probabilities: Float32Array; labels: Int32Array } {
  const random = seeded(seed);
  const probabilities = new Float32Array(n * 3);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = Math.floor(random() * 3);
    labels[i] = label;
    const answer = random() < accuracy ? label : (label + 1 + Math.floor(random() * 2)) % 3;
    const top = 0.94 + random() * 0.05;
    for (let c = 0; c < 3; c++) probabilities[i * 3 + c] = c === answer ? top : (1 - top) / 2;
  }
  return { probabilities, labels };
}

describe('calibration', () => {
  it('a temperature keeps each row a distribution and its answer; above 1 it softens, below 1 it sharpens', () => {
    const p = new Float32Array([0.7, 0.2, 0.1, 0.05, 0.9, 0.05]);
    const soft = withTemperature(p, 3, 2);
    const sharp = withTemperature(p, 3, 0.5);
    for (const q of [soft, sharp]) {
      expect((q[0] ?? 0) + (q[1] ?? 0) + (q[2] ?? 0)).toBeCloseTo(1, 6);
      expect(q[4]).toBeGreaterThan(Math.max(q[3] ?? 0, q[5] ?? 0));
    }
    expect(soft[0]).toBeLessThan(0.7);
    expect(sharp[0]).toBeGreaterThan(0.7);
    expect([...withTemperature(p, 3, 1)].map((x) => x.toFixed(5))).toEqual([...p].map((x) => x.toFixed(5)));
  });

  it('fits a temperature above 1 for an over-confident model, and it lowers the calibration error on held-out data', () => {
    const val = overconfident(600, 0.7, 1);
    const test = overconfident(600, 0.7, 2);
    const t = fitTemperature(val.probabilities, 3, val.labels);
    expect(t).toBeGreaterThan(1.5);
    const before = expectedCalibrationError(reliability(test.probabilities, 3, test.labels));
    const after = expectedCalibrationError(reliability(withTemperature(test.probabilities, 3, t), 3, test.labels));
    expect(before).toBeGreaterThan(0.2);
    expect(after).toBeLessThan(before / 3);
  });

  it('chooses the threshold that rejects at most the target share of known images', () => {
    const confidence = Array.from({ length: 100 }, (_, i) => (i + 1) / 100);
    const threshold = unknownThresholdFor(confidence, 0.05);
    expect(confidence.filter((c) => c < threshold)).toHaveLength(5);
    expect(unknownThresholdFor(confidence, 0)).toBe(0);
    expect(unknownThresholdFor([0.9, 0.9, 0.9, 0.5], 0.3)).toBe(0.9);
  });

  it('fits on validation only: the test split changes neither the temperature nor the threshold', () => {
    const val = overconfident(200, 0.8, 3);
    const one = calibrate([{ split: 'val', ...val }, { split: 'test', ...overconfident(300, 0.5, 4) }], 3, 0.05);
    const two = calibrate([{ split: 'val', ...val }, { split: 'test', ...overconfident(300, 0.9, 5) }], 3, 0.05);
    expect(one?.temperature).toBe(two?.temperature);
    expect(one?.unknownThreshold).toBe(two?.unknownThreshold);
    const valResult = one?.splits.find((s) => s.split === 'val');
    expect(valResult?.rejectedShare).toBeLessThanOrEqual(0.05);
    expect(valResult?.eceAfter).toBeLessThan(valResult?.eceBefore ?? 0);
    expect(calibrate([{ split: 'val', ...overconfident(5, 0.8, 6) }], 3, 0.05)).toBeNull();
  });
});
