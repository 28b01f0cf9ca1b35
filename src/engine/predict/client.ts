/**
 * The page's handle on the prediction worker: load a classifier, then classify files or video frames, or ask
 * for the occlusion heatmap of one. One worker per predictor; `dispose` ends it.
 */
import type { PhotoFit } from '../../data/images';
import type { ClassifierModel } from '../model/classifierModel';
import type { ClassScore } from './predict';
import type { FilePrediction, HeatmapAnswer, HeatmapSource, PredictRequest, PredictResponse } from './protocol';

export type { FilePrediction, HeatmapAnswer, HeatmapSource } from './protocol';
export type { ClassScore } from './predict';

export interface ClassifyFilesOptions {
  /** Classes kept per file, best first (default 3). */
  readonly topK?: number;
  /** How non-square photos are made square (default `crop`, as training's default). */
  readonly fit?: PhotoFit;
  /** Test-time augmentation: the views' probabilities averaged (five times the work). */
  readonly tta?: boolean;
  readonly signal?: AbortSignal;
  /** After each chunk: the files answered so far, and the results of that chunk. */
  onProgress?(done: number, total: number, results: readonly FilePrediction[]): void;
}

export interface Predictor {
  /** Loads (or replaces) the classifier; resolves with the backend the worker uses. */
  load(model: ClassifierModel): Promise<{ readonly backend: string }>;
  /** Classifies `files` in order (the result of file i has `index` i); unreadable files get an `error`. */
  classifyFiles(files: readonly Blob[], options?: ClassifyFilesOptions): Promise<FilePrediction[]>;
  /** Classifies one video frame; the frame is transferred (closed here). `ms` is the worker's time. */
  classifyFrame(frame: ImageBitmap, options?: { readonly topK?: number; readonly fit?: PhotoFit; readonly tta?: boolean }): Promise<{ top: readonly ClassScore[]; ms: number }>;
  /**
   * The occlusion heatmap (`occlusion.ts`: a grey patch of 1/4 of the side at 7x7 positions) of one image
   * file, or of a video frame (transferred, closed here), for class `label` (default: the class it is
   * classified as), computed in the worker.
   */
  heatmap(source: HeatmapSource, options?: { readonly label?: string | null; readonly fit?: PhotoFit }): Promise<HeatmapAnswer>;
  /** Ends the worker; pending calls reject. */
  dispose(): void;
}

interface Pending {
  resolve(response: PredictResponse): void;
  reject(error: Error): void;
}

/** Starts a prediction worker. */
export function createPredictor(): Predictor {
  const worker = new Worker(new URL('./predict.worker.ts', import.meta.url), { type: 'module', name: 'predict' });
  const pending = new Map<number, Pending>();
  const progress = new Map<number, (response: Extract<PredictResponse, { type: 'files' }>) => void>();
  let nextId = 1;
  let disposed = false;
  const failAll = (message: string): void => {
    for (const waiter of pending.values()) waiter.reject(new Error(message));
    pending.clear();
    progress.clear();
  };
  worker.addEventListener('message', (message: MessageEvent<PredictResponse>) => {
    const response = message.data;
    if (response.type === 'files') {
      progress.get(response.id)?.(response);
      if (!response.finished) return;
      progress.delete(response.id);
    }
    const waiter = pending.get(response.id);
    if (!waiter) return;
    pending.delete(response.id);
    if (response.type === 'error') waiter.reject(new Error(response.message));
    else waiter.resolve(response);
  });
  worker.addEventListener('error', (event: ErrorEvent) => failAll(`The prediction worker crashed: ${event.message || 'unknown error'}`));
  const send = (request: PredictRequest, transfer: Transferable[] = []): Promise<PredictResponse> => {
    if (disposed) return Promise.reject(new Error('the predictor has been disposed'));
    return new Promise((resolve, reject) => {
      pending.set(request.id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
  };
  return {
    async load(model) {
      // Copied, not transferred: the store keeps its own copy for export and for the next load.
      const response = await send({ type: 'load', id: nextId++, model });
      return { backend: response.type === 'loaded' ? response.backend : 'unknown' };
    },
    async classifyFiles(files, options = {}) {
      // An 'abort' listener added to an already-aborted signal never runs: refuse at once instead.
      if (options.signal?.aborted) throw new DOMException('Prediction cancelled', 'AbortError');
      const id = nextId++;
      const results: FilePrediction[] = [];
      progress.set(id, (response) => {
        results.push(...response.results);
        options.onProgress?.(response.done, response.total, response.results);
      });
      const onAbort = (): void => {
        worker.postMessage({ type: 'cancel', id } satisfies PredictRequest);
        const waiter = pending.get(id);
        pending.delete(id);
        progress.delete(id);
        waiter?.reject(new DOMException('Prediction cancelled', 'AbortError'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await send({ type: 'files', id, files, topK: options.topK ?? 3, fit: options.fit ?? 'crop', tta: options.tta ?? false });
        return results.sort((a, b) => a.index - b.index);
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    },
    async classifyFrame(frame, options = {}) {
      const response = await send({ type: 'frame', id: nextId++, frame, topK: options.topK ?? 3, fit: options.fit ?? 'crop', tta: options.tta ?? false }, [frame]);
      if (response.type !== 'frame') throw new Error('unexpected answer from the prediction worker');
      return { top: response.top, ms: response.ms };
    },
    async heatmap(source, options = {}) {
      const request: PredictRequest = { type: 'heatmap', id: nextId++, source, fit: options.fit ?? 'crop', label: options.label ?? null };
      const response = await send(request, 'frame' in source ? [source.frame] : []);
      if (response.type !== 'heatmap') throw new Error('unexpected answer from the prediction worker');
      const { type: _type, id: _id, ...answer } = response;
      return answer;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      worker.terminate();
      failAll('the predictor has been disposed');
    },
  };
}
