import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../training/metrics';
import { evaluate } from './evaluate';
import { runWarnings } from './runWarnings';

const epoch = (n: number, loss: number, stage: 1 | 2 = 1): EpochMetrics => ({ epoch: n, loss, accuracy: 0.5, valLoss: loss, valAccuracy: 0.5, elapsedMs: n * 100, stage });
const CLASSES = ['ants', 'bees'];
/** 10 ants then 10 bees, predicted as `predicted` says for each. */
const evaluation = (predicted: (i: number) => number) => evaluate('val', CLASSES, Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1)), Array.from({ length: 20 }, (_, i) => predicted(i)));
const COUNTS = { train: { ants: 40, bees: 40 }, val: { ants: 10, bees: 10 } };

describe('runWarnings', () => {
  it('says nothing about a run that went well', () => {
    const good = evaluation((i) => (i < 9 || i >= 11 ? (i < 10 ? 0 : 1) : 1 - (i < 10 ? 0 : 1)));
    expect(runWarnings([epoch(1, 0.7), epoch(2, 0.4), epoch(3, 0.3), epoch(4, 0.2, 2), epoch(5, 0.21, 2)], [good], COUNTS)).toEqual([]);
  });

  it('names a loss that rose or became NaN, with the numbers, per stage', () => {
    const good = evaluation((i) => (i < 10 ? 0 : 1));
    const [rose] = runWarnings([epoch(1, 6.3), epoch(2, 7.9), epoch(3, 8.6)], [good], COUNTS);
    expect(rose?.code).toBe('loss-diverged');
    expect(rose?.message).toContain('the loss of the head (stage 1) rose from 6.30 to 8.60');
    const [nan] = runWarnings([epoch(1, 0.7), epoch(2, 0.5), epoch(3, Number.NaN, 2)], [good], COUNTS);
    expect(nan?.message).toContain('the loss of fine-tuning (stage 2) became NaN');
    // Noise around a flat loss is not a divergence.
    expect(runWarnings([epoch(1, 0.30), epoch(2, 0.31)], [good], COUNTS)).toEqual([]);
  });

  it('names a model that puts every image in one class, and the classes it never predicts', () => {
    const [collapsed] = runWarnings([epoch(1, 0.7), epoch(2, 0.69)], [evaluation(() => 1)], COUNTS);
    expect(collapsed?.code).toBe('model-collapsed');
    expect(collapsed?.message).toBe(
      'The model collapsed on val: it put 20 of 20 images (100%) in "bees" and never predicted "ants". ' +
        'It has not learnt to tell the classes apart: check the labels, lower the learning rate, or add images.',
    );
    // A split that is nearly all one class, predicted so, has not collapsed.
    const skewed = evaluate('val', CLASSES, [...new Array<number>(39).fill(1), 0], new Array<number>(40).fill(1));
    expect(runWarnings([epoch(1, 0.7)], [skewed], COUNTS)).toEqual([]);
  });

  it('names each class with too few validation images', () => {
    const good = evaluation((i) => (i < 10 ? 0 : 1));
    const warnings = runWarnings([epoch(1, 0.7), epoch(2, 0.5)], [good], { train: { ants: 40, bees: 40 }, val: { ants: 2, bees: 1 } });
    expect(warnings.map((w) => w.code)).toEqual(['validation-too-small']);
    expect(warnings[0]?.message).toContain('ants has 2 images, bees has 1 image (at least 5 per class are needed)');
  });
});
