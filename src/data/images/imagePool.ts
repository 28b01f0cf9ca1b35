/**
 * The only code that creates image workers: a pool of dedicated module workers that decode and scan image
 * files off the calling thread. Works from a page and from inside another module worker (the training
 * worker makes its own pool). Requests queue here and go to the least busy worker, at most
 * `MAX_IN_FLIGHT_PER_WORKER` at a time each, so a slow file never holds up the rest.
 */
import { CancelledError } from '../../core/errors';
import type { AugmentParams } from './augment';
import type { DecodeOptions, DecodeViewsOptions } from './decode';
import { IMAGE_REQUEST, type ImageJob, type ImageRequest, type ImageResponse } from './protocol';
import type { ScanResult } from './scan';

/** Requests one worker handles at once: enough to overlap reading a file with decoding another. */
export const MAX_IN_FLIGHT_PER_WORKER = 2;
/** How many times a request is sent before a worker crash fails it: the first try and one retry. */
export const MAX_ATTEMPTS = 2;
/** Largest default pool: decoding is rarely worth more threads than this next to training. */
const MAX_DEFAULT_SIZE = 4;

/** A pool of image workers. Calls return promises; `dispose` ends the workers. */
export interface ImagePool {
  /** Number of workers the pool runs at most. */
  readonly size: number;
  /**
   * Decodes `blob` to `sizePx` x `sizePx` RGB bytes (`sizePx * sizePx * 3`, row-major), the view `params`
   * describes or the plain centre square (see `decodeImageToRgb`).
   * Rejects with the worker's message for a file it cannot decode, with `CancelledError` when `signal`
   * aborts first or the pool is disposed.
   */
  decode(blob: Blob, sizePx: number, params?: AugmentParams, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * The same with every option of `decodeImageToRgb`: `{ sizePx, params, fit }` (`fit` makes a non-square
   * photo square: centre crop, letterbox or squash; default crop).
   */
  decode(blob: Blob, options: DecodeOptions, signal?: AbortSignal): Promise<Uint8Array>;
  /**
   * Scans one file (see `scanImage`): a bad file resolves to `{ ok: false, reason }`. Rejects only when the
   * environment cannot scan at all, on `signal` abort or on dispose (`CancelledError`).
   */
  scan(blob: Blob, signal?: AbortSignal): Promise<ScanResult>;
  /**
   * Decodes a file once and draws every view of `options.views` from it (see `decodeViewsToRgb`): training
   * asks for all the views of a photo at once, so no photo is decoded twice in a run. Rejects as `decode`.
   */
  decodeViews(blob: Blob, options: DecodeViewsOptions, signal?: AbortSignal): Promise<Uint8Array[]>;
  /** What the pool's decodes have cost so far (see `ImageWork`). */
  work(): ImageWork;
  /** Terminates every worker and rejects every pending request with `CancelledError`. Idempotent. */
  dispose(): void;
}

/**
 * The decoding done by a pool since it was made: files decoded and views drawn (successful `decode` and
 * `decodeViews` requests), and the time its workers spent decoding and drawing, summed over the workers
 * (they run side by side, beside the caller: busy time, not wall time).
 */
export interface ImageWork {
  readonly photosDecoded: number;
  readonly viewsDrawn: number;
  readonly decodeMs: number;
  readonly drawMs: number;
}

/** Options of `createImagePool`. */
export interface ImagePoolOptions {
  /** Workers at most, a positive integer; default `defaultPoolSize(navigator.hardwareConcurrency)`. */
  readonly size?: number;
  /** Makes one worker running `image.worker.ts` (tests pass a fake). */
  readonly createWorker?: () => Worker;
}

/**
 * Default number of image workers: one core is left for the thread that asked (page or training worker),
 * clamped to [1, 4].
 * @param hardwareConcurrency `navigator.hardwareConcurrency`; undefined or not a number counts as 1 core.
 */
export function defaultPoolSize(hardwareConcurrency: number | undefined): number {
  const cores = typeof hardwareConcurrency === 'number' && Number.isFinite(hardwareConcurrency) ? hardwareConcurrency : 1;
  return Math.min(MAX_DEFAULT_SIZE, Math.max(1, Math.floor(cores) - 1));
}

/** Vite bundles the worker because the URL is written inline here (also inside another worker). */
function createImageWorker(): Worker {
  return new Worker(new URL('./image.worker.ts', import.meta.url), { type: 'module', name: 'image' });
}

interface Pending {
  readonly id: number;
  readonly job: ImageJob;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly signal: AbortSignal | undefined;
  /** Listener on `signal`: rejects the request, removing it from the queue if it has not been sent. */
  readonly onAbort: () => void;
  attempts: number;
  /** Set once the caller's promise is settled (e.g. aborted while in flight): a late answer is dropped. */
  settled: boolean;
}

interface Slot {
  readonly worker: Worker;
  readonly inFlight: Map<number, Pending>;
}

/**
 * Creates a pool of at most `size` image workers, started as work arrives. A worker that dies (`error`
 * event) is terminated and replaced; its requests are sent again, up to `MAX_ATTEMPTS` tries each, then
 * rejected with the reason it died.
 */
export function createImagePool(options: ImagePoolOptions = {}): ImagePool {
  const hardware = typeof navigator === 'undefined' ? undefined : navigator.hardwareConcurrency;
  const size = options.size ?? defaultPoolSize(hardware);
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`pool size must be a positive integer, got ${size}`);
  const createWorker = options.createWorker ?? createImageWorker;
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let nextId = 1;
  let disposed = false;
  const work = { photosDecoded: 0, viewsDrawn: 0, decodeMs: 0, drawMs: 0 };

