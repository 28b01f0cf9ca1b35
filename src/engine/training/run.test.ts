import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DatasetItem } from '../../core/types';
import type { AugmentParams } from '../../data/images';
import { loadForPrediction } from '../predict/predict';
import type { TrainEvent } from './events';
import { runTraining } from './run';
import {
  BACKBONE_ID, MINI_DATASET as dataset, RUN_SETTINGS as settings, TERMINAL, TRAIN_ITEMS as train, VAL_ITEMS as val, deps, expectModelMatchesReport, readJpeg,
} from '../testing/runFixture';

beforeAll(async () => {
  // WASM: the same backend the browser uses here, and fast enough to embed in a test.
  await tf.setBackend('wasm');
});

describe('runTraining on real photos with MobileNet v1 0.25 (WASM)', () => {
  it('reports progress, every epoch in order, then done with a true report, leaking no tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const startup = { workerStartMs: 40, backendMs: 70, wasmThreads: 2 };
    const images = { photosDecoded: 24, viewsDrawn: 24, decodeMs: 90, drawMs: 10, workers: 1 };
    const report = await runTraining({ dataset, settings, backend: 'wasm', ingestMs: 5, startup, checkpoints: true }, { ...deps(events), imageWork: () => images });
    expect(tf.memory().numTensors).toBe(tensorsBefore);

    expect(events.filter((e) => TERMINAL.has(e.type)).map((e) => e.type)).toEqual(['done']);
    expect(events.at(-1)?.type).toBe('done');
    const epochs = events.flatMap((e) => (e.type === 'epochEnd' ? [e.epoch] : []));
    expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
    const embed = events.flatMap((e) => (e.type === 'progress' && e.stage === 'embed' ? [e.done] : []));
    expect(embed).toEqual([0, 8, 16, 24]);
    // No epoch before the last image was embedded.
    expect(events.findIndex((e) => e.type === 'epochEnd')).toBeGreaterThan(events.findLastIndex((e) => e.type === 'progress'));

    expect(report).not.toBeNull();
    if (!report) return;
    expect(report.backbone).toBe(BACKBONE_ID);
    expect(report.counts).toEqual({ train: { ants: 8, bees: 8 }, val: { ants: 4, bees: 4 } });
    expect(report.history).toHaveLength(6);
    expect(report.evaluation.split).toBe('val');
    expect(report.evaluations.map((e) => e.split)).toEqual(['val']);
    expect(report.evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(8);
    // Chance is 4 of 8; this seed gets 7 of 8 (other seeds 5 to 8 of 8): at least 6 leaves one image of margin.
    expect(report.evaluation.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(report.timings.ingestMs).toBe(5);
    expect(report.timings.totalMs).toBeGreaterThan(report.timings.embedMs);
    expect(report.embedImagesPerSecond).toBeGreaterThan(0);
    expect(report.history.every((m) => m.stage === 1)).toBe(true);
    expect(report.stages).toEqual([{ stage: 1, epochs: 6, bestEpoch: expect.any(Number), restoredBest: false, stoppedEarly: false, backend: null }]);
    expect(report.plan).toMatchObject({ stage1Epochs: 6, stage2Epochs: 0, fineTune: null, viewsPerImage: 1 });
    expect(report.stoppedByUser).toBe(false);
    // The label check judged every image once (centre crops of both splits), each suspect with another class.
    expect(report.labelIssuesMethod).toMatchObject({ method: 'out-of-fold-confident-learning', folds: 5, images: 24, note: null });
    expect(report.labelIssues?.every((i) => i.given !== i.suggested && report.counts[i.split] !== undefined)).toBe(true);
    // The profile: the worker's start-up and the pool's decoding as given, the run's own phases measured.
    const profile = report.profile;
    expect(profile).toMatchObject({ ...startup, photosDecoded: 24, viewsDrawn: 24, imageDecodeMs: 90, imageDrawMs: 10, imageWorkers: 1, tensorsLeaked: 0 });
    expect(profile?.headMs).toBe(report.timings.trainMs);
    expect(profile?.fineTuneMs).toBe(0);
    expect(events.filter((e) => e.type === 'checkpoint')).toHaveLength(6);
    for (const phase of ['backboneMs', 'featuresMs', 'evaluateMs', 'fuseMs', 'checkpointMs'] as const) expect(profile?.[phase]).toBeGreaterThan(0);
    expect((profile?.featuresMs ?? 0) + (profile?.waitForImagesMs ?? 0)).toBeLessThanOrEqual(report.timings.embedMs);
    await expectModelMatchesReport(events, report);
  });

  it('embeds augmented views of the training images only, the same views for the same seed', async () => {
    const seen: { path: string; params: AugmentParams | null }[] = [];
    const run = async (): Promise<TrainEvent[]> => {
      const events: TrainEvent[] = [];
      await runTraining(
        { dataset, settings: { ...settings, epochs: 1, augmentViews: 2 }, backend: 'wasm', ingestMs: 0 },
        deps(events, {
          readImage: (item, sizePx, params) => {
            seen.push({ path: item.path, params });
            return readJpeg(item, sizePx, params);
          },
        }),
      );
      return events;
    };
    const events = await run();
    const total = events.flatMap((e) => (e.type === 'progress' && e.stage === 'embed' ? [e.total] : []));
    expect(total[0]).toBe(16 * 3 + 8);
    const first = seen.splice(0);
    expect(first.filter((s) => s.params !== null).every((s) => s.path.startsWith('train/'))).toBe(true);
    expect(first.filter((s) => s.path.startsWith('train/') && s.params !== null)).toHaveLength(32);
    expect(first.filter((s) => s.path.startsWith('val/')).every((s) => s.params === null)).toBe(true);
    expect(events.find((e) => e.type === 'plan')).toMatchObject({ viewsPerImage: 3 });
    await run();
    expect(seen).toEqual(first);
  });

  it('decodes each photo once with readViews: all its views from one call, the same views readImage draws', async () => {
    const views = { ...settings, epochs: 1, augmentViews: 2, embedBatchSize: 5 };
    const perRow: { path: string; params: AugmentParams | null }[] = [];
    const byRow = await runTraining(
      { dataset, settings: views, backend: 'wasm', ingestMs: 0 },
      deps([], {
        readImage: (item, sizePx, params) => {
          perRow.push({ path: item.path, params });
          return readJpeg(item, sizePx, params);
        },
      }),
    );
    const calls = new Map<string, number>();
    const asked: { path: string; params: AugmentParams | null }[] = [];
    const once = await runTraining(
      { dataset, settings: views, backend: 'wasm', ingestMs: 0 },
      deps([], {
        readImage: () => Promise.reject(new Error('readImage must not be called when readViews is given')),
        readViews: (item, sizePx, params) => {
          calls.set(item.path, (calls.get(item.path) ?? 0) + 1);
          asked.push(...params.map((p) => ({ path: item.path, params: p })));
          return Promise.all(params.map((p) => readJpeg(item, sizePx, p)));
        },
      }),
    );
    // A batch of 5 rows ends between two views of an image (3 rows per training photo): still one call each.
    expect(calls.size).toBe(dataset.items.length);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect(asked).toEqual(perRow);
    expect(once?.predictions).toEqual(byRow?.predictions);
  });

  it('stopped after an epoch, keeps the best head so far and reports on it', async () => {
    const controller = new AbortController();
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings: { ...settings, epochs: 20 }, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        signal: controller.signal,
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'epochEnd' && event.epoch === 2) controller.abort();
        },
      }),
    );
    expect(events.at(-1)?.type).toBe('done');
    expect(report?.stoppedByUser).toBe(true);
    expect(report?.history.length).toBeLessThan(20);
    expect(report?.evaluations.map((e) => e.split)).toEqual(['val']);
  });

  it('holds while paused and goes on when resumed', async () => {
    let release: () => void = () => undefined;
    let paused = true;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const events: TrainEvent[] = [];
    const running = runTraining(
      { dataset, settings: { ...settings, epochs: 2 }, backend: 'wasm', ingestMs: 0 },
      deps(events, { waitWhilePaused: () => (paused ? gate : Promise.resolve()) }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.some((e) => e.type === 'epochEnd')).toBe(false);
    paused = false;
    release();
    const report = await running;
    expect(report?.history).toHaveLength(2);
  });

  it('skips an image that cannot be decoded, reports it and trains on the rest', async () => {
    const broken = train[0];
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings: { ...settings, epochs: 2 }, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        readImage: (item, sizePx, params) =>
          item === broken ? Promise.reject(new Error('could not decode image')) : readJpeg(item, sizePx, params),
      }),
    );
    expect(events).toContainEqual({ type: 'skipped', file: broken?.path, reason: 'could not decode image' });
    expect(report?.skipped).toEqual([{ file: broken?.path, reason: 'could not decode image' }]);
    expect(report?.counts.train).toEqual({ ants: 7, bees: 8 });
  });

  it('evaluates the head on the held-out splits at the end of the epoch in which it was asked, then goes on', async () => {
    const events: TrainEvent[] = [];
    let asked = false;
    await runTraining(
      { dataset, settings: { ...settings, epochs: 3 }, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'epochEnd' && event.epoch === 1) asked = true;
        },
        takeEvaluationRequest: () => {
          const answer = asked;
          asked = false;
          return answer;
        },
      }),
    );
    const order = events.filter((e) => e.type === 'epochEnd' || e.type === 'evaluation' || e.type === 'done');
    expect(order.map((e) => (e.type === 'epochEnd' ? `epoch ${e.epoch}` : e.type))).toEqual([
      'epoch 1', 'evaluation', 'epoch 2', 'epoch 3', 'done',
    ]);
    const interim = order[1];
    if (interim?.type !== 'evaluation') throw new Error('no evaluation event');
    expect(interim.epoch).toBe(1);
    expect(interim.evaluations.map((e) => e.split)).toEqual(['val']);
    expect(interim.predictions).toHaveLength(8);
    expect(interim.evaluations[0]?.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(8);
  });

  it('stops when aborted mid-embedding: stopped last, no report, no leaked tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const controller = new AbortController();
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        signal: controller.signal,
        onEvent: (event) => {
          events.push(event);
          if (event.type === 'progress' && event.stage === 'embed' && event.done === 8) controller.abort();
        },
      }),
    );
    expect(report).toBeNull();
    expect(events.at(-1)).toEqual({ type: 'stopped', reason: 'Stopped by you' });
    expect(events.some((e) => e.type === 'epochEnd' || e.type === 'done')).toBe(false);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });


  it('ten train-then-predict cycles leave the tensor count where it started', async () => {
    const counts: number[] = [];
    for (let cycle = 0; cycle < 10; cycle++) {
      const events: TrainEvent[] = [];
      await runTraining({ dataset, settings: { ...settings, epochs: 2 }, backend: 'wasm', ingestMs: 0 }, deps(events));
      const done = events.at(-1);
      if (done?.type !== 'done' || !done.model) throw new Error('the run gave no model');
      const classifier = await loadForPrediction(done.model);
      classifier.classify([await readJpeg(val[0] as DatasetItem, done.model.imageSizePx)]);
      classifier.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
  });
});
