import { describe, expect, it } from 'vitest';
import { withTemperature } from '../evaluation/calibration';
import { calibratedRow, checkCalibration } from './classifierModel';

describe('a classifier read with its calibration', () => {
  it('applies the temperature as the run measured it, and says unknown under the threshold', () => {
    const row = [0.8, 0.15, 0.05];
    const calibration = { temperature: 2, unknownThreshold: 0.6 };
    const read = calibratedRow(row, calibration);
    const expected = withTemperature(new Float32Array(row), 3, 2);
    read.probabilities.forEach((p, i) => expect(p).toBeCloseTo(expected[i] ?? NaN, 6));
    expect(Math.max(...read.probabilities)).toBeLessThan(0.6);
    expect(read.unknown).toBe(true);
    expect(calibratedRow(row, { temperature: 1, unknownThreshold: 0.6 }).unknown).toBe(false);
    expect(calibratedRow(row, undefined)).toEqual({ probabilities: row, unknown: false });
  });

  it('checks a stored calibration', () => {
    expect(checkCalibration(undefined, 'c')).toBeUndefined();
    expect(checkCalibration({ temperature: 1.5, unknownThreshold: 0 }, 'c')).toEqual({ temperature: 1.5, unknownThreshold: 0 });
    expect(() => checkCalibration({ temperature: 0, unknownThreshold: 0.5 }, 'metadata.calibration')).toThrow(/^metadata.calibration must be/);
    expect(() => checkCalibration({ temperature: 1, unknownThreshold: 2 }, 'c')).toThrow();
  });
});
