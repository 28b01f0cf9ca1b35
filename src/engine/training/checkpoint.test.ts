import { describe, expect, it } from 'vitest';
import { packCheckpoint, unpackCheckpoint } from './checkpoint';
import type { RunCheckpoint, SavedTensor } from './checkpoint';

const tensor = (name: string, values: number[]): SavedTensor => ({ name, shape: [values.length], dtype: 'float32', data: Float32Array.from(values).buffer });

const checkpoint: RunCheckpoint = {
  format: 'fine-tune-studio/checkpoint@1', stage: 2, history: [], stages: [], trainMs: 12,
  loop: {
    epochsDone: 3, history: [], weights: [tensor('w', [1, 2, 3]), tensor('b', [4])],
    best: { epoch: 2, valLoss: 0.5, epochsSinceBest: 1, changed: false, weights: [tensor('w', [0.5, 1, 1.5]), tensor('b', [2])] },
    optimizer: [tensor('m', [7, 8, 9])], elapsedMs: 99, samplesSeen: 300,
  },
};

const values = (t: SavedTensor): number[] => Array.from(new Float32Array(t.data));

describe('packed checkpoints', () => {
  it('carry every tensor as a Blob and unpack to the same bytes, the rest unchanged', async () => {
    const packed = packCheckpoint(checkpoint);
    expect([...packed.loop.weights, ...packed.loop.best.weights, ...packed.loop.optimizer].every((t) => t.data instanceof Blob)).toBe(true);
    expect(packed.loop.weights[0]?.data.size).toBe(12);
    const back = await unpackCheckpoint(packed);
    expect(back.loop.weights.map(values)).toEqual([[1, 2, 3], [4]]);
    expect(back.loop.best.weights.map(values)).toEqual([[0.5, 1, 1.5], [2]]);
    expect(back.loop.optimizer.map(values)).toEqual([[7, 8, 9]]);
    expect({ ...back, loop: { ...back.loop, weights: [], optimizer: [], best: { ...back.loop.best, weights: [] } } })
      .toEqual({ ...checkpoint, loop: { ...checkpoint.loop, weights: [], optimizer: [], best: { ...checkpoint.loop.best, weights: [] } } });
  });

  it('unpack takes a checkpoint stored before packing as it is', async () => {
    const back = await unpackCheckpoint(checkpoint);
    expect(back.loop.weights.map(values)).toEqual([[1, 2, 3], [4]]);
  });
});
