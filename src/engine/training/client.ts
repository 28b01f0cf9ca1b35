/**
 * The only code that creates the training worker. One worker per run: it is terminated when the run ends,
 * which also frees every tensor and GPU buffer the run held.
 */
import { memoPrefix, PageFeatureMemo } from '../features/featureMemo';
import type { TrainRequest, TrainResponse, TrainWorkerMessage } from './protocol';

/**
 * Feature rows of this page's earlier runs (`featureMemo.ts`), up to 512 MB: MobileNetV2's 1,280 floats a row
 * make rps with its two default views (about 8,300 rows) about 42 MB. Each run gets its backbone's rows and
 * adds the ones it computed.
 */
const pageMemo = new PageFeatureMemo(512 * 2 ** 20);

/** A run in progress. */
export interface TrainingHandle {
  /** Asks the worker to stop after the current batch; the run then ends with a `stopped` event. */
  stop(): void;
  /** Asks for an `evaluation` event at the end of the current epoch. */
  evaluateNow(): void;
  /** Holds the run before its next batch (a `paused` event confirms); `resume` lets it go on. */
  pause(): void;
  resume(): void;
  /** Resolves after the run's last event (`done`, `stopped` or `error`). */
  readonly finished: Promise<void>;
}

type StartRequest = Extract<TrainRequest, { type: 'start' }>;

/**
 * Starts a run in a new dedicated module worker and forwards its events, in order, to `onEvent`.
 * A worker that crashes is reported as an `error` event.
 */
export function startTrainingWorker(request: StartRequest, onEvent: (event: TrainResponse) => void): TrainingHandle {
  const worker = new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module', name: 'training' });
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const end = (): void => {
    worker.terminate();
    finish();
  };
  worker.addEventListener('message', (message: MessageEvent<TrainWorkerMessage>) => {
    const event = message.data;
    if (event.type === 'featureRows') {
      pageMemo.add(event.rows);
      return;
    }
    onEvent(event);
    if (event.type === 'done' || event.type === 'stopped' || event.type === 'error') end();
  });
  worker.addEventListener('error', (error: ErrorEvent) => {
    onEvent({ type: 'error', message: `The training worker crashed: ${error.message || 'unknown error'}` });
    end();
  });
  // The bench's tuned runs measure the whole pipeline: they neither read nor feed the memo.
  const featureRows = request.tuning ? undefined : pageMemo.rowsFor(memoPrefix(request.settings.backboneId));
  worker.postMessage({ ...request, featureRows } satisfies TrainRequest);
  return {
    stop: () => worker.postMessage({ type: 'stop' } satisfies TrainRequest),
    evaluateNow: () => worker.postMessage({ type: 'evaluate' } satisfies TrainRequest),
    pause: () => worker.postMessage({ type: 'pause' } satisfies TrainRequest),
    resume: () => worker.postMessage({ type: 'resume' } satisfies TrainRequest),
    finished,
  };
}
