import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../core/errors';
import { IDENTITY_AUGMENT } from './augment';
import { createImagePool, defaultPoolSize, MAX_IN_FLIGHT_PER_WORKER } from './imagePool';
import type { ImagePool } from './imagePool';
import type { ImageRequest, ImageResponse } from './protocol';
import type { ScanResult } from './scan';

/** Stands in for a Worker: records what it is sent; the test answers or crashes it. */
class FakeWorker {
  readonly sent: ImageRequest[] = [];
  terminated = false;
  private readonly listeners = new Map<string, ((event: unknown) => void)[]>();

  postMessage(request: ImageRequest): void {
    if (this.terminated) throw new Error('posted to a terminated worker');
    this.sent.push(request);
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  terminate(): void {
    this.terminated = true;
  }
  respond(response: ImageResponse): void {
    for (const listener of this.listeners.get('message') ?? []) listener({ data: response });
  }
  crash(message: string): void {
    for (const listener of this.listeners.get('error') ?? []) listener({ message, preventDefault: () => undefined });
  }
}

function fakePool(size: number): { pool: ImagePool; workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const pool = createImagePool({
    size,
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
  });
  return { pool, workers };
}

const scanned = (sha256: string): ScanResult => ({
  ok: true,
  width: 1,
  height: 1,
  sha256,
  dhash: '0000000000000000',
  spread: 0,
  thumbnail: new Blob([]),
});
const okScan = (id: number, sha256: string): ImageResponse => ({ id, ok: true, type: 'scan', result: scanned(sha256) });
/** Lets settled promises run their handlers. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('defaultPoolSize', () => {
  it('leaves one core to the caller and stays within [1, 4]', () => {
    expect([undefined, Number.NaN, 0, 1, 2, 3, 4, 5, 8, 16].map((n) => defaultPoolSize(n))).toEqual([
      1, 1, 1, 1, 1, 2, 3, 4, 4, 4,
    ]);
  });
});

describe('createImagePool', () => {
  it('starts workers as work arrives, spreads requests, and queues beyond the in-flight limit', async () => {
    const { pool, workers } = fakePool(2);
    expect(pool.size).toBe(2);
    expect(workers).toHaveLength(0);
    const blobs = Array.from({ length: 6 }, (_, i) => new Blob([`file ${i}`]));
    const results = blobs.map((blob) => pool.scan(blob));
    expect(workers).toHaveLength(2);
    expect(MAX_IN_FLIGHT_PER_WORKER).toBe(2);
    expect(workers.map((w) => w.sent.map((r) => r.id))).toEqual([[1, 3], [2, 4]]);
    expect(workers[1]?.sent[0]).toEqual({ id: 2, type: 'scan', blob: blobs[1] });
    // Answers may come in any order; each frees a place for the next queued request.
    workers[1]?.respond(okScan(4, 'd'));
    expect(workers[1]?.sent.map((r) => r.id)).toEqual([2, 4, 5]);
    workers[0]?.respond(okScan(1, 'a'));
    expect(workers[0]?.sent.map((r) => r.id)).toEqual([1, 3, 6]);
    for (const [worker, id, sha] of [[0, 3, 'c'], [1, 2, 'b'], [1, 5, 'e'], [0, 6, 'f']] as const) {
      workers[worker]?.respond(okScan(id, sha));
    }
    expect((await Promise.all(results)).map((r) => (r.ok ? r.sha256 : r.reason))).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(workers).toHaveLength(2);
  });

  it('sends decode requests with size and view, and resolves with the pixels sent back', async () => {
    const { pool, workers } = fakePool(1);
    const blob = new Blob(['x']);
    const decoding = pool.decode(blob, 2, IDENTITY_AUGMENT);
    const plain = pool.decode(blob, 3);
    expect(workers[0]?.sent).toEqual([
      { id: 1, type: 'decode', blob, sizePx: 2, params: IDENTITY_AUGMENT },
      { id: 2, type: 'decode', blob, sizePx: 3 },
    ]);
    const rgb = new Uint8Array(12).fill(7);
    workers[0]?.respond({ id: 1, ok: true, type: 'decode', result: rgb });
    workers[0]?.respond({ id: 2, ok: false, message: 'could not decode image (corrupt or unsupported format)' });
    expect(await decoding).toBe(rgb);
    await expect(plain).rejects.toThrow('could not decode image (corrupt or unsupported format)');
  });

  it('adds up what its decodes cost: photos, views and the workers\' timings; failures and scans count nothing', async () => {
    const { pool, workers } = fakePool(1);
    const blob = new Blob(['x']);
    const one = pool.decode(blob, 2);
    const three = pool.decodeViews(blob, { sizePx: 2, views: [undefined, IDENTITY_AUGMENT, IDENTITY_AUGMENT] });
    expect(pool.work()).toEqual({ photosDecoded: 0, viewsDrawn: 0, decodeMs: 0, drawMs: 0 });
    workers[0]?.respond({ id: 1, ok: true, type: 'decode', result: new Uint8Array(12), timing: { decodeMs: 5, drawMs: 1 } });
    workers[0]?.respond({ id: 2, ok: true, type: 'decodeViews', result: [1, 2, 3].map(() => new Uint8Array(12)), timing: { decodeMs: 20, drawMs: 3 } });
    await Promise.all([one, three]);
    const failing = pool.decode(blob, 2);
    const scan = pool.scan(blob);
    workers[0]?.respond({ id: 3, ok: false, message: 'bad file' });
    workers[0]?.respond(okScan(4, 'a'));
    await expect(failing).rejects.toThrow('bad file');
    await scan;
    expect(pool.work()).toEqual({ photosDecoded: 2, viewsDrawn: 4, decodeMs: 25, drawMs: 4 });
  });

  it('sends the fit with the options form, and aborts it by its signal', async () => {
    const { pool, workers } = fakePool(1);
    const blob = new Blob(['x']);
    const controller = new AbortController();
    const letterboxed = pool.decode(blob, { sizePx: 2, params: IDENTITY_AUGMENT, fit: 'letterbox' }, controller.signal);
    const squashed = pool.decode(blob, { sizePx: 3, fit: 'squash' });
    void pool.decode(blob, { sizePx: 4 }).catch(() => undefined);
    expect(workers[0]?.sent).toEqual([
      { id: 1, type: 'decode', blob, sizePx: 2, params: IDENTITY_AUGMENT, fit: 'letterbox' },
      { id: 2, type: 'decode', blob, sizePx: 3, fit: 'squash' },
    ]);
    controller.abort();
    await expect(letterboxed).rejects.toThrow(CancelledError);
    const rgb = new Uint8Array(27);
    workers[0]?.respond({ id: 2, ok: true, type: 'decode', result: rgb });
    expect(await squashed).toBe(rgb);
    // The third request (no fit: the worker's default) went out once a place was free.
    expect(workers[0]?.sent.at(-1)).toEqual({ id: 3, type: 'decode', blob, sizePx: 4 });
    pool.dispose();
  });

  it('fails only the request whose file is bad', async () => {
    const { pool, workers } = fakePool(1);
    const good = pool.scan(new Blob(['a']));
    const bad = pool.decode(new Blob(['b']), 4);
    workers[0]?.respond({ id: 2, ok: false, message: 'bad file' });
    workers[0]?.respond(okScan(1, 'a'));
    await expect(bad).rejects.toThrow('bad file');
    expect((await good).ok).toBe(true);
    const later = pool.scan(new Blob(['c']));
    workers[0]?.respond(okScan(3, 'c'));
    expect((await later).ok).toBe(true);
  });

  it('rejects aborted requests: queued ones are never sent, in-flight ones are dropped when answered', async () => {
    const { pool, workers } = fakePool(1);
    await expect(pool.scan(new Blob(['x']), AbortSignal.abort())).rejects.toThrow(CancelledError);
    expect(workers).toHaveLength(0);
    const inFlight = new AbortController();
    const queued = new AbortController();
    const first = pool.scan(new Blob(['1']), inFlight.signal);
    const second = pool.scan(new Blob(['2']));
    const third = pool.scan(new Blob(['3']), queued.signal);
    const fourth = pool.scan(new Blob(['4']));
    queued.abort();
    await expect(third).rejects.toThrow(CancelledError);
    inFlight.abort();
    await expect(first).rejects.toThrow(CancelledError);
    // The aborted in-flight request still holds its place until the worker answers it.
    expect(workers[0]?.sent.map((r) => r.id)).toEqual([1, 2]);
    workers[0]?.respond(okScan(1, 'late'));
    expect(workers[0]?.sent.map((r) => r.id)).toEqual([1, 2, 4]);
    workers[0]?.respond(okScan(2, 'two'));
    workers[0]?.respond(okScan(4, 'four'));
    expect(await second).toEqual(scanned('two'));
    expect(await fourth).toEqual(scanned('four'));
  });

  it('replaces a worker that dies, retries its requests once, then rejects them', async () => {
    const { pool, workers } = fakePool(1);
    const a = pool.scan(new Blob(['a']));
    const b = pool.scan(new Blob(['b']));
    const c = pool.scan(new Blob(['c']));
    workers[0]?.crash('out of memory');
    expect(workers[0]?.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(workers[1]?.sent.map((r) => r.id)).toEqual([1, 2]);
    workers[1]?.respond(okScan(1, 'a'));
    expect(workers[1]?.sent.map((r) => r.id)).toEqual([1, 2, 3]);
    workers[1]?.crash('out of memory again');
    // Request 2 was sent twice and fails; request 3, sent once, gets its retry on a third worker.
    await expect(b).rejects.toThrow('the image worker stopped while reading this file: out of memory again');
    expect(workers[2]?.sent.map((r) => r.id)).toEqual([3]);
    workers[2]?.respond(okScan(3, 'c'));
    expect(await a).toEqual(scanned('a'));
    expect(await c).toEqual(scanned('c'));
    // A crashed worker's late events change nothing.
    workers[0]?.crash('again');
    expect(workers).toHaveLength(3);
  });

  it('rejects everything pending when disposed, and every call after', async () => {
    const { pool, workers } = fakePool(1);
    const pending = [pool.scan(new Blob(['a'])), pool.scan(new Blob(['b'])), pool.scan(new Blob(['c']))];
    pool.dispose();
    pool.dispose();
    for (const p of pending) await expect(p).rejects.toThrow(CancelledError);
    expect(workers[0]?.terminated).toBe(true);
    await expect(pool.decode(new Blob(['d']), 4)).rejects.toThrow('The image pool was disposed');
    workers[0]?.respond(okScan(1, 'late'));
    await flush();
  });

  it('fails only a request that cannot be sent', async () => {
    const { pool, workers } = fakePool(1);
    const unsendable = pool.decode(new Blob(['a']), 4);
    expect(workers).toHaveLength(1);
    const worker = workers[0] as FakeWorker;
    const post = worker.postMessage.bind(worker);
    worker.postMessage = () => {
      throw new DOMException('could not be cloned', 'DataCloneError');
    };
    const failing = pool.decode(new Blob(['b']), 4);
    worker.postMessage = post;
    const fine = pool.scan(new Blob(['c']));
    await expect(failing).rejects.toThrow('could not be cloned');
    expect(worker.sent.map((r) => r.id)).toEqual([1, 3]);
    worker.respond({ id: 1, ok: true, type: 'decode', result: new Uint8Array(48) });
    worker.respond(okScan(3, 'c'));
    expect(await unsendable).toHaveLength(48);
    expect((await fine).ok).toBe(true);
  });

  it('rejects queued requests when no worker can be created', async () => {
    const pool = createImagePool({
      size: 2,
      createWorker: () => {
        throw new Error('Worker is not defined');
      },
    });
    await expect(pool.scan(new Blob(['a']))).rejects.toThrow('Worker is not defined');
    expect(() => createImagePool({ size: 0 })).toThrow(RangeError);
  });
});
