import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyRows } from './heldOut';
import { RowStore } from '../features/rowStore';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('classifyRows', () => {
  it('returns argmax and max probability per row, batch by batch, without leaking tensors', () => {
    // A softmax over fixed logits: rows favour class 2, 0 and 1.
    const store = new RowStore(3);
    store.push(Float32Array.from([0, 1, 3, 2, 0, 0]));
    store.push(Float32Array.from([0, 5, 1]));
    const before = tf.memory().numTensors;
    const { predicted, confidence } = classifyRows(
      store,
      { input: 'features', rowShape: [3], probabilities: (x) => tf.softmax(x) as tf.Tensor2D },
      2,
    );
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(predicted)).toEqual([2, 0, 1]);
    const row0 = Math.exp(3) / (1 + Math.exp(1) + Math.exp(3));
    expect(confidence[0]).toBeCloseTo(row0, 5);
    expect(confidence[1]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 2), 5);
  });
});
