import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../core/errors';
import { BACKBONES, getBackboneEntry } from './catalog';
import type { BackboneEntry, BackboneSource } from './catalog';
import { loadBackbone, scalePixels } from './backbones';
import { fileIOHandler } from './testing/fileModelIO';

/** `../shared/models` and `../shared/images` beside the repository root. */
const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const modelJson = (id: string): string => path.join(SHARED, 'models', id, 'model.json');
const classNames = (id: string): string[] =>
  JSON.parse(readFileSync(path.join(SHARED, 'models', id, 'imagenet_classes.json'), 'utf8')) as string[];

/** A PNG as [224, 224, 3] int32: centre-cropped to a square, then bilinear-resized. */
function loadPhoto(name: string): tf.Tensor3D {
  const png = PNG.sync.read(readFileSync(path.join(SHARED, 'images', name)));
  return tf.tidy(() => {
    const rgba = tf.tensor3d(new Int32Array(png.data), [png.height, png.width, 4], 'int32');
    const side = Math.min(png.width, png.height);
    const top = Math.floor((png.height - side) / 2);
    const left = Math.floor((png.width - side) / 2);
    const square = tf.slice(rgba, [top, left, 0], [side, side, 3]);
    return tf.round(tf.image.resizeBilinear(square, [224, 224], false, true)).toInt() as tf.Tensor3D;
  });
}

/** Indices of the k largest entries of each row, best first. */
function topK(scores: tf.Tensor2D, k: number): number[][] {
  const { indices } = tf.topk(scores, k);
  const rows = indices.arraySync() as number[][];
  indices.dispose();
  return rows;
}

/** A domestic-cat class: "tabby, tabby cat", "tiger cat", "Persian cat", "Siamese cat, Siamese", "Egyptian cat". */
const isCat = (name: string | undefined): boolean => /\bcat\b/i.test(name ?? '');

/** Serves the local source from disk; any other source fails as a network would here. */
const localOnly = (source: BackboneSource): tf.io.IOHandler => {
  const local = /^\/models\/([^/]+)\/model\.json$/.exec(source.url);
  if (local?.[1]) return fileIOHandler(modelJson(local[1]));
  return { load: () => Promise.reject(new Error('offline in tests')) };
};

let photos: tf.Tensor4D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  photos = tf.stack([loadPhoto('coffee.png'), loadPhoto('chelsea.png')]) as tf.Tensor4D;
});

afterAll(() => photos.dispose());

describe('THE WEIGHTS ARE REAL: full ImageNet classifiers', () => {
  it.each([
    ['MobileNetV2 1.0 (1001 classes, 0 = background)', 'mobilenet_v2_1.0_224', 1001],
    ['MobileNet v1 0.25 LayersModel (1000 classes)', 'mobilenet_v1_0.25_224', 1000],
  ])('%s calls coffee.png espresso and chelsea.png a cat', async (_label, id, classCount) => {
    const names = classNames(id);
    expect(names).toHaveLength(classCount);
    const model = await tf.loadLayersModel(fileIOHandler(modelJson(id)));
    const probs = tf.tidy(() => model.predict(scalePixels(photos, 'minusOneToOne')) as tf.Tensor2D);
    expect(probs.shape).toEqual([2, classCount]);
    const [coffee, chelsea] = topK(probs, 5);
    expect(names[coffee?.[0] ?? -1]).toBe('espresso');
    expect(isCat(names[chelsea?.[0] ?? -1])).toBe(true);
    probs.dispose();
    model.dispose();
  });

  it('MobileNet v1 0.25 GraphModel (1001 logits, 0 = background) agrees', async () => {
    const names = classNames('mobilenet_v1_0.25_224_graph');
    const model = await tf.loadGraphModel(fileIOHandler(modelJson('mobilenet_v1_0.25_224_graph')));
    const logits = tf.tidy(() => model.predict(scalePixels(photos, 'zeroToOne')) as tf.Tensor2D);
    expect(logits.shape).toEqual([2, 1001]);
    const [coffee, chelsea] = topK(logits, 5);
    expect(names[(coffee?.[0] ?? 0) - 1]).toBe('espresso');
    expect(isCat(names[(chelsea?.[0] ?? 0) - 1])).toBe(true);
    logits.dispose();
    model.dispose();
  });
});

