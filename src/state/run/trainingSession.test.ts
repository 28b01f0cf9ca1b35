import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PackedCheckpoint, TrainResponse } from '../../engine/training';
import { DEFAULT_SETTINGS } from '../../engine/training';
import { IDLE_RUN } from './runState';
import type { RunState } from './runState';
import { UI_UPDATE_MS, createTrainingSession, nextBackend } from './trainingSession';
import type { DoneEvent, SessionHost, StartRequest, StartWorker } from './trainingSession';
import { batchEnd, epochEnd, testCheckpoint, testReport } from './testEvents';

/** One worker the session started: what it was asked, its event channel, and what the session asked of it. */
interface FakeWorker {
  readonly request: StartRequest;
  readonly send: (event: TrainResponse) => void;
  readonly calls: string[];
}

/** A session over an in-memory run, with workers that record what they are asked. */
function harness() {
  let run: RunState = IDLE_RUN;
  const workers: FakeWorker[] = [];
  const done: { event: DoneEvent; request: StartRequest }[] = [];
  const startWorker: StartWorker = (request, onEvent) => {
    const calls: string[] = [];
    workers.push({ request, send: onEvent, calls });
    const call = (name: string) => () => void calls.push(name);
    return { stop: call('stop'), pause: call('pause'), resume: call('resume'), evaluateNow: call('evaluateNow'), finished: Promise.resolve() };
  };
  const host: SessionHost = {
    startRequest: (backend, resumeFrom) => ({
      type: 'start', dataset: { name: 'pets', layout: 'class-folders', classes: ['cat', 'dog'], items: [], skipped: [] }, files: [],
      settings: { ...DEFAULT_SETTINGS, epochs: 3 }, ingestMs: 5, backend, checkpoints: true, ...(resumeFrom ? { resumeFrom } : {}),
    }),
    getRun: () => run,
    setRun: (next) => {
      run = next;
    },
    onDone: (event, request) => void done.push({ event, request }),
  };
  const session = createTrainingSession(host, startWorker);
  return { session, workers, done, run: () => run, setRun: host.setRun };
}

/** The last worker started (there must be one). */
const last = (workers: readonly FakeWorker[]): FakeWorker => {
  const worker = workers.at(-1);
  if (!worker) throw new Error('no worker started');
  return worker;
};

beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => vi.useRealTimers());

describe('nextBackend', () => {
  it('follows the order of preference, WebGPU to CPU, and has none after CPU', () => {
    expect(nextBackend('webgpu')).toBe('webgl');
    expect(nextBackend('webgl')).toBe('wasm');
    expect(nextBackend('wasm')).toBe('cpu');
    expect(nextBackend('cpu')).toBeNull();
  });
});

