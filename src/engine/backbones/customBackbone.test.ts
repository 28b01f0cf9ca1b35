import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import { loadBackbone, scalePixels } from './backbones';
import type { Backbone } from './backbones';
import { IMAGENET_MEAN, IMAGENET_STD } from './catalog';
import { getBackboneEntry, registerUserBackbone } from './registry';
import type { BackboneSource, InputScaling } from './catalog';
import { classifyPixels, loadClassifier, saveClassifier } from '../model/classifierModel';
import { buildCustomEntry, customBackboneId, findModelJson, fineTuneFor, inspectModelJson, scalingPreview } from './customBackbone';
import type { CustomBackboneChoice, ModelFile, ModelInspection } from './customBackbone';
import { collectModelFiles, filesIOHandler, modelName, readModelJson } from './customBackboneFiles';
import { backboneIOHandler } from './onlineBackbones';
import { fileIOHandler } from '../testing/fileModelIO';

const SHARED = path.resolve(import.meta.dirname, '../../../../shared');
const MODELS = path.join(SHARED, 'models');
const GRAPH_ID = 'mobilenet_v1_0.25_224_graph';
const LAYERS_ID = 'mobilenet_v1_0.25_224';
const modelJsonOf = (id: string): unknown => JSON.parse(readFileSync(path.join(MODELS, id, 'model.json'), 'utf8'));

/** A model folder from ../shared/models as the files a person would choose, under another folder name. */
function folderAs(id: string, name: string): ModelFile[] {
  return readdirSync(path.join(MODELS, id))
    .filter((f) => f === 'model.json' || f.includes('shard') || f.endsWith('.bin'))
    .map((f) => ({ path: `${name}/${f}`, blob: new Blob([readFileSync(path.join(MODELS, id, f))]) }));
}

/** A PNG from ../shared/images as [224, 224, 3] int32 (centre square, bilinear). */
function photo(name: string): tf.Tensor3D {
  const png = PNG.sync.read(readFileSync(path.join(SHARED, 'images', name)));
  return tf.tidy(() => {
    const rgba = tf.tensor3d(new Int32Array(png.data), [png.height, png.width, 4], 'int32');
    const side = Math.min(png.width, png.height);
    const square = tf.slice(rgba, [(png.height - side) >> 1, (png.width - side) >> 1, 0], [side, side, 3]);
    return tf.round(tf.image.resizeBilinear(square, [224, 224], false, true)).toInt() as tf.Tensor3D;
  });
}

const localOnly = (source: BackboneSource): tf.io.IOHandler => {
  const local = /^\/models\/([^/]+)\/model\.json$/.exec(source.url);
  if (local?.[1]) return fileIOHandler(path.join(MODELS, local[1], 'model.json'));
  return { load: () => Promise.reject(new Error('offline in tests')) };
};

const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity);

/** A minimal GraphModel model.json of the given nodes (ops and inputs), with float weights for `weights`. */
function graphJson(nodes: [string, string, string[]][], weights: string[], shape = ['-1', '32', '32', '3']): unknown {
  return {
    format: 'graph-model',
    modelTopology: {
      node: nodes.map(([name, op, input]) => ({
        name, op, input, attr: op === 'Placeholder' ? { shape: { shape: { dim: shape.map((size) => ({ size })) } } } : {},
      })),
    },
    weightsManifest: [{ paths: ['w.bin'], weights: weights.map((name) => ({ name, shape: [3, 3], dtype: 'float32' })) }],
  };
}

let photos: tf.Tensor4D;

beforeAll(async () => {
  await tf.setBackend('cpu');
  photos = tf.stack([photo('coffee.png'), photo('chelsea.png')]) as tf.Tensor4D;
});

afterAll(() => photos.dispose());

