import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashingPool } from './testing/hashingPool';
import type { TrainResponse } from '../engine/training';
import type { PickedFile } from './ingestFlow';
import { batchEnd } from './run/testEvents';
import { UI_UPDATE_MS } from './run/trainingSession';
import { createStudioStore } from './studioStore';

const { pool } = hashingPool();
const file = (path: string): PickedFile => ({ file: new Blob([`bytes of ${path}`]), path });
const FILES = ['pets/cats/1.jpg', 'pets/cats/2.jpg', 'pets/dogs/1.jpg', 'pets/dogs/2.jpg'].map(file);

describe('training events reach the store', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
  afterEach(() => vi.useRealTimers());

  it('frequent ones together, at most every UI_UPDATE_MS, in order; any other event applies them first', async () => {
    let send: (event: TrainResponse) => void = () => undefined;
    const store = createStudioStore((_request, onEvent) => {
      send = onEvent;
      return { stop: () => undefined, evaluateNow: () => undefined, pause: () => undefined, resume: () => undefined, finished: Promise.resolve() };
    }, () => pool);
    await store.getState().ingest(FILES);
    expect(store.getState().ingestError).toBeNull();
    store.getState().train();
    let updates = 0;
    const unsubscribe = store.subscribe((s, before) => {
      if (s.run !== before.run) updates++;
    });

    for (let b = 1; b <= 4; b++) send(batchEnd(1, b));
    send({ type: 'progress', stage: 'train', done: 4, total: 40 });
    expect(updates).toBe(0);
    expect(store.getState().run.batchLosses).toHaveLength(0);
    vi.advanceTimersByTime(UI_UPDATE_MS);
    expect(updates).toBe(1);
    expect(store.getState().run.batchLosses.map((p) => p.loss)).toEqual([1 / 4, 1 / 5, 1 / 6, 1 / 7]);
    expect(store.getState().run.progress).toEqual({ done: 4, total: 40 });
    expect(store.getState().run.batchLosses.map((p) => p.x)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(store.getState().run.batch).toMatchObject({ epoch: 1, batch: 4, batchesPerEpoch: 4 });

    // A batch waiting when a pause arrives is applied before it.
    send(batchEnd(2, 1));
    send({ type: 'paused', paused: true });
    expect(updates).toBe(3);
    expect(store.getState().run.batchLosses).toHaveLength(5);
    expect(store.getState().run.status).toBe('paused');
    // Its pace: 5 of 40 batches in 10 ms, 70 ms to go.
    expect(store.getState().run.pace.imagesPerSecond).toBe(100);
    expect(store.getState().run.pace.remainingMs).toBeCloseTo(70, 9);
    vi.advanceTimersByTime(UI_UPDATE_MS * 4);
    expect(updates).toBe(3);
    unsubscribe();
  });
});