  const settle = (pending: Pending, outcome: { value: unknown } | { error: Error }): void => {
    if (pending.settled) return;
    pending.settled = true;
    pending.signal?.removeEventListener('abort', pending.onAbort);
    if ('error' in outcome) pending.reject(outcome.error);
    else pending.resolve(outcome.value);
  };

  const onResponse = (slot: Slot, response: ImageResponse): void => {
    const pending = slot.inFlight.get(response.id);
    if (!pending) return;
    slot.inFlight.delete(response.id);
    if (response.ok && response.type !== IMAGE_REQUEST.scan) {
      work.photosDecoded += 1;
      work.viewsDrawn += response.type === IMAGE_REQUEST.decodeViews ? response.result.length : 1;
      work.decodeMs += response.timing?.decodeMs ?? 0;
      work.drawMs += response.timing?.drawMs ?? 0;
    }
    settle(pending, response.ok ? { value: response.result } : { error: new Error(response.message) });
    dispatch();
  };

  const onWorkerDied = (slot: Slot, message: string): void => {
    slot.worker.terminate();
    slots.splice(slots.indexOf(slot), 1);
    const retry: Pending[] = [];
    for (const pending of slot.inFlight.values()) {
      if (pending.settled) continue;
      if (pending.attempts < MAX_ATTEMPTS) retry.push(pending);
      else settle(pending, { error: new Error(`the image worker stopped while reading this file: ${message}`) });
    }
    slot.inFlight.clear();
    queue.unshift(...retry);
    dispatch();
  };

  const startWorker = (): Slot => {
    const slot: Slot = { worker: createWorker(), inFlight: new Map() };
    slot.worker.addEventListener('message', (event: MessageEvent<ImageResponse>) => onResponse(slot, event.data));
    slot.worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      if (slots.includes(slot)) onWorkerDied(slot, event.message || 'unknown error');
    });
    slots.push(slot);
    return slot;
  };

  /** An idle worker, else a new one while under `size`, else the least busy one with room; else none. */
  const pickSlot = (): Slot | undefined => {
    const idle = slots.find((s) => s.inFlight.size === 0);
    if (idle) return idle;
    if (slots.length < size) return startWorker();
    const open = slots.filter((s) => s.inFlight.size < MAX_IN_FLIGHT_PER_WORKER);
    return open.reduce<Slot | undefined>((best, s) => (!best || s.inFlight.size < best.inFlight.size ? s : best), undefined);
  };

  function dispatch(): void {
    while (!disposed && queue.length > 0) {
      let slot: Slot | undefined;
      try {
        slot = pickSlot();
      } catch (error) {
        // The worker cannot even be created (e.g. no Worker support): nothing queued can run.
        const reason = error instanceof Error ? error : new Error(String(error));
        for (const pending of queue.splice(0)) settle(pending, { error: reason });
        return;
      }
      if (!slot) return;
      const pending = queue.shift() as Pending;
      pending.attempts += 1;
      try {
        slot.worker.postMessage({ ...pending.job, id: pending.id } satisfies ImageRequest);
        slot.inFlight.set(pending.id, pending);
      } catch (error) {
        // A request that cannot be sent (e.g. `params` that cannot be cloned) fails alone.
        settle(pending, { error: error instanceof Error ? error : new Error(String(error)) });
      }
    }
  }

  const submit = (job: ImageJob, signal: AbortSignal | undefined): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (disposed) return reject(new CancelledError('The image pool was disposed'));
      if (signal?.aborted) return reject(new CancelledError());
      const onAbort = (): void => {
        const queued = queue.indexOf(pending);
        if (queued >= 0) queue.splice(queued, 1);
        // In flight: the worker's answer will free its slot and be dropped.
        settle(pending, { error: new CancelledError() });
      };
      const pending: Pending = { id: nextId++, job, resolve, reject, signal, onAbort, attempts: 0, settled: false };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(pending);
      dispatch();
    });

  return {
    size,
    decode: (blob: Blob, size: number | DecodeOptions, paramsOrSignal?: AugmentParams | AbortSignal, maybeSignal?: AbortSignal) => {
      const { sizePx, params, fit } = typeof size === 'number' ? { sizePx: size, params: paramsOrSignal as AugmentParams | undefined } : size;
      const signal = typeof size === 'number' ? maybeSignal : (paramsOrSignal as AbortSignal | undefined);
      // Left out rather than sent as undefined: the default view and fit are the worker's.
      const job = { type: IMAGE_REQUEST.decode, blob, sizePx, ...(params ? { params } : {}), ...(fit ? { fit } : {}) };
      return submit(job, signal) as Promise<Uint8Array>;
    },
    decodeViews: (blob, { sizePx, views, fit }, signal) =>
      submit({ type: IMAGE_REQUEST.decodeViews, blob, sizePx, views, ...(fit ? { fit } : {}) }, signal) as Promise<Uint8Array[]>,
    scan: (blob, signal) => submit({ type: IMAGE_REQUEST.scan, blob }, signal) as Promise<ScanResult>,
    work: () => ({ ...work }),
    dispose: () => {
      if (disposed) return;
      disposed = true;
      const pending = [...queue.splice(0), ...slots.flatMap((s) => [...s.inFlight.values()])];
      for (const slot of slots.splice(0)) slot.worker.terminate();
      for (const p of pending) settle(p, { error: new CancelledError('The image pool was disposed') });
    },
  };
}