describe('inspectModelJson on the real models', () => {
  it('finds the v1 graph model\'s input, its global pool, and the catalog\'s own cut points', () => {
    const inspection = inspectModelJson(modelJsonOf(GRAPH_ID));
    expect(inspection.format).toBe('graph');
    expect(inspection.inputShape).toEqual([null, 224, 224, 3]);
    expect(inspection.inputSizePx).toBe(224);
    expect(inspection.inputSizeNote).toBeNull();
    expect(inspection.suggested).toBe('module_apply_default/MobilenetV1/Logits/global_pool');
    expect(inspection.candidates.map((c) => c.name)).toContain(inspection.suggested);
    expect(inspection.candidates.at(-1)).toEqual({ name: 'module_apply_default/MobilenetV1/Logits/SpatialSqueeze', op: 'Squeeze', kind: 'output' });
    // A folded batch norm's Add of a constant is no residual merge.
    expect(inspection.candidates.some((c) => c.kind === 'merge')).toBe(false);
    expect(inspection.weightBytes).toBe(1875348);
    expect(inspection.weightPaths).toEqual(['group1-shard1of1']);
    expect(fineTuneFor(inspection, inspection.suggested).cutPoints).toEqual(getBackboneEntry(GRAPH_ID).fineTune?.cutPoints);
  });

  it('suggests the v1 LayersModel\'s global_average_pooling2d_1 (not the reshape after it) with the catalog\'s cut points', () => {
    const inspection = inspectModelJson(modelJsonOf(LAYERS_ID));
    expect(inspection.format).toBe('layers');
    expect(inspection.suggested).toBe('global_average_pooling2d_1');
    expect(fineTuneFor(inspection, 'global_average_pooling2d_1').cutPoints).toEqual(getBackboneEntry(LAYERS_ID).fineTune?.cutPoints);
  });

  it('cuts MobileNetV2 at its residual sums, nearest the top first', () => {
    const inspection = inspectModelJson(modelJsonOf('mobilenet_v2_1.0_224'));
    expect(inspection.suggested).toBe('global_average_pooling2d');
    const { cutPoints } = fineTuneFor(inspection, inspection.suggested);
    expect(cutPoints.slice(0, 3)).toEqual(['block_15_add', 'block_14_add', 'block_12_add']);
    expect(cutPoints).toHaveLength(7);
  });

  it('offers a nested Teachable Machine export\'s output and says two-stage has no cut points', () => {
    const inspection = inspectModelJson(modelJsonOf('teachable-machine-export'));
    expect(inspection.suggested).toBeNull();
    expect(inspection.candidates.map((c) => c.kind)).toEqual(['output']);
    expect(fineTuneFor(inspection, null)).toEqual({
      cutPoints: [],
      reason: 'Two-stage needs cut points; this model has none we can find, so it trains the head only.',
    });
  });
});

describe('inspectModelJson on hand-made graphs', () => {
  const classifier: [string, string, string[]][] = [
    ['x', 'Placeholder', []], ['k1', 'Const', []], ['conv', 'Conv2D', ['x', 'k1']], ['relu', 'Relu', ['conv']],
    ['pool', 'MaxPool', ['relu']], ['flat', 'Reshape', ['pool', 'shape']], ['shape', 'Const', []], ['k2', 'Const', []],
    ['dense', 'MatMul', ['flat', 'k2']], ['probs', 'Softmax', ['dense']],
  ];

  it('suggests the flatten before a dense classifier (VGG-like), not the local max pool', () => {
    const inspection = inspectModelJson(graphJson(classifier, ['k1', 'k2']));
    expect(inspection.suggested).toBe('flat');
    expect(inspection.inputSizePx).toBe(32);
    expect(inspection.candidates.map((c) => `${c.name}:${c.kind}`)).toEqual(['relu:activation', 'pool:pool', 'flat:flatten', 'probs:output']);
  });

  it('suggests the output of a feature-vector graph (no pooling, no classifier)', () => {
    const nodes: [string, string, string[]][] = [['x', 'Placeholder', []], ['k', 'Const', []], ['conv', 'Conv2D', ['x', 'k']], ['out', 'Relu', ['conv']]];
    expect(inspectModelJson(graphJson(nodes, ['k'])).suggested).toBeNull();
  });

  it('feeds 224 px images when height and width are open, and says so', () => {
    const inspection = inspectModelJson(graphJson(classifier, ['k1', 'k2'], ['-1', '-1', '-1', '3']));
    expect(inspection.inputShape).toEqual([null, null, null, 3]);
    expect(inspection.inputSizePx).toBe(224);
    expect(inspection.inputSizeNote).toMatch(/any height and width.*224x224/);
  });

  it.each([
    [['-1', '32', '48', '3'], /32x48 is not square/],
    [['-1', '32', '32', '1'], /1 channels, but images have 3/],
    [['-1', '32', '3'], /feeds images as \[n, height, width, 3\]/],
  ])('refuses input %j with a clear reason', (shape, reason) => {
    expect(() => inspectModelJson(graphJson(classifier, ['k1', 'k2'], shape))).toThrow(reason);
  });

  it('refuses what is not a TF.js model, and a model of two inputs', () => {
    expect(() => inspectModelJson({ hello: 1 })).toThrow(UserFacingError);
    const twoInputs: [string, string, string[]][] = [['a', 'Placeholder', []], ['b', 'Placeholder', []], ['sum', 'AddV2', ['a', 'b']]];
    expect(() => inspectModelJson(graphJson(twoInputs, []))).toThrow(/2 inputs \(a, b\)/);
  });
});

