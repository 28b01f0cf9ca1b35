import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, DatasetItem, SplitName } from '../../core/types';
import type { AugmentParams } from '../../data/images';
import { loadBackbone } from '../backbones/backbones';
import type { BackboneSource } from '../backbones/catalog';
import type { TrainEvent } from './events';
import { classifyPixels, loadClassifier } from '../model/classifierModel';
import { loadForPrediction } from '../predict/predict';
import type { StudioReport } from '../evaluation/report';
import { runTraining } from './run';
import type { RunDeps } from './run';
import { DEFAULT_SETTINGS } from './settings';
import { fileIOHandler } from '../testing/fileModelIO';
import { registerWasmGradientKernels } from '../backend/wasmGradients';

const SHARED = path.resolve(import.meta.dirname, '../../../../shared');
const HYMENOPTERA = path.join(SHARED, 'datasets', 'hymenoptera');
const BACKBONE_ID = 'mobilenet_v1_0.25_224';
const SCRATCH_ID = 'scratch_cnn_64';
const settings = {
  ...DEFAULT_SETTINGS, backboneId: BACKBONE_ID, epochs: 6, batchSize: 8, embedBatchSize: 8, augmentViews: 0, earlyStopping: false,
};

/** The first `n` JPEGs of each hymenoptera class in `split`, as dataset items. */
function pickItems(split: 'train' | 'val', n: number, asSplit: SplitName, start: number): DatasetItem[] {
  return ['ants', 'bees'].flatMap((name, classIndex) =>
    readdirSync(path.join(HYMENOPTERA, split, name))
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .slice(0, n)
      .map((f, i) => ({ fileIndex: start + classIndex * n + i, path: `${split}/${name}/${f}`, classIndex, split: asSplit })),
  );
}

const train = pickItems('train', 8, 'train', 0);
const val = pickItems('val', 4, 'val', 100);
const dataset: Dataset = { name: 'hymenoptera-mini', layout: 'split-folders', classes: ['ants', 'bees'], items: [...train, ...val], skipped: [] };

const decoded = new Map<string, Uint8Array>();

/**
 * Decodes a JPEG of the dataset to `sizePx`² RGB bytes (centre square, bilinear), as the browser reader does.
 * Of an augmentation only the flip is applied here (the canvas does the rest in the browser); the views
 * still differ, which is what these tests need.
 */
function readJpeg(item: DatasetItem, sizePx: number, params: AugmentParams | null = null): Promise<Uint8Array> {
  if (params?.flip) {
    return readJpeg(item, sizePx).then((rgb) => {
      const flipped = new Uint8Array(rgb.length);
      for (let y = 0; y < sizePx; y++) {
        for (let x = 0; x < sizePx; x++) flipped.set(rgb.subarray((y * sizePx + x) * 3, (y * sizePx + x) * 3 + 3), (y * sizePx + sizePx - 1 - x) * 3);
      }
      return flipped;
    });
  }
  const cached = decoded.get(`${sizePx}:${item.path}`);
  if (cached) return Promise.resolve(cached);
  const image = jpeg.decode(readFileSync(path.join(HYMENOPTERA, item.path)), { useTArray: true });
  const rgb = tf.tidy(() => {
    const rgba = tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 4], 'int32');
    const side = Math.min(image.width, image.height);
    const square = tf.slice(rgba, [(image.height - side) >> 1, (image.width - side) >> 1, 0], [side, side, 3]);
    return tf.image.resizeBilinear(square, [sizePx, sizePx], false, true).round().clipByValue(0, 255);
  });
  const bytes = Uint8Array.from(rgb.dataSync());
  rgb.dispose();
  decoded.set(`${sizePx}:${item.path}`, bytes);
  return Promise.resolve(bytes);
}

/** Serves the backbone's local copy from ../shared/models; any other source fails as it would offline. */
const localOnly = (source: BackboneSource): tf.io.IOHandler => {
  const match = /^\/models\/([^/]+)\/model\.json$/.exec(source.url);
  if (match?.[1]) return fileIOHandler(path.join(SHARED, 'models', match[1], 'model.json'));
  return { load: () => Promise.reject(new Error('offline')) };
};

function deps(events: TrainEvent[], overrides: Partial<RunDeps> = {}): RunDeps {
  return {
    loadBackbone: (entry) => loadBackbone(entry, { ioHandlerFor: localOnly }),
    readImage: readJpeg,
    onEvent: (event) => events.push(event),
    ...overrides,
  };
}

const TERMINAL = new Set(['done', 'stopped', 'error']);

