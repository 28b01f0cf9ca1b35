import { describe, expect, it } from 'vitest';
import { MAX_WASM_THREADS, wasmThreadsFor } from './backend';

describe('wasmThreadsFor', () => {
  it('computes on every logical core up to tfjs\'s 8 helper threads, and on one without cross-origin isolation', () => {
    expect([1, 2, 3, 8, 16, 64].map((cores) => wasmThreadsFor(cores, true))).toEqual([1, 2, 3, 8, 8, 8]);
    expect(MAX_WASM_THREADS).toBe(8);
    expect(wasmThreadsFor(16, false)).toBe(1);
    expect(wasmThreadsFor(undefined, true)).toBe(1);
    expect(wasmThreadsFor(Number.NaN, true)).toBe(1);
    expect(wasmThreadsFor(0, true)).toBe(1);
  });
});
