import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../engine/training';
import { IDLE_RUN, applyTrainEvent, isActive, runStarting } from './runState';
import type { RunState } from './runState';
import { batchEnd, epochEnd, epochMetrics, testCheckpoint, testPlan, testReport } from './testEvents';

const SETTINGS = { ...DEFAULT_SETTINGS, epochs: 4, fineTune: true, fineTuneEpochs: 2 };
/** A run started at page time 1000 ms, loading its backbone. */
const started = (): RunState => runStarting(SETTINGS, undefined, null, 1000);

describe('runStarting', () => {
  it('starts running on the backbone with both stages counted; a resumed run keeps its epochs and says why it runs', () => {
    const run = started();
    expect(run).toMatchObject({ status: 'running', stage: 'backbone', stageStartedMs: 1000, epochs: 6, history: [], fallback: null });
    expect(runStarting({ ...SETTINGS, fineTune: false }, undefined, null, 0).epochs).toBe(4);
    const checkpoint = testCheckpoint(2);
    const resumed = runStarting(SETTINGS, checkpoint, 'wasm failed', 5);
    expect(resumed.history).toEqual(checkpoint.history);
    expect(resumed.history).not.toBe(checkpoint.history);
    expect(resumed.fallback).toBe('wasm failed');
    expect(resumed.checkpoint).toBeNull();
  });

  it('counts running, paused and stopping as under way', () => {
    expect(['idle', 'running', 'paused', 'stopping', 'done', 'stopped', 'error'].filter((s) => isActive(s as RunState['status'])))
      .toEqual(['running', 'paused', 'stopping']);
  });
});