describe('training session', () => {
  it('starts a run from the host request and passes the controls to its worker', () => {
    const { session, workers, run } = harness();
    session.stop();
    session.start(undefined, 'webgl');
    const worker = last(workers);
    expect(worker.request).toMatchObject({ type: 'start', backend: 'webgl', checkpoints: true });
    expect(run()).toMatchObject({ status: 'running', stage: 'backbone', epochs: 3, fallback: null });
    session.pause();
    session.resume();
    session.evaluateNow();
    session.stop();
    expect(worker.calls).toEqual(['pause', 'resume', 'evaluateNow', 'stop']);
  });

  it('holds frequent events for at most UI_UPDATE_MS and applies them in order before any other event', () => {
    const { session, workers, run } = harness();
    session.start(undefined, 'auto');
    const { send } = last(workers);
    send(batchEnd(1, 1));
    send(batchEnd(1, 2));
    expect(run().batchLosses).toEqual([]);
    vi.advanceTimersByTime(UI_UPDATE_MS - 1);
    expect(run().batchLosses).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(run().batchLosses.map((p) => p.x)).toEqual([0.25, 0.5]);
    send(epochEnd(1, 1, 40));
    send({ type: 'stopped', reason: 'asked' });
    expect(run().history.map((m) => m.epoch)).toEqual([1]);
    expect(run().status).toBe('stopped');
  });

  it('goes on from the last checkpoint on the next backend when one fails, and says so', () => {
    const { session, workers, run } = harness();
    session.start(undefined, 'auto');
    const checkpoint = testCheckpoint(2);
    last(workers).send({ type: 'backend', backend: 'webgpu', reason: 'available', part: 'embed' });
    last(workers).send({ type: 'checkpoint', checkpoint });
    last(workers).send({ type: 'error', message: 'device lost' });
    expect(workers).toHaveLength(2);
    const retry = last(workers);
    expect(retry.request).toMatchObject({ backend: 'webgl', resumeFrom: checkpoint });
    expect(run()).toMatchObject({ status: 'running', history: checkpoint.history, checkpoint: null });
    expect(run().fallback).toBe('The webgpu backend failed (device lost); training goes on on webgl from epoch 2, its last checkpoint.');

    // Stage 2's backend is the one that failed when there is one.
    const newer: PackedCheckpoint = { ...testCheckpoint(3), stage: 2 };
    retry.send({ type: 'backend', backend: 'webgl', reason: 'fallback', part: 'embed' });
    retry.send({ type: 'backend', backend: 'wasm', reason: 'gradients', part: 'finetune' });
    retry.send({ type: 'checkpoint', checkpoint: newer });
    retry.send({ type: 'error', message: 'out of memory' });
    expect(last(workers).request).toMatchObject({ backend: 'cpu', resumeFrom: newer });
    expect(run().fallback).toMatch(/^The wasm backend failed \(out of memory\); training goes on on cpu from epoch 3/);

    // After CPU there is nothing left to try.
    last(workers).send({ type: 'backend', backend: 'cpu', reason: 'fallback', part: 'embed' });
    last(workers).send({ type: 'checkpoint', checkpoint: newer });
    last(workers).send({ type: 'error', message: 'still failing' });
    expect(workers).toHaveLength(3);
    expect(run()).toMatchObject({ status: 'error', message: 'still failing' });
  });

  it('does not fall back without a checkpoint, nor when the run was being stopped', () => {
    const first = harness();
    first.session.start(undefined, 'auto');
    last(first.workers).send({ type: 'backend', backend: 'webgpu', reason: 'available' });
    last(first.workers).send({ type: 'error', message: 'no adapter' });
    expect(first.workers).toHaveLength(1);
    expect(first.run().status).toBe('error');

    const second = harness();
    second.session.start(undefined, 'auto');
    last(second.workers).send({ type: 'backend', backend: 'webgpu', reason: 'available' });
    last(second.workers).send({ type: 'checkpoint', checkpoint: testCheckpoint(1) });
    second.setRun({ ...second.run(), status: 'stopping' });
    last(second.workers).send({ type: 'error', message: 'lost while stopping' });
    expect(second.workers).toHaveLength(1);
    expect(second.run().status).toBe('error');
  });

  it('hands a done run to the host a task after its report is in the run state', () => {
    const { session, workers, done, run } = harness();
    session.start(undefined, 'auto');
    const report = testReport();
    last(workers).send({ type: 'done', report, model: null, modelNote: 'a graph backbone' });
    expect(run()).toMatchObject({ status: 'done', report });
    expect(done).toEqual([]);
    vi.advanceTimersByTime(0);
    expect(done).toHaveLength(1);
    expect(done[0]?.event.modelNote).toBe('a graph backbone');
    expect(done[0]?.request).toBe(last(workers).request);
  });

  it('starts nothing when the host has nothing to train on', () => {
    const { session, workers, run } = harness();
    const empty = createTrainingSession({ startRequest: () => null, getRun: run, setRun: () => undefined, onDone: () => undefined }, () => {
      throw new Error('no worker expected');
    });
    empty.start(undefined, 'auto');
    empty.stop();
    session.pause();
    expect(workers).toHaveLength(0);
    expect(run()).toBe(IDLE_RUN);
  });
});
