import { describe, expect, it } from 'vitest';
import { RowStore } from './rowStore';

describe('RowStore', () => {
  it('keeps rows pushed in chunks of any size and gathers them in any order', () => {
    const store = new RowStore(3);
    store.push(Float32Array.from([0, 0, 0, 1, 1, 1]));
    store.push(Float32Array.from([2, 2, 2]));
    store.push(new Float32Array(0));
    store.push(Float32Array.from([3, 3, 3, 4, 4, 4, 5, 5, 5]));
    expect(store.size).toBe(6);
    expect(store.bytes).toBe(6 * 3 * 4);
    for (let i = 0; i < 6; i++) expect(Array.from(store.row(i))).toEqual([i, i, i]);
    expect(Array.from(store.gather([5, 0, 2, 2]))).toEqual([5, 5, 5, 0, 0, 0, 2, 2, 2, 2, 2, 2]);
  });

  it('rejects rows of the wrong length and indices out of range', () => {
    const store = new RowStore(2);
    expect(() => store.push(new Float32Array(3))).toThrow(/whole number/);
    store.push(new Float32Array(2));
    expect(() => store.row(1)).toThrow(RangeError);
    expect(() => store.row(-1)).toThrow(RangeError);
    expect(() => new RowStore(0)).toThrow(RangeError);
  });
});
