/**
 * The page's handle on the map worker: one worker per map, ended when the map is done or cancelled.
 */
import { CancelledError } from '../../core/errors';
import type { MapRequest, MapResponse } from './mapProtocol';

/**
 * Lays out `values` (rows of `dim`) in 2-D in a worker; resolves with `[x0, y0, x1, y1, ...]` in [0, 1].
 * The features are copied to the worker (the caller keeps its own). Rejects with `CancelledError` on `signal`.
 */
export function mapInWorker(
  values: Float32Array,
  dim: number,
  options: { readonly seed: number; readonly signal?: AbortSignal; onProgress?(done: number, total: number): void },
): Promise<Float32Array> {
  const worker = new Worker(new URL('./map.worker.ts', import.meta.url), { type: 'module', name: 'embedding map' });
  return new Promise<Float32Array>((resolve, reject) => {
    const end = (): void => {
      worker.terminate();
      options.signal?.removeEventListener('abort', abort);
    };
    const abort = (): void => {
      end();
      reject(new CancelledError());
    };
    if (options.signal?.aborted) return abort();
    options.signal?.addEventListener('abort', abort);
    worker.addEventListener('message', (message: MessageEvent<MapResponse>) => {
      const response = message.data;
      if (response.type === 'progress') return options.onProgress?.(response.done, response.total);
      end();
      if (response.type === 'done') resolve(response.points);
      else reject(new Error(response.message));
    });
    worker.addEventListener('error', (event) => {
      end();
      reject(new Error(`The map worker failed: ${event.message || 'it could not start'}`));
    });
    worker.postMessage({ values, dim, seed: options.seed } satisfies MapRequest);
  });
}
