import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImagePool } from '../data/images';
import type { TrainResponse } from '../engine/training';
import type { PickedFile } from './ingestFlow';
import { UI_UPDATE_MS, createStudioStore } from './studioStore';

/** A pool that says every file is a 4x4 image, without decoding. */
const pool: ImagePool = {
  size: 1,
  decode: () => Promise.reject(new Error('no decoding in this test')),
  scan: (blob) => blob.text().then((text) => ({ ok: true, width: 4, height: 4, sha256: text, dhash: text.slice(0, 16), thumbnail: new Blob([]) })),
  dispose: () => undefined,
};
const file = (path: string): PickedFile => ({ file: new Blob([`bytes of ${path}`]), path });
const FILES = ['pets/cats/1.jpg', 'pets/cats/2.jpg', 'pets/dogs/1.jpg', 'pets/dogs/2.jpg'].map(file);

const batch = (epoch: number, batchIndex: number): TrainResponse => ({
  type: 'batchEnd', stage: 1, epoch, batch: batchIndex, batches: 4, loss: 1 / (epoch * 4 + batchIndex), accuracy: 0.5, imagesPerSecond: 100, elapsedMs: 10,
} as unknown as TrainResponse);

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
    store.getState().train();
    let updates = 0;
    const unsubscribe = store.subscribe((s, before) => {
      if (s.run !== before.run) updates++;
    });

    for (let b = 0; b < 4; b++) send(batch(1, b));
    send({ type: 'progress', stage: 'train', done: 4, total: 40 });
    expect(updates).toBe(0);
    expect(store.getState().run.batchLosses).toHaveLength(0);
    vi.advanceTimersByTime(UI_UPDATE_MS);
    expect(updates).toBe(1);
    expect(store.getState().run.batchLosses.map((p) => p.loss)).toEqual([1 / 4, 1 / 5, 1 / 6, 1 / 7]);
    expect(store.getState().run.progress).toEqual({ done: 4, total: 40 });

    // A batch waiting when a pause arrives is applied before it.
    send(batch(2, 0));
    send({ type: 'paused', paused: true });
    expect(updates).toBe(3);
    expect(store.getState().run.batchLosses).toHaveLength(5);
    expect(store.getState().run.status).toBe('paused');
    vi.advanceTimersByTime(UI_UPDATE_MS * 4);
    expect(updates).toBe(3);
    unsubscribe();
  });
});