describe('custom entries and files', () => {
  const choiceFor = (files: ModelFile[], inspection: ModelInspection, featureNode: string | null, scaling: InputScaling): CustomBackboneChoice => ({
    name: 'my-graph-model', inspection, featureNode, scaling,
    origin: { kind: 'files', modelJsonPath: findModelJson(files), files },
  });

  it('builds an entry that reads the files, with the chosen node, scaling and derived cut points', () => {
    const files = folderAs(GRAPH_ID, 'my-graph-model');
    const inspection = inspectModelJson(modelJsonOf(GRAPH_ID));
    const entry = buildCustomEntry(choiceFor(files, inspection, inspection.suggested, 'zeroToOne'));
    expect(entry.id).toBe('custom:my-graph-model');
    expect(entry.kind).toBe('custom');
    expect(entry.featureSize).toBe(0);
    expect(entry.sources).toEqual([{ url: 'files:my-graph-model/model.json', feature: { format: 'graph', node: inspection.suggested } }]);
    expect(entry.fineTune?.defaultBlocks).toBe(2);
    expect(entry.userSource).toEqual({ name: 'my-graph-model', files: files.map((f) => f.path), url: null });
    expect(() => buildCustomEntry(choiceFor(files, inspection, 'no/such/node', 'zeroToOne'))).toThrow(/no node "no\/such\/node"/);
    expect(customBackboneId('My model (v2)!')).toBe('custom:My-model-v2');
  });

  it('loads the dropped graph model from its files: the same features as the built-in copy, measured size, a working split', async () => {
    const files = folderAs(GRAPH_ID, 'my-graph-model');
    const inspection = inspectModelJson(await readModelJson(files, 'my-graph-model/model.json'));
    const entry = buildCustomEntry(choiceFor(files, inspection, inspection.suggested, 'zeroToOne'));
    const before = tf.memory().numTensors;
    const custom = await loadBackbone(entry, { ioHandlerFor: (s) => backboneIOHandler(entry, s, { files }) });
    const builtIn = await loadBackbone(getBackboneEntry(GRAPH_ID), { ioHandlerFor: localOnly });
    expect(custom.featureSize).toBe(256);
    expect(custom.entry.featureSize).toBe(256);
    expect(custom.sourceUrl).toBe('files:my-graph-model/model.json');
    const [a, b] = [custom.embed(photos), builtIn.embed(photos)];
    expect(a.shape).toEqual([2, 256]);
    expect(maxAbs(a, b)).toBeLessThan(1e-5);
    expect(custom.fineTuneBlocks).toBe(7);
    const split = custom.split(2);
    expect(split.activationShape).toEqual([14, 14, 128]);
    expect(split.variables.length).toBeGreaterThan(0);
    split.dispose();
    tf.dispose([a, b]);
    custom.dispose();
    builtIn.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a missing weight file, and finds model.json and the name in a zip', async () => {
    const files = folderAs(GRAPH_ID, 'broken').filter((f) => !f.path.endsWith('shard1of1'));
    const handler = filesIOHandler(files, 'broken/model.json');
    if (!handler.load) throw new Error('the files handler cannot load');
    await expect(handler.load()).rejects.toThrow(/weight file "group1-shard1of1", which is not among the files given/);
    const zip = zipSync(Object.fromEntries(folderAs(GRAPH_ID, 'inner').map((f) => [f.path, new Uint8Array(readFileSync(path.join(MODELS, GRAPH_ID, path.basename(f.path))))])));
    const collected = await collectModelFiles([{ path: 'download.zip', file: new Blob([zip]) }]);
    expect(collected.modelJsonPath).toBe('download/inner/model.json');
    expect(modelName(collected.modelJsonPath)).toBe('inner');
    expect(() => findModelJson([{ path: 'a/model.json' }, { path: 'b/model.json' }])).toThrow(/Several model.json/);
    expect(() => findModelJson([{ path: 'a/weights.bin' }])).toThrow(/No model.json/);
  });

  it('exports a LayersModel backbone with ImageNet mean/std scaling through a frozen per-channel layer', async () => {
    const files = folderAs(LAYERS_ID, 'keras-v1');
    const inspection = inspectModelJson(modelJsonOf(LAYERS_ID));
    const entry = buildCustomEntry({ ...choiceFor(files, inspection, 'conv_pw_13_relu', 'imagenet'), name: 'keras-v1' });
    registerUserBackbone(entry);
    expect(getBackboneEntry(entry.id)).toBe(entry);
    const backbone: Backbone = await loadBackbone(entry, { ioHandlerFor: (s) => backboneIOHandler(entry, s, { files }) });
    const head = tf.sequential({ layers: [tf.layers.dense({ inputShape: [256], units: 3, activation: 'softmax' })] });
    const model = await saveClassifier(backbone, head, ['a', 'b', 'c']);
    const fused = await loadClassifier(model);
    expect(fused.layers[1]?.getClassName()).toBe('DepthwiseConv2D');
    expect(fused.layers[1]?.trainable).toBe(false);
    const [viaExport, direct] = tf.tidy(() => {
      const features = backbone.embed(photos);
      return [classifyPixels(fused, photos), head.predict(features) as tf.Tensor];
    });
    // The export takes x / 127 - 1; the backbone got (x / 255 - mean) / std: the same probabilities.
    expect(maxAbs(viaExport, direct)).toBeLessThan(1e-4);
    tf.dispose([viaExport, direct]);
    fused.dispose();
    head.dispose();
    backbone.dispose();
  });
});

