import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunCheckpoint } from './checkpoint';
import type { TrainEvent } from './events';
import type { EpochMetrics } from './metrics';
import type { StudioReport } from '../evaluation/report';
import { runTraining } from './run';
import type { RunDeps, RunRequest } from './run';
import { DEFAULT_SETTINGS } from './settings';
import { MINI_DATASET as dataset, readJpeg } from '../testing/runFixture';
import { loadLocalBackbone } from '../testing/trainedClassifier';
import { registerWasmGradientKernels } from '../backend/wasmGradients';

const settings = {
  ...DEFAULT_SETTINGS, backboneId: 'mobilenet_v1_0.25_224', epochs: 6, batchSize: 4, embedBatchSize: 8, augmentViews: 0,
  earlyStopping: true, patience: 4, schedule: 'plateau' as const,
};

async function run(request: Partial<RunRequest>, overrides: Partial<RunDeps> = {}): Promise<{ events: TrainEvent[]; report: StudioReport | null }> {
  const events: TrainEvent[] = [];
  const report = await runTraining(
    { dataset, settings, backend: 'wasm', ingestMs: 0, ...request },
    { loadBackbone: loadLocalBackbone, readImage: readJpeg, onEvent: (e) => events.push(e), ...overrides },
  );
  return { events, report };
}

const withoutTime = (history: readonly EpochMetrics[]): Omit<EpochMetrics, 'elapsedMs'>[] => history.map(({ elapsedMs: _ms, ...rest }) => rest);

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('runTraining checkpoints and resumeFrom (MobileNet v1 0.25, WASM, real photos)', () => {
  it('sends a checkpoint after every stage-1 epoch; resumed from epoch 2, the run ends as the uninterrupted one', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const straight = await run({ checkpoints: true });
    const checkpoints = straight.events.flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint] : []));
    expect(checkpoints.map((c) => c.history.map((m) => m.epoch))).toEqual(straight.report?.history.map((_, i) => Array.from({ length: i + 1 }, (_, k) => k + 1)));
    // Each checkpoint follows its epoch's epochEnd.
    const order = straight.events.filter((e) => e.type === 'epochEnd' || e.type === 'checkpoint').map((e) => e.type);
    expect(order).toEqual(checkpoints.flatMap(() => ['epochEnd', 'checkpoint']));

    // As IndexedDB would give it back after a reload.
    const saved = structuredClone(checkpoints[1] as RunCheckpoint);
    const resumed = await run({ checkpoints: true, resumeFrom: saved });
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(resumed.events.at(-1)?.type).toBe('done');
    // The completed epochs are not sent again; the new ones go on from 3.
    const sent = resumed.events.flatMap((e) => (e.type === 'epochEnd' ? [e.epoch] : []));
    expect(sent[0]).toBe(3);
    const a = straight.report as StudioReport;
    const b = resumed.report as StudioReport;
    expect(withoutTime(b.history)).toEqual(withoutTime(a.history));
    expect(b.history.slice(0, 2)).toEqual(saved.history);
    expect(b.stages).toEqual(a.stages);
    expect(b.predictions.map((p) => p.predictedClass)).toEqual(a.predictions.map((p) => p.predictedClass));
    b.predictions.forEach((p, i) => expect(p.confidence).toBeCloseTo(a.predictions[i]?.confidence as number, 4));
    expect(b.timings.trainMs).toBeGreaterThanOrEqual(saved.loop.elapsedMs);
  });

  it('two-stage: a checkpoint after every epoch of both stages; resumed inside stage 2, the run ends as the uninterrupted one', async () => {
    const twoStage = { ...settings, epochs: 3, fineTune: true, fineTuneBlocks: 1, fineTuneEpochs: 3, earlyStopping: false };
    const prepareFineTune = (): Promise<{ backend: string; reason: string }> => {
      registerWasmGradientKernels();
      return Promise.resolve({ backend: 'wasm', reason: 'test' });
    };
    const straight = await run({ settings: twoStage, checkpoints: true }, { prepareFineTune });
    const checkpoints = straight.events.flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint] : []));
    expect(checkpoints.map((c) => `${c.history.length}:${c.stage}`)).toEqual(['1:1', '2:1', '3:1', '4:2', '5:2', '6:2']);
    // Interrupted after the first stage-2 epoch: stage 1 is not trained again, stage 2 goes on from epoch 5.
    const resumed = await run({ settings: twoStage, checkpoints: true, resumeFrom: structuredClone(checkpoints[3] as RunCheckpoint) }, { prepareFineTune });
    expect(resumed.events.flatMap((e) => (e.type === 'epochEnd' ? [e.epoch] : []))).toEqual([5, 6]);
    const a = straight.report as StudioReport;
    const b = resumed.report as StudioReport;
    expect(b.history.map((m) => `${m.epoch}:${m.stage}`)).toEqual(['1:1', '2:1', '3:1', '4:2', '5:2', '6:2']);
    expect(withoutTime(b.history)).toEqual(withoutTime(a.history));
    expect(b.stages.map((st) => ({ ...st }))).toEqual(a.stages);
    expect(b.predictions).toEqual(a.predictions);
  });

  it('sends no checkpoint unless asked, and refuses a checkpoint it cannot resume', async () => {
    const plain = await run({ settings: { ...settings, epochs: 1 } });
    expect(plain.events.some((e) => e.type === 'checkpoint')).toBe(false);
    const first = await run({ settings: { ...settings, epochs: 1 }, checkpoints: true });
    const checkpoint = first.events.find((e) => e.type === 'checkpoint');
    if (checkpoint?.type !== 'checkpoint') throw new Error('no checkpoint');
    const refused = await run({ settings: { ...settings, epochs: 1 }, resumeFrom: { ...checkpoint.checkpoint, stage: 2 } });
    expect(refused.events.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/does not belong to a run with these settings/) });
    const other = await run({ settings: { ...settings, epochs: 1, hiddenUnits: 16 }, resumeFrom: checkpoint.checkpoint });
    expect(other.events.at(-1)).toMatchObject({ type: 'error', message: expect.stringMatching(/does not fit/) });
  });
});