describe('loadBackbone', () => {
  it.each(BACKBONES.map((e) => [e.id, e] as const))('%s gives finite [n, featureSize] embeddings', async (_, entry) => {
    const before = tf.memory().numTensors;
    const backbone = await loadBackbone(entry, { ioHandlerFor: localOnly });
    expect(backbone.sourceUrl).toBe(entry.sources[0]?.url);
    expect(backbone.featureSize).toBe(entry.featureSize);
    const features = backbone.embed(photos);
    expect(features.shape).toEqual([2, entry.featureSize]);
    expect(features.dtype).toBe('float32');
    const values = features.dataSync();
    expect(values.every(Number.isFinite)).toBe(true);
    // Real features of two different photos differ, and are not all zero.
    expect(values.some((v) => v !== 0)).toBe(true);
    expect(tf.tidy(() => tf.sub(features.slice(0, 1), features.slice(1, 1)).abs().max().dataSync()[0])).toBeGreaterThan(0.1);
    features.dispose();
    backbone.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reads the v1 graph model embedding node: the features its ImageNet logits are computed from', async () => {
    const backbone = await loadBackbone(getBackboneEntry('mobilenet_v1_0.25_224_graph'), { ioHandlerFor: localOnly });
    const features = backbone.embed(photos);
    const graph = await tf.loadGraphModel(fileIOHandler(modelJson('mobilenet_v1_0.25_224_graph')));
    const kernel = graph.weights['module/MobilenetV1/Logits/Conv2d_1c_1x1/weights']?.[0];
    const bias = graph.weights['module/MobilenetV1/Logits/Conv2d_1c_1x1/biases']?.[0];
    if (!kernel || !bias) throw new Error('the graph model lost its logits weights');
    // logits = features . W + b: the graph's own 1x1 conv applied to our embedding reproduces its output.
    const maxDiff = tf.tidy(() => {
      const fromFeatures = tf.add(tf.matMul(features, tf.reshape(kernel, [256, 1001])), bias);
      const logits = graph.predict(scalePixels(photos, 'zeroToOne')) as tf.Tensor2D;
      return tf.max(tf.abs(tf.sub(fromFeatures, logits))).dataSync()[0] ?? Infinity;
    });
    expect(maxDiff).toBeLessThan(1e-3);
    features.dispose();
    backbone.dispose();
    graph.dispose();
  });

  it('rejects pixels of the wrong size', async () => {
    const backbone = await loadBackbone(getBackboneEntry('mobilenet_v1_0.25_224'), { ioHandlerFor: localOnly });
    const small = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    expect(() => backbone.embed(small)).toThrow(/\[n, 224, 224, 3\]/);
    small.dispose();
    backbone.dispose();
  });
});

describe('loadBackbone fallback', () => {
  /** The v1 LayersModel entry with a broken first source and the real files as the second. */
  const base = getBackboneEntry('mobilenet_v1_0.25_224');
  const entry: BackboneEntry = {
    ...base,
    sources: [
      { url: 'https://example.invalid/broken/model.json', feature: { format: 'layers', layer: 'conv_pw_13_relu' } },
      { url: '/models/mobilenet_v1_0.25_224/model.json', feature: { format: 'layers', layer: 'conv_pw_13_relu' } },
    ],
  };
  const throwing: tf.io.IOHandler = {
    load: () => {
      throw new Error('connection refused');
    },
  };

  it('uses the second source when the first fails, and reports the failure', async () => {
    const failed: Array<[string, string]> = [];
    const backbone = await loadBackbone(entry, {
      ioHandlerFor: (s) => (s.url.startsWith('https:') ? throwing : localOnly(s)),
      onSourceFailed: (url, message) => failed.push([url, message]),
    });
    expect(backbone.sourceUrl).toBe('/models/mobilenet_v1_0.25_224/model.json');
    expect(failed).toEqual([['https://example.invalid/broken/model.json', expect.stringContaining('connection refused')]]);
    backbone.dispose();
  });

  it('throws a UserFacingError naming every URL, its reason and the fix when all sources fail', async () => {
    const error = await loadBackbone(entry, { ioHandlerFor: () => throwing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    const message = (error as Error).message;
    expect(message).toContain('https://example.invalid/broken/model.json: connection refused');
    expect(message).toContain('/models/mobilenet_v1_0.25_224/model.json: connection refused');
    expect(message).toContain('npm run models');
    expect(message).toContain('connect to the network');
  });

  it('treats a wrong feature size or a missing layer as a failed source', async () => {
    const wrong: BackboneEntry = {
      ...base,
      featureSize: 999,
      sources: [{ url: '/models/mobilenet_v1_0.25_224/model.json', feature: { format: 'layers', layer: 'nope' } }, ...base.sources.slice(0, 1)],
    };
    const message = await loadBackbone(wrong, { ioHandlerFor: localOnly }).catch((e: unknown) => (e as Error).message);
    expect(message).toMatch(/no layer "nope"/);
    expect(message).toMatch(/features have 256 values, but the catalog entry "mobilenet_v1_0.25_224" expects 999/);
  });
});