describe('a LayersModel of open height and width', () => {
  /** A tiny model, [null, null, null, 3] in, global pooling and a softmax layer, saved as a person's files would be. */
  async function openSizedFiles(): Promise<ModelFile[]> {
    const input = tf.input({ shape: [null, null, 3], name: 'image' });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', name: 'conv' }).apply(input);
    const pooled = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(conv);
    const logits = tf.layers.dense({ units: 5, activation: 'softmax', name: 'logits' }).apply(pooled) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: logits });
    let files: ModelFile[] = [];
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const weights = artifacts.weightData as ArrayBuffer;
        const json = { modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] };
        files = [{ path: 'tiny/model.json', blob: new Blob([JSON.stringify(json)]) }, { path: 'tiny/weights.bin', blob: new Blob([weights]) }];
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    model.dispose();
    return files;
  }

  it('is fed 224 px images (said so), suggests its pooling, and its features are measured when loaded', async () => {
    const files = await openSizedFiles();
    const inspection = inspectModelJson(await readModelJson(files, 'tiny/model.json'));
    expect(inspection.inputShape).toEqual([null, null, null, 3]);
    expect(inspection.inputSizePx).toBe(224);
    expect(inspection.inputSizeNote).toMatch(/any height and width/);
    expect(inspection.suggested).toBe('pool');
    const choice: CustomBackboneChoice = {
      name: 'tiny', inspection, featureNode: 'pool', scaling: 'zeroTo255', origin: { kind: 'files', modelJsonPath: 'tiny/model.json', files },
    };
    const entry = buildCustomEntry(choice);
    // One conv layer below the pooling is no block to fine-tune: head-only, with the reason.
    expect(entry.fineTune).toBeNull();
    const backbone = await loadBackbone(entry, { ioHandlerFor: (s) => backboneIOHandler(entry, s, { files }) });
    expect(backbone.featureSize).toBe(4);
    const features = backbone.embed(photos);
    expect(features.shape).toEqual([2, 4]);
    tf.dispose(features);
    backbone.dispose();
  });
});

describe('the new scalings', () => {
  it('scalePixels: 0-255 unchanged, ImageNet mean/std per channel', () => {
    const pixels = tf.tensor4d([0, 128, 255, 255, 0, 64], [1, 1, 2, 3], 'int32');
    expect(Array.from(scalePixels(pixels, 'zeroTo255').dataSync())).toEqual([0, 128, 255, 255, 0, 64]);
    const got = Array.from(scalePixels(pixels, 'imagenet').dataSync());
    const want = [0, 128, 255, 255, 0, 64].map((p, i) => (p / 255 - (IMAGENET_MEAN[i % 3] as number)) / (IMAGENET_STD[i % 3] as number));
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 5));
    pixels.dispose();
  });

  it('scalingPreview shows uniform scalings unchanged and reports the range the model gets', () => {
    const rgba = new Uint8ClampedArray([0, 128, 255, 255, 10, 20, 30, 255]);
    for (const scaling of ['zeroToOne', 'minusOneToOne', 'zeroTo255'] as const) {
      expect(Array.from(scalingPreview(rgba, scaling).pixels)).toEqual(Array.from(rgba));
    }
    const zeroOne = scalingPreview(rgba, 'zeroToOne');
    expect(zeroOne.min[0]).toBe(0);
    expect(zeroOne.max[2]).toBe(1);
    const imagenet = scalingPreview(rgba, 'imagenet');
    expect(imagenet.range[0]).toBeCloseTo(-0.485 / 0.229, 5);
    expect(imagenet.range[1]).toBeCloseTo((1 - 0.406) / 0.225, 5);
    // Per-channel: the same grey value comes out differently in R, G and B.
    const grey = scalingPreview(new Uint8ClampedArray([100, 100, 100, 255]), 'imagenet').pixels;
    expect(new Set([grey[0], grey[1], grey[2]]).size).toBe(3);
  });
});