describe('applyTrainEvent', () => {
  it('backend: the features backend, or stage 2 when the event says finetune', () => {
    let run = applyTrainEvent(started(), { type: 'backend', backend: 'webgl', reason: 'no WebGPU', part: 'embed' });
    expect(run).toMatchObject({ backend: 'webgl', backendReason: 'no WebGPU', fineTuneBackend: null });
    run = applyTrainEvent(run, { type: 'backend', backend: 'wasm', reason: 'gradients', part: 'finetune' });
    expect(run).toMatchObject({ backend: 'webgl', fineTuneBackend: 'wasm', fineTuneBackendReason: 'gradients' });
    expect(applyTrainEvent(started(), { type: 'backend', backend: 'cpu', reason: 'asked' }).backend).toBe('cpu');
  });

  it('plan: kept without its type, and the epochs become the planned ones', () => {
    const plan = testPlan(3, 1);
    const run = applyTrainEvent(started(), { type: 'plan', ...plan });
    expect(run.plan).toEqual(plan);
    expect(run.epochs).toBe(4);
  });

  it('paused: toggles a running run, leaves any other alone', () => {
    const paused = applyTrainEvent(started(), { type: 'paused', paused: true });
    expect(paused.status).toBe('paused');
    expect(applyTrainEvent(paused, { type: 'paused', paused: false }).status).toBe('running');
    const stopping: RunState = { ...started(), status: 'stopping' };
    expect(applyTrainEvent(stopping, { type: 'paused', paused: true })).toBe(stopping);
    expect(applyTrainEvent(IDLE_RUN, { type: 'paused', paused: true })).toBe(IDLE_RUN);
  });

  it('progress: a new stage restarts the clock; embedding is paced from its counts, other stages are not', () => {
    let run = applyTrainEvent(started(), { type: 'progress', stage: 'embed', done: 0, total: 100 }, 2000);
    expect(run).toMatchObject({ stage: 'embed', stageStartedMs: 2000, progress: { done: 0, total: 100 } });
    expect(run.pace).toEqual({ imagesPerSecond: null, remainingMs: null });
    run = applyTrainEvent(run, { type: 'progress', stage: 'embed', done: 50, total: 100 }, 4000);
    expect(run.stageStartedMs).toBe(2000);
    expect(run.pace).toEqual({ imagesPerSecond: 25, remainingMs: 2000 });
    run = applyTrainEvent(run, { type: 'progress', stage: 'evaluate', done: 1, total: 2 }, 5000);
    expect(run).toMatchObject({ stage: 'evaluate', stageStartedMs: 5000, progress: { done: 1, total: 2 } });
    expect(run.pace).toEqual({ imagesPerSecond: null, remainingMs: null });
  });

  it('skipped: the file and why, appended', () => {
    const run = applyTrainEvent(started(), { type: 'skipped', file: 'a/b.jpg', reason: 'unreadable' });
    expect(applyTrainEvent(run, { type: 'skipped', file: 'c.png', reason: 'tiny' }).skipped).toEqual([
      { file: 'a/b.jpg', reason: 'unreadable' }, { file: 'c.png', reason: 'tiny' },
    ]);
  });

  it('batchEnd: the latest batch, a loss point in epochs, and the pace of the current stage alone', () => {
    const event = batchEnd(1, 2);
    let run = applyTrainEvent(started(), event);
    const { type: _type, ...batch } = event;
    expect(run.stage).toBe('train');
    expect(run.batch).toEqual(batch);
    expect(run.batchLosses).toEqual([{ x: 0.5, loss: event.loss }]);
    // 2 of 40 batches in 10 ms: 190 ms to go.
    expect(run.pace.imagesPerSecond).toBe(100);
    expect(run.pace.remainingMs).toBeCloseTo(190, 9);

    // Stage 2 runs epochs 6-8: epoch 7, batch 2 of 4 is half of it, 30 ms in.
    run = applyTrainEvent(run, batchEnd(7, 2, { stage: 2, firstEpoch: 6, epochs: 8, elapsedMs: 30, imagesPerSecond: 40 }));
    expect(run.stage).toBe('finetune');
    expect(run.batchLosses.map((p) => p.x)).toEqual([0.5, 6.5]);
    expect(run.pace.imagesPerSecond).toBe(40);
    expect(run.pace.remainingMs).toBeCloseTo(30, 9);
  });

  it('epochEnd: the history grows and the time left comes from the epochs of the stage', () => {
    let run = applyTrainEvent(started(), { type: 'plan', ...testPlan(4, 2) });
    run = applyTrainEvent(run, batchEnd(1, 4));
    run = applyTrainEvent(run, epochEnd(1, 1, 100));
    expect(run.stage).toBe('train');
    expect(run.history.map((m) => m.epoch)).toEqual([1]);
    expect(run.history[0]).not.toHaveProperty('type');
    expect(run.pace).toEqual({ imagesPerSecond: 100, remainingMs: 300 });
    for (let epoch = 2; epoch <= 4; epoch++) run = applyTrainEvent(run, epochEnd(epoch, 1, 100 * epoch));
    expect(run.pace.remainingMs).toBe(0);
    // Stage 2's clock starts at 0: its first of 2 epochs took 50 ms.
    run = applyTrainEvent(run, epochEnd(5, 2, 50));
    expect(run.stage).toBe('finetune');
    expect(run.pace.remainingMs).toBe(50);
  });

  it('epochEnd without a plan: paced on the epochs asked for', () => {
    const run = applyTrainEvent(runStarting({ ...SETTINGS, fineTune: false, epochs: 6 }, undefined, null, 0), epochEnd(2, 1, 200));
    expect(run.pace.remainingMs).toBe(400);
    const stage2 = applyTrainEvent({ ...started(), history: [epochMetrics(1, 1, 10)] }, epochEnd(2, 2, 30));
    // 6 epochs asked for, 1 of them stage 1: stage 2 has 5, 1 done in 30 ms.
    expect(stage2.pace.remainingMs).toBe(120);
  });

  it('evaluation: the interim results, and no evaluation pending', () => {
    const { evaluations, predictions } = testReport();
    const run = applyTrainEvent({ ...started(), evaluationPending: true }, { type: 'evaluation', epoch: 3, evaluations, predictions });
    expect(run.evaluationPending).toBe(false);
    expect(run.interim).toEqual({ epoch: 3, evaluations, predictions });
  });

  it('checkpoint: the latest kept', () => {
    const checkpoint = testCheckpoint(1);
    expect(applyTrainEvent(started(), { type: 'checkpoint', checkpoint }).checkpoint).toBe(checkpoint);
  });

  it('done, stopped, error: the run ends, out of any stage, with its report or why', () => {
    const during: RunState = { ...applyTrainEvent(started(), batchEnd(1, 1)), message: 'earlier' };
    const report = testReport();
    expect(applyTrainEvent(during, { type: 'done', report, model: null })).toMatchObject({ status: 'done', stage: null, report, message: null });
    expect(applyTrainEvent(during, { type: 'stopped', reason: 'stopped by you' })).toMatchObject({ status: 'stopped', stage: null, message: 'stopped by you' });
    const failed = applyTrainEvent(during, { type: 'error', message: 'device lost' });
    expect(failed).toMatchObject({ status: 'error', stage: null, message: 'device lost', report: null });
    // What the run showed stays.
    expect(failed.batchLosses).toEqual(during.batchLosses);
  });
});
