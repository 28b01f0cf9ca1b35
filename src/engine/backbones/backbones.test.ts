import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import { ALL_BACKBONES, BACKBONES, SCRATCH_BACKBONE } from './catalog';
import { entryAtSize, getBackboneEntry } from './registry';
import type { BackboneEntry, BackboneSource } from './catalog';
import { loadBackbone, loadLayersAtSize, scalePixels } from './backbones';
import { fileIOHandler } from '../testing/fileModelIO';

/** `../shared/models` and `../shared/images` beside the repository root. */
const SHARED = path.resolve(import.meta.dirname, '../../../../shared');
const modelJson = (id: string): string => path.join(SHARED, 'models', id, 'model.json');
const classNames = (id: string): string[] =>
  JSON.parse(readFileSync(path.join(SHARED, 'models', id, 'imagenet_classes.json'), 'utf8')) as string[];

/** A PNG as [size, size, 3] int32: centre-cropped to a square, then bilinear-resized. */
function loadPhoto(name: string, size = 224): tf.Tensor3D {
  const png = PNG.sync.read(readFileSync(path.join(SHARED, 'images', name)));
  return tf.tidy(() => {
    const rgba = tf.tensor3d(new Int32Array(png.data), [png.height, png.width, 4], 'int32');
    const side = Math.min(png.width, png.height);
    const top = Math.floor((png.height - side) / 2);
    const left = Math.floor((png.width - side) / 2);
    const square = tf.slice(rgba, [top, left, 0], [side, side, 3]);
    return tf.round(tf.image.resizeBilinear(square, [size, size], false, true)).toInt() as tf.Tensor3D;
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

describe('input sizes: the MobileNet LayersModels fed 160 and 192 px images', () => {
  it.each([
    ['mobilenet_v2_1.0_224', 160],
    ['mobilenet_v2_1.0_224', 192],
    ['mobilenet_v1_0.25_224', 160],
  ] as const)('%s at %i px still calls coffee.png espresso and chelsea.png a cat', async (id, size) => {
    const names = classNames(id);
    const model = await loadLayersAtSize(fileIOHandler(modelJson(id)), size);
    expect(model.inputs[0]?.shape).toEqual([null, size, size, 3]);
    const small = tf.stack([loadPhoto('coffee.png', size), loadPhoto('chelsea.png', size)]) as tf.Tensor4D;
    const probs = tf.tidy(() => model.predict(scalePixels(small, 'minusOneToOne')) as tf.Tensor2D);
    const [coffee, chelsea] = topK(probs, 1);
    expect(names[coffee?.[0] ?? -1]).toBe('espresso');
    expect(isCat(names[chelsea?.[0] ?? -1])).toBe(true);
    tf.dispose([small, probs]);
    model.dispose();
  });

  it.each(BACKBONES.filter((e) => e.inputSizes).map((e) => [e.id, e] as const))(
    '%s: embeds at every size it offers, with the same features as its own size up to the coarser grid, and splits at the smaller grid',
    async (_, base) => {
      expect(base.inputSizes).toEqual([160, 192, 224]);
      const at224 = await loadBackbone(base, { ioHandlerFor: localOnly });
      const reference = at224.embed(photos);
      for (const size of [160, 192]) {
        const entry = entryAtSize(base, size);
        expect(entry.inputSizePx).toBe(size);
        const backbone = await loadBackbone(entry, { ioHandlerFor: localOnly });
        const small = tf.stack([loadPhoto('coffee.png', size), loadPhoto('chelsea.png', size)]) as tf.Tensor4D;
        const features = backbone.embed(small);
        expect(features.shape).toEqual([2, base.featureSize]);
        // The same photo at another resolution: close to its own 224 px features (cosine), far from the other photo's.
        const cosine = tf.tidy(() => {
          const unit = (t: tf.Tensor2D) => tf.div(t, tf.norm(t, 2, 1, true));
          return tf.matMul(unit(features), unit(reference), false, true).arraySync() as number[][];
        });
        expect(cosine[0]?.[0]).toBeGreaterThan(0.75);
        expect(cosine[1]?.[1]).toBeGreaterThan(0.75);
        expect(cosine[0]?.[0]).toBeGreaterThan(cosine[0]?.[1] ?? 1);
        expect(() => backbone.embed(photos)).toThrow(new RegExp(`\\[n, ${size}, ${size}, 3\\]`));
        const split = backbone.split(1);
        const grid = size / 32;
        expect(split.activationShape.slice(0, 2)).toEqual([grid, grid]);
        split.dispose();
        tf.dispose([small, features]);
        backbone.dispose();
      }
      reference.dispose();
      at224.dispose();
    },
  );

  it('entryAtSize keeps the entry for null or its own size and refuses sizes it does not offer', () => {
    const v2 = getBackboneEntry('mobilenet_v2_1.0_224');
    expect(entryAtSize(v2, null)).toBe(v2);
    expect(entryAtSize(v2, 224)).toBe(v2);
    expect(() => entryAtSize(v2, 100)).toThrow(UserFacingError);
    expect(() => entryAtSize(v2, 100)).toThrow(/takes 160, 192, 224 px images, not 100 px/);
    expect(() => entryAtSize(getBackboneEntry('mobilenet_v1_0.25_224_graph'), 160)).toThrow(/takes 224 px images/);
    expect(() => entryAtSize(SCRATCH_BACKBONE, 160)).toThrow(/takes 64 px images/);
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

describe('catalog: fine-tuning cut points', () => {
  it('lists at least 5 cut points per pretrained backbone, a default among them, and one block for the scratch CNN', () => {
    expect(ALL_BACKBONES.map((e) => e.kind)).toEqual(['pretrained', 'pretrained', 'pretrained', 'pretrained', 'pretrained', 'pretrained', 'pretrained', 'scratch']);
    // The online catalog trains head-only: its graphs' node names are not known before download.
    expect(ALL_BACKBONES.filter((e) => e.online).map((e) => e.fineTune)).toEqual([null, null, null]);
    for (const entry of ALL_BACKBONES.filter((e) => !e.online)) {
      const spec = entry.fineTune;
      if (!spec) throw new Error(`${entry.id} has no fineTune`);
      expect(new Set(spec.cutPoints).size).toBe(spec.cutPoints.length);
      expect(spec.defaultBlocks).toBeGreaterThanOrEqual(1);
      expect(spec.defaultBlocks).toBeLessThanOrEqual(spec.cutPoints.length);
      if (entry.kind === 'pretrained') expect(spec.cutPoints.length).toBeGreaterThanOrEqual(5);
    }
    expect(SCRATCH_BACKBONE.sources).toEqual([]);
    expect(SCRATCH_BACKBONE.fineTune?.cutPoints).toHaveLength(1);
    expect(getBackboneEntry(SCRATCH_BACKBONE.id)).toBe(SCRATCH_BACKBONE);
  });

  /** [h, w, c] at each cut point, k = 1..7. */
  const EXPECTED_SHAPES: Record<string, number[][]> = {
    'mobilenet_v2_1.0_224': [[7, 7, 160], [7, 7, 160], [7, 7, 160], [14, 14, 96], [14, 14, 96], [14, 14, 96], [14, 14, 64]],
    'mobilenet_v2_0.35_224': [[7, 7, 56], [7, 7, 56], [7, 7, 56], [14, 14, 32], [14, 14, 32], [14, 14, 32], [14, 14, 24]],
    'mobilenet_v1_0.25_224': [[7, 7, 256], [14, 14, 128], [14, 14, 128], [14, 14, 128], [14, 14, 128], [14, 14, 128], [14, 14, 128]],
    'mobilenet_v1_0.25_224_graph': [[7, 7, 256], [14, 14, 128], [14, 14, 128], [14, 14, 128], [14, 14, 128], [14, 14, 128], [14, 14, 128]],
  };

  it.each(BACKBONES.map((e) => [e.id, e] as const))('%s: every cut point is in the local copy and cuts it below more blocks', async (_, entry) => {
    const backbone = await loadBackbone(entry, { ioHandlerFor: localOnly });
    const before = tf.memory().numTensors;
    const cutPoints = entry.fineTune?.cutPoints ?? [];
    expect(backbone.fineTuneBlocks).toBe(cutPoints.length);
    const shapes: number[][] = [];
    let previous = 0;
    for (let k = 1; k <= cutPoints.length; k++) {
      const split = backbone.split(k);
      expect(split.cutName).toBe(cutPoints[k - 1]);
      shapes.push([...split.activationShape]);
      expect(split.variables.length).toBeGreaterThan(previous);
      previous = split.variables.length;
      split.dispose();
    }
    expect(shapes).toEqual(EXPECTED_SHAPES[entry.id]);
    expect(tf.memory().numTensors).toBe(before);
    backbone.dispose();
  });

  it('rejects a cut that a residual connection jumps over, and one above the feature layer', async () => {
    const base = getBackboneEntry('mobilenet_v2_1.0_224');
    const entry: BackboneEntry = { ...base, fineTune: { cutPoints: ['block_15_project', 'predictions'], defaultBlocks: 1 } };
    const backbone = await loadBackbone(entry, { ioHandlerFor: localOnly });
    // block_15_add also reads block_14_add, which does not pass through block_15_project.
    expect(() => backbone.split(1)).toThrow(/"block_15_project" does not cut the model/);
    expect(() => backbone.split(2)).toThrow(/"predictions" does not cut the model/);
    backbone.dispose();
  });

  it('a copy that lacks the cut points (e.g. a fallback source) reports 0 blocks and refuses to split', async () => {
    const base = getBackboneEntry('mobilenet_v1_0.25_224');
    const entry: BackboneEntry = { ...base, fineTune: { cutPoints: ['conv_pw_12_relu', 'no_such_layer'], defaultBlocks: 1 } };
    const partly = await loadBackbone(entry, { ioHandlerFor: localOnly });
    expect(partly.fineTuneBlocks).toBe(1);
    expect(() => partly.split(2)).toThrow(/integer in 1\.\.1/);
    partly.dispose();
    const none = await loadBackbone({ ...base, fineTune: { cutPoints: ['no_such_layer'], defaultBlocks: 1 } }, { ioHandlerFor: localOnly });
    expect(none.fineTuneBlocks).toBe(0);
    expect(() => none.split(1)).toThrow(/has no layer or node "no_such_layer": it cannot be split/);
    none.dispose();
    const noSpec = await loadBackbone({ ...base, fineTune: null }, { ioHandlerFor: localOnly });
    expect(() => noSpec.split(1)).toThrow(/cannot be split/);
    noSpec.dispose();
  });

  it('builds the scratch entry locally, seeded, without loading anything', async () => {
    const ioHandlerFor = (): tf.io.IOHandler => {
      throw new Error('the scratch entry must not load weights');
    };
    const a = await loadBackbone(SCRATCH_BACKBONE, { ioHandlerFor, seed: 3 });
    const b = await loadBackbone(SCRATCH_BACKBONE, { ioHandlerFor, seed: 3 });
    const x = tf.randomUniform([2, 64, 64, 3], 0, 256, 'int32', 5) as tf.Tensor4D;
    const [fa, fb] = [a.embed(x), b.embed(x)];
    expect(fa.shape).toEqual([2, SCRATCH_BACKBONE.featureSize]);
    expect(maxAbs(fa, fb)).toBe(0);
    tf.dispose([x, fa, fb]);
    a.dispose();
    b.dispose();
  });
});

const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity);
