import { describe, expect, it } from 'vitest';
import type { DatasetItem } from '../../core/types';
import { sampleItems } from './sample';

const item = (fileIndex: number, classIndex: number, split: DatasetItem['split'] = 'train'): DatasetItem => ({
  fileIndex, path: `${split}/${classIndex}/${fileIndex}.jpg`, classIndex, split,
});

describe('sampleItems', () => {
  it('takes the classes in turn from one split', () => {
    const items = [item(0, 1), item(1, 1), item(2, 0), item(3, 0, 'val'), item(4, 2), item(5, 1), item(6, 0)];
    expect(sampleItems(items, 'train', 5).map((i) => i.fileIndex)).toEqual([2, 0, 4, 6, 1]);
  });

  it('returns everything when asked for more than there is, and nothing for an empty split', () => {
    const items = [item(0, 0), item(1, 1)];
    expect(sampleItems(items, 'train', 10)).toHaveLength(2);
    expect(sampleItems(items, 'test', 10)).toEqual([]);
  });
});
