/**
 * Node-only test fixtures for the export and import tests: a classifier really trained on hymenoptera photos
 * (MobileNet v1 0.25 on WASM, as `run.test.ts` trains), the photos as pixels, and a tfjs `IOHandler` that
 * reads a model from a list of files (a zip's entries); also the photos and backbones of the whole-run tests.
 * Never imported by app code (it uses `node:fs`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import type { Dataset, DatasetItem, SplitName } from '../../core/types';
import { loadBackbone } from '../backbones/backbones';
import type { BackboneSource } from '../backbones/catalog';
import { classifyPixels } from '../model/classifierModel';
import type { ClassifierModel } from '../model/classifierModel';
import type { ModelFile } from '../model/modelImport';
import type { StudioReport } from '../evaluation/report';
import { runTraining } from '../training/run';
import { DEFAULT_SETTINGS } from '../training/settings';
import { fileIOHandler } from './fileModelIO';

export const SHARED = path.resolve(import.meta.dirname, '../../../../shared');
export const HYMENOPTERA = path.join(SHARED, 'datasets', 'hymenoptera');
export const TM_EXPORT = path.join(SHARED, 'models', 'teachable-machine-export');
export const CLASSES = ['ants', 'bees'] as const;

/** A photo of the dataset: its path under hymenoptera/ and its class index. */
export interface Photo {
  readonly path: string;
  readonly classIndex: number;
}

/** The photos of `split` (sorted per class), `perClass` of each class from `start` (all when omitted). */
export function photos(split: 'train' | 'val', perClass = Infinity, start = 0): Photo[] {
  return CLASSES.flatMap((name, classIndex) =>
    readdirSync(path.join(HYMENOPTERA, split, name))
      .filter((f) => f.endsWith('.jpg'))
      .sort()
      .slice(start, start + perClass)
      .map((f) => ({ path: `${split}/${name}/${f}`, classIndex })),
  );
}

/** `list` as dataset items of `split`, numbered from `offset` in list order. */
export function datasetItems(list: readonly Photo[], split: SplitName, offset: number): DatasetItem[] {
  return list.map((p, i) => ({ fileIndex: offset + i, path: p.path, classIndex: p.classIndex, split }));
}

const decoded = new Map<string, Uint8Array>();

/** A hymenoptera JPEG as `sizePx`² RGB bytes: the centre square, resized bilinearly (as `run.test.ts` reads them). */
export function readPhoto(relativePath: string, sizePx: number): Uint8Array {
  const key = `${sizePx}:${relativePath}`;
  const cached = decoded.get(key);
  if (cached) return cached;
  const image = jpeg.decode(readFileSync(path.join(HYMENOPTERA, relativePath)), { useTArray: true });
  const rgb = tf.tidy(() => {
    const rgba = tf.tensor3d(Int32Array.from(image.data), [image.height, image.width, 4], 'int32');
    const side = Math.min(image.width, image.height);
    const square = tf.slice(rgba, [(image.height - side) >> 1, (image.width - side) >> 1, 0], [side, side, 3]);
    return tf.image.resizeBilinear(square, [sizePx, sizePx], false, true).round().clipByValue(0, 255);
  });
  const bytes = Uint8Array.from(rgb.dataSync());
  rgb.dispose();
  decoded.set(key, bytes);
  return bytes;
}

/** Serves backbones from ../shared/models; anything else fails as it would offline. */
const localOnly = (source: BackboneSource): tf.io.IOHandler => {
  const match = /^\/models\/([^/]+)\/model\.json$/.exec(source.url);
  if (match?.[1]) return fileIOHandler(path.join(SHARED, 'models', match[1], 'model.json'));
  return { load: () => Promise.reject(new Error('offline')) };
};

/** Loads a catalog backbone from ../shared/models. */
export const loadLocalBackbone = (entry: Parameters<typeof loadBackbone>[0]) => loadBackbone(entry, { ioHandlerFor: localOnly });

/**
 * Trains MobileNet v1 0.25 + head on `trainPerClass` training photos of each class (no augmentation) with
 * `valPerClass` validation photos of each class held out, on the current backend; returns the `done`
 * event's fused model and the report.
 */
export async function trainClassifier(trainPerClass: number, valPerClass: number, epochs = 8, backboneId = 'mobilenet_v1_0.25_224'): Promise<{ model: ClassifierModel; report: StudioReport }> {
  const items = [...datasetItems(photos('train', trainPerClass), 'train', 0), ...datasetItems(photos('val', valPerClass), 'val', 10_000)];
  const dataset: Dataset = { name: 'hymenoptera', layout: 'split-folders', classes: [...CLASSES], items, skipped: [] };
  const settings = { ...DEFAULT_SETTINGS, backboneId, epochs, batchSize: 8, embedBatchSize: 16, augmentViews: 0, earlyStopping: false };
  let model: ClassifierModel | null = null;
  let failure = '';
  const report = await runTraining(
    { dataset, settings, backend: tf.getBackend(), ingestMs: 0 },
    {
      loadBackbone: loadLocalBackbone,
      readImage: (item, sizePx) => Promise.resolve(readPhoto(item.path, sizePx)),
      onEvent: (event) => {
        if (event.type === 'done') model = event.model;
        if (event.type === 'error') failure = event.message;
      },
    },
  );
  if (!report || !model) throw new Error(`training failed: ${failure}`);
  return { model, report };
}

/**
 * Class probabilities of `model` for photos (each `[n][classes]`), in batches; pixels in [0, 255] go in
 * through `classifyPixels` (the studio's scaling). Leaves no tensors behind.
 */
export function classifyPhotos(model: tf.LayersModel, list: readonly Photo[], sizePx: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < list.length; i += 16) {
    const batch = list.slice(i, i + 16);
    const pixels = new Uint8Array(batch.length * sizePx * sizePx * 3);
    batch.forEach((p, j) => pixels.set(readPhoto(p.path, sizePx), j * sizePx * sizePx * 3));
    const input = tf.tensor4d(Int32Array.from(pixels), [batch.length, sizePx, sizePx, 3], 'int32');
    const probabilities = classifyPixels(model, input);
    const values = probabilities.arraySync();
    tf.dispose([input, probabilities]);
    out.push(...values);
  }
  return out;
}

/** Index of the largest value. */
export const argMax = (values: readonly number[]): number => values.indexOf(Math.max(...values));

/** Fraction of `list` whose top class is its own. */
export function accuracy(probabilities: readonly number[][], list: readonly Photo[]): number {
  return probabilities.filter((p, i) => argMax(p) === list[i]?.classIndex).length / list.length;
}

/**
 * An IOHandler that loads a LayersModel from files as a user holding the zip's entries would: `model.json`
 * parsed, the shards its manifest names read from the files and concatenated, through tfjs's own
 * `getModelArtifactsForJSON` (so quantized weights are decoded by tfjs).
 */
export function filesIOHandler(files: readonly ModelFile[], modelJsonPath = 'model.json'): tf.io.IOHandler {
  const byPath = new Map(files.map((f) => [f.path, f.bytes]));
  const folder = modelJsonPath.slice(0, modelJsonPath.lastIndexOf('/') + 1);
  return {
    load: async () => {
      const json = JSON.parse(new TextDecoder().decode(byPath.get(modelJsonPath))) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, (manifest) => {
        const shards = manifest.flatMap((group) => group.paths).map((p) => {
          const bytes = byPath.get(folder + p);
          if (!bytes) throw new Error(`missing ${p}`);
          return bytes.slice().buffer;
        });
        return Promise.resolve([tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(shards)]);
      });
    },
  };
}
