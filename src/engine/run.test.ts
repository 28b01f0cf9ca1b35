import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, DatasetItem, SplitName } from '../core/types';
import { loadBackbone } from './backbones';
import type { BackboneSource } from './catalog';
import type { TrainEvent } from './events';
import { runTraining } from './run';
import type { RunDeps } from './run';
import { DEFAULT_SETTINGS } from './settings';
import { fileIOHandler } from './testing/fileModelIO';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const HYMENOPTERA = path.join(SHARED, 'datasets', 'hymenoptera');
const BACKBONE_ID = 'mobilenet_v1_0.25_224';
const settings = { ...DEFAULT_SETTINGS, backboneId: BACKBONE_ID, epochs: 6, batchSize: 8, embedBatchSize: 8 };

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

/** Decodes a JPEG of the dataset to `sizePx`² RGB bytes (centre square, bilinear), as the browser reader does. */
function readJpeg(item: DatasetItem, sizePx: number): Promise<Uint8Array> {
  const cached = decoded.get(item.path);
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
  decoded.set(item.path, bytes);
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

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('runTraining on real photos with MobileNet v1 0.25 (CPU)', () => {
  it('reports progress, every epoch in order, then done with a true report, leaking no tensors', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const report = await runTraining({ dataset, settings, backend: 'cpu', ingestMs: 5 }, deps(events));
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
  });

  it('skips an image that cannot be decoded, reports it and trains on the rest', async () => {
    const broken = train[0];
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings: { ...settings, epochs: 2 }, backend: 'cpu', ingestMs: 0 },
      deps(events, {
        readImage: (item, sizePx) =>
          item === broken ? Promise.reject(new Error('could not decode image')) : readJpeg(item, sizePx),
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
      { dataset, settings: { ...settings, epochs: 3 }, backend: 'cpu', ingestMs: 0 },
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
      { dataset, settings, backend: 'cpu', ingestMs: 0 },
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

  it('ends with one error event that names the URLs when the backbone cannot be loaded', async () => {
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings, backend: 'cpu', ingestMs: 0 },
      deps(events, { loadBackbone: (entry) => loadBackbone(entry, { ioHandlerFor: () => ({ load: () => Promise.reject(new Error('404')) }) }) }),
    );
    expect(report).toBeNull();
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.message).toContain('/models/mobilenet_v1_0.25_224/model.json');
    expect(last?.type === 'error' && last.message).toContain('npm run models');
  });
});