/**
 * The `done` event's fused model, loaded as a LayersModel and fed the held-out photos as pixels, predicts
 * what the run reported for each of them: the same class, the same confidence (float error aside). This
 * is the model export, prediction and the webcam use, so it must be the model the report describes.
 */
async function expectModelMatchesReport(events: readonly TrainEvent[], report: StudioReport | null): Promise<void> {
  const done = events.at(-1);
  if (done?.type !== 'done' || !report) throw new Error('the run did not end with done');
  expect(done.model).not.toBeNull();
  if (!done.model) return;
  expect(done.model.labels).toEqual(dataset.classes);
  const tensorsBefore = tf.memory().numTensors;
  const model = await loadClassifier(done.model);
  const size = done.model.imageSizePx;
  for (const prediction of report.predictions) {
    const item = dataset.items.find((i) => i.path === prediction.file) as DatasetItem;
    const pixels = tf.tensor4d(await readJpeg(item, size), [1, size, size, 3], 'int32');
    const probabilities = classifyPixels(model, pixels);
    const scores = Array.from(probabilities.dataSync());
    tf.dispose([pixels, probabilities]);
    const best = scores.indexOf(Math.max(...scores));
    expect(dataset.classes[best]).toBe(prediction.predictedClass);
    expect(Math.abs((scores[best] as number) - prediction.confidence)).toBeLessThan(1e-4);
  }
  model.dispose();
  expect(tf.memory().numTensors).toBe(tensorsBefore);
}

beforeAll(async () => {
  // WASM: the same backend the browser uses here, and fast enough to embed in a test.
  await tf.setBackend('wasm');
});

