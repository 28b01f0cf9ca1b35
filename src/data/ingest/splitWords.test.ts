import { describe, expect, it } from 'vitest';
import { resolveSplits, splitFromFolderName, splitWordOf } from './splitWords';

describe('splitWordOf', () => {
  it('reads split words with the decorations, separators, case, plurals and numbers downloads use', () => {
    const cases: [string, string][] = [
      ['train', 'train'],
      ['Training', 'train'],
      ['training_set', 'train'],
      ['seg_train', 'train'],
      ['trainimages', 'train'],
      ['train-data', 'train'],
      ['TRAIN_IMAGES', 'train'],
      ['train2017', 'train'],
      ['trainval', 'train'],
      ['val', 'val'],
      ['valid', 'val'],
      ['Validation', 'val'],
      ['dev', 'val'],
      ['test_set', 'test'],
      ['testimages', 'test'],
      ['Testing', 'test'],
      ['tests', 'test'],
      ['seg_test', 'test'],
      ['holdout', 'test'],
      ['eval', 'eval'],
      ['Evaluation-Data', 'eval'],
    ];
    expect(cases.map(([name]) => [name, splitWordOf(name)])).toEqual(cases);
  });

  it('reads no split in class names that only contain a split word', () => {
    for (const name of ['cats', 'devices', 'train_cats', 'contest', 'testudo', 'valley', 'seg_pred', 'images', 'set1']) {
      expect(splitWordOf(name), name).toBeUndefined();
    }
  });

  it('reads eval as validation alone and as test beside a validation folder', () => {
    expect(splitFromFolderName('eval')).toBe('val');
    expect(Object.fromEntries(resolveSplits(['train', 'eval']))).toEqual({ train: 'train', eval: 'val' });
    expect(Object.fromEntries(resolveSplits(['train', 'dev', 'eval', 'cats']))).toEqual({ train: 'train', dev: 'val', eval: 'test' });
  });
});
