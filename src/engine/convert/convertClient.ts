/** The page's side of `convert.worker.ts`: one conversion and its parity check, in a worker that ends with it. */
import type { ParityFigures } from './parity';
import type { ConvertRequest, ConvertResponse } from './protocol';

export interface ConvertCallbacks {
  /** The converted file: the very bytes the check then loads in `runtime`. */
  readonly onFile: (bytes: Uint8Array, runtime: string, convertMs: number) => void;
  /** The check's figures so far. */
  readonly onParity: (figures: ParityFigures) => void;
}

/**
 * Converts and checks `request.model` in a worker; resolves with the last figures, rejects with the
 * worker's message (a layer with no mapping, an unreadable runtime). Aborting `signal` ends the worker.
 */
export function convertAndCheck(request: ConvertRequest, callbacks: ConvertCallbacks, signal?: AbortSignal): Promise<ParityFigures> {
  const worker = new Worker(new URL('./convert.worker.ts', import.meta.url), { type: 'module', name: `export check (${request.format})` });
  return new Promise<ParityFigures>((resolve, reject) => {
    signal?.addEventListener('abort', () => reject(new DOMException('the export check was stopped', 'AbortError')), { once: true });
    worker.onmessage = (message: MessageEvent<ConvertResponse>) => {
      const response = message.data;
      if (response.type === 'file') callbacks.onFile(response.bytes, response.runtime, response.convertMs);
      else if (response.type === 'parity') {
        callbacks.onParity(response.figures);
        if (response.finished) resolve(response.figures);
      } else reject(new Error(response.message));
    };
    worker.onerror = (error) => reject(new Error(error.message || 'the export check worker crashed'));
    worker.postMessage(request);
  }).finally(() => worker.terminate());
}