describe('runTraining on real photos with MobileNet v1 0.25 (WASM)', () => {
  it('reports progress, every epoch in order, then done with a true report, leaking no tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const report = await runTraining({ dataset, settings, backend: 'wasm', ingestMs: 5 }, deps(events));
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
    expect(report.evaluation.accuracy).toBeGreaterThanOrEqual(0.5);
    expect(report.timings.ingestMs).toBe(5);
    expect(report.timings.totalMs).toBeGreaterThan(report.timings.embedMs);
    expect(report.embedImagesPerSecond).toBeGreaterThan(0);
    expect(report.history.every((m) => m.stage === 1)).toBe(true);
    expect(report.stages).toEqual([{ stage: 1, epochs: 6, bestEpoch: expect.any(Number), restoredBest: false, stoppedEarly: false, backend: null }]);
    expect(report.plan).toMatchObject({ stage1Epochs: 6, stage2Epochs: 0, fineTune: null, viewsPerImage: 1 });
    expect(report.stoppedByUser).toBe(false);
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

  it('two-stage: the head, then the top block with the head on cached activations; epochs numbered on, stages marked', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const twoStage = { ...settings, epochs: 3, fineTune: true, fineTuneBlocks: 1, fineTuneEpochs: 2, augmentViews: 1 };
    const report = await runTraining(
      { dataset, settings: twoStage, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        prepareFineTune: () => {
          registerWasmGradientKernels();
          return Promise.resolve({ backend: 'wasm', reason: 'test' });
        },
      }),
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(events.at(-1)?.type).toBe('done');
    const plan = events.find((e) => e.type === 'plan');
    expect(plan).toMatchObject({ stage1Epochs: 3, stage2Epochs: 2, fineTune: { blocks: 1, cutName: expect.any(String) }, viewsPerImage: 2 });
    expect(events.flatMap((e) => (e.type === 'epochEnd' ? [`${e.epoch}:${e.stage}`] : []))).toEqual(['1:1', '2:1', '3:1', '4:2', '5:2']);
    const batches = events.flatMap((e) => (e.type === 'batchEnd' ? [e] : []));
    expect(batches.every((b) => (b.stage === 2) === b.epoch > 3)).toBe(true);
    expect(report?.stages.map((s) => [s.stage, s.epochs, s.backend])).toEqual([[1, 3, null], [2, 2, 'wasm']]);
    expect(report?.backends).toEqual({ embed: 'wasm', fineTune: 'wasm' });
    expect(report?.evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(8);
    expect(report?.timings.fineTuneMs).toBeGreaterThan(0);
    expect(report?.cacheBytes).toBeGreaterThan((16 * 2 + 8) * 256 * 4);
    // The fused model carries the fine-tuned top block.
    await expectModelMatchesReport(events, report);
  });

  it('two-stage at a 160 px input: every image read at 160 px, the cut at 5x5, the report and the model at 160', async () => {
    const events: TrainEvent[] = [];
    const sizes = new Set<number>();
    const small = { ...settings, inputSizePx: 160, epochs: 2, fineTune: true, fineTuneBlocks: 1, fineTuneEpochs: 1 };
    const report = await runTraining(
      { dataset, settings: small, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        readImage: (item, sizePx, params) => {
          sizes.add(sizePx);
          return readJpeg(item, sizePx, params);
        },
        prepareFineTune: () => {
          registerWasmGradientKernels();
          return Promise.resolve({ backend: 'wasm', reason: 'test' });
        },
      }),
    );
    const last = events.at(-1);
    expect(last?.type === 'error' ? last.message : last?.type).toBe('done');
    expect([...sizes]).toEqual([160]);
    expect(report?.settings.inputSizePx).toBe(160);
    expect(report?.backboneInfo?.inputSizePx).toBe(160);
    expect(events.find((e) => e.type === 'plan')).toMatchObject({ fineTune: { blocks: 1, activationShape: [5, 5, 256] } });
    expect(last?.type === 'done' ? last.model?.imageSizePx : null).toBe(160);
    await expectModelMatchesReport(events, report);
  });

  it('refuses an input size the backbone does not take before loading anything', async () => {
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings: { ...settings, inputSizePx: 100 }, backend: 'wasm', ingestMs: 0 },
      deps(events, { loadBackbone: () => Promise.reject(new Error('must not load')) }),
    );
    expect(report).toBeNull();
    expect(events).toEqual([{ type: 'error', message: expect.stringMatching(/takes 160, 192, 224 px images, not 100 px/) }]);
  });

  it('trains the scratch CNN whole, as its only stage', async () => {
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings: { ...settings, backboneId: SCRATCH_ID, epochs: 2 }, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        prepareFineTune: () => {
          registerWasmGradientKernels();
          return Promise.resolve({ backend: 'wasm', reason: 'test' });
        },
      }),
    );
    const last = events.at(-1);
    expect(last?.type === 'error' ? last.message : last?.type).toBe('done');
    expect(report?.plan).toMatchObject({ stage1Epochs: 0, stage2Epochs: 2, fineTune: null });
    expect(report?.history.map((m) => m.stage)).toEqual([2, 2]);
    await expectModelMatchesReport(events, report);
  });

  it('ends with one error event that names the URLs when the backbone cannot be loaded', async () => {
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings, backend: 'wasm', ingestMs: 0 },
      deps(events, { loadBackbone: (entry) => loadBackbone(entry, { ioHandlerFor: () => ({ load: () => Promise.reject(new Error('404')) }) }) }),
    );
    expect(report).toBeNull();
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.message).toContain('/models/mobilenet_v1_0.25_224/model.json');
    expect(last?.type === 'error' && last.message).toContain('npm run models');
  });

  it('fits the run into the memory it may use: fewer views with a note, or a clear refusal before embedding', async () => {
    const asked = { ...settings, epochs: 1, augmentViews: 3 };
    // Without views the run needs E0; each view of the 16 training images adds 16 feature rows of 256 floats.
    const probeEvents: TrainEvent[] = [];
    await runTraining({ dataset, settings: { ...asked, augmentViews: 0 }, backend: 'wasm', ingestMs: 0 }, deps(probeEvents));
    const probe = probeEvents.find((e) => e.type === 'plan');
    if (probe?.type !== 'plan') throw new Error('no plan');
    expect(probe.memory.note).toBeNull();
    const perView = 16 * 256 * 4;
    const budget = probe.memory.estimatedBytes + perView * 1.5;
    const events: TrainEvent[] = [];
    const report = await runTraining({ dataset, settings: asked, backend: 'wasm', ingestMs: 0 }, deps(events, { memoryBudgetBytes: budget }));
    const plan = events.find((e) => e.type === 'plan');
    expect(plan).toMatchObject({ viewsPerImage: 2, memory: { note: expect.stringContaining('3 augmented views per image would need') } });
    expect(report?.settings.augmentViews).toBe(1);

    const refused: TrainEvent[] = [];
    await runTraining({ dataset, settings: asked, backend: 'wasm', ingestMs: 0 }, deps(refused, { memoryBudgetBytes: 1024 }));
    const last = refused.at(-1);
    expect(last?.type === 'error' && last.message).toMatch(/needs about .* even without augmented views/);
    expect(refused.some((e) => e.type === 'progress' && e.stage === 'embed')).toBe(false);
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

