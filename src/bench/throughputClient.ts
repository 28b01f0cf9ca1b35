/**
 * The only code that creates throughput workers: one per backend and backbone, ended when it reports `done`
 * or when its hard deadline passes (a single WebGPU or CPU call can take minutes on a software GPU, and a
 * worker can be stopped where a call on the page cannot).
 */
import type { BackendName } from '../engine/backend';
import type { MeasureResult, ThroughputEvent, ThroughputRequest } from './throughputProtocol';

/** Everything one worker reported. */
export interface ThroughputSummary {
  readonly backend: BackendName;
  readonly backboneId: string;
  /**
   * `initialised`: the backend started as asked; `failed`: it did not (the worker stops there); `no answer`:
   * the deadline came before the backend said either.
   */
  readonly backendStatus: 'initialised' | 'failed' | 'no answer';
  /** Why the backend was chosen or failed. */
  readonly backendNote: string;
  readonly loadMs: number | null;
  readonly sourceUrl: string | null;
  readonly stage2Cut: string | null;
  readonly results: readonly MeasureResult[];
  readonly peakBytes: number | null;
  readonly peakBytesInGPU: number | null;
  /** Wall time of the request, worker start to end (ms). */
  readonly wallMs: number;
  /** Set when the worker failed or was ended at its deadline. */
  readonly error: string | null;
}

/**
 * Runs `request` in a new throughput worker and resolves with what it reported, at the latest
 * `deadlineMs` after the start (the worker is then terminated and `error` says so). Never rejects.
 */
export function runThroughput(request: ThroughputRequest, deadlineMs: number): Promise<ThroughputSummary> {
  const startMs = performance.now();
  const worker = new Worker(new URL('./throughput.worker.ts', import.meta.url), { type: 'module', name: 'throughput' });
  let summary: ThroughputSummary = {
    backend: request.backend, backboneId: request.backboneId, backendStatus: 'no answer', backendNote: '', loadMs: null,
    sourceUrl: null, stage2Cut: null, results: [], peakBytes: null, peakBytesInGPU: null, wallMs: 0, error: null,
  };
  return new Promise((resolve) => {
    const finish = (error: string | null): void => {
      clearTimeout(timer);
      worker.terminate();
      resolve({ ...summary, wallMs: performance.now() - startMs, error: error ?? summary.error });
    };
    const timer = setTimeout(() => finish(`ended at its ${(deadlineMs / 1000).toFixed(0)} s deadline`), deadlineMs);
    worker.addEventListener('message', (message: MessageEvent<ThroughputEvent>) => {
      const event = message.data;
      switch (event.type) {
        case 'backend':
          summary = { ...summary, backendStatus: event.usable ? 'initialised' : 'failed', backendNote: event.reason };
          return;
        case 'loaded':
          summary = { ...summary, loadMs: event.loadMs, sourceUrl: event.sourceUrl, stage2Cut: event.stage2Cut };
          return;
        case 'result':
          summary = { ...summary, results: [...summary.results, event.result] };
          return;
        case 'memory':
          summary = { ...summary, peakBytes: event.numBytes, peakBytesInGPU: event.numBytesInGPU };
          return;
        case 'done':
          return finish(null);
        case 'error':
          return finish(event.message);
      }
    });
    worker.addEventListener('error', (event: ErrorEvent) => finish(`the worker crashed: ${event.message || 'unknown error'}`));
    worker.postMessage(request satisfies ThroughputRequest);
  });
}
