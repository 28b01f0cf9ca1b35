/**
 * A training run as the studio drives it: starts the training worker, folds its events into the run state
 * (the frequent ones coalesced, see `UI_UPDATE_MS`), and goes on from the last checkpoint on the next backend
 * when one fails. The store it serves is reached through a `SessionHost`, so tests can drive a session with a
 * fake worker and a fake clock.
 */
import { BACKEND_ORDER } from '../../engine/backend';
import type { BackendName } from '../../engine/backend';
import type { startTrainingWorker } from '../../engine/training';
import type { PackedCheckpoint, TrainResponse, TrainingHandle } from '../../engine/training';
import { applyTrainEvent, runStarting } from './runState';
import type { RunState } from './runState';

/** What starts the training worker (`startTrainingWorker`, or a fake in tests). */
export type StartWorker = typeof startTrainingWorker;
/** The request that starts a run in the worker. */
export type StartRequest = Parameters<StartWorker>[0];
/** The event that ends a run with its report and, when there is one, its trained classifier. */
export type DoneEvent = Extract<TrainResponse, { type: 'done' }>;

/**
 * Training events that arrive many times a second (batch ends, progress counts, epoch ends of a fast head) and
 * are applied to the store together, at most every `UI_UPDATE_MS`: every store update redraws the progress
 * bar and the live charts, and a redraw per event would keep the page's main thread busy while training.
 */
const COALESCED: ReadonlySet<TrainResponse['type']> = new Set(['batchEnd', 'progress', 'epochEnd']);
/** Longest wait, in ms, before coalesced training events reach the store. */
export const UI_UPDATE_MS = 250;

/** The backend after `name` in the studio's order of preference (`BACKEND_ORDER`), or null after the last (CPU). */
export function nextBackend(name: BackendName): BackendName | null {
  const i = BACKEND_ORDER.indexOf(name);
  return i >= 0 && i < BACKEND_ORDER.length - 1 ? (BACKEND_ORDER[i + 1] as BackendName) : null;
}

/** What a session needs of the store it serves. */
export interface SessionHost {
  /** The request for a run on `backend` (from `resumeFrom` when given), or null when there is nothing to train on. */
  startRequest(backend: 'auto' | BackendName, resumeFrom: PackedCheckpoint | undefined): StartRequest | null;
  getRun(): RunState;
  setRun(run: RunState): void;
  /**
   * A run ended with `done`, started by `request`: called a task after the report reached the run state, so
   * the results show before all that loads, sizes and measures the trained model.
   */
  onDone(event: DoneEvent, request: StartRequest): void;
}

/** The run under way: start one, and the controls that reach its worker (no-ops when there is none). */
export interface TrainingSession {
  /** Starts a run on `backend` (from `resumeFrom`, a checkpoint of a run on this dataset and settings, when given). */
  start(resumeFrom: PackedCheckpoint | undefined, backend: 'auto' | BackendName): void;
  stop(): void;
  pause(): void;
  resume(): void;
  evaluateNow(): void;
}

/** A session for `host`, starting its workers with `startWorker`. */
export function createTrainingSession(host: SessionHost, startWorker: StartWorker): TrainingSession {
  let handle: TrainingHandle | null = null;

  /**
   * Starts the training worker (from `resumeFrom` when given) on `backend`. A run that fails after a
   * checkpoint goes on from that checkpoint on the next backend (WebGPU, WebGL, WASM, CPU), once per backend,
   * and says so in `run.fallback`.
   */
  const startRun = (resumeFrom: PackedCheckpoint | undefined, backend: 'auto' | BackendName, fallback: string | null): void => {
    const request = host.startRequest(backend, resumeFrom);
    if (!request) return;
    host.setRun(runStarting(request.settings, resumeFrom, fallback, performance.now()));
    // Frequent events wait here and are applied together, in order, at most every UI_UPDATE_MS; any other
    // event applies them first.
    let queued: TrainResponse[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (queued.length === 0) return;
      const events = queued;
      queued = [];
      host.setRun(events.reduce((run, e) => applyTrainEvent(run, e), host.getRun()));
    };
    handle = startWorker(request, (event) => {
      if (COALESCED.has(event.type)) {
        queued.push(event);
        timer ??= setTimeout(flush, UI_UPDATE_MS);
        return;
      }
      flush();
      const before = host.getRun();
      host.setRun(applyTrainEvent(before, event));
      if (event.type === 'error' && before.checkpoint && before.status !== 'stopping') {
        const failed = before.fineTuneBackend ?? before.backend;
        const next = failed ? nextBackend(failed as BackendName) : null;
        if (next) {
          const epoch = before.checkpoint.history.length;
          startRun(before.checkpoint, next, `The ${failed} backend failed (${event.message}); training goes on on ${next} from epoch ${epoch}, its last checkpoint.`);
        }
      }
      if (event.type === 'done') setTimeout(() => host.onDone(event, request), 0);
    });
  };

  return {
    start: (resumeFrom, backend) => startRun(resumeFrom, backend, null),
    stop: () => handle?.stop(),
    pause: () => handle?.pause(),
    resume: () => handle?.resume(),
    evaluateNow: () => handle?.evaluateNow(),
  };
}
