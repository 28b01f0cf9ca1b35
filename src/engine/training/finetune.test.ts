/**
 * Stage 2 on real weights: the split reproduces the backbone's features, training moves exactly the top's
 * weights, and nothing leaks. MobileNetV2 1.0 runs on WASM (with the gradient kernels of wasmGradients.ts;
 * the CPU backend takes about a second per image); the small backbones run on the CPU backend.
 */
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import { loadBackbone } from '../backbones/backbones';
import type { Backbone, BackboneSplit } from '../backbones/backbones';
import { getBackboneEntry } from '../backbones/registry';
import type { BackboneSource } from '../backbones/catalog';
import { resolveFineTuneBlocks } from './finetune';
import { fileIOHandler } from '../testing/fileModelIO';
import { registerWasmGradientKernels } from '../backend/wasmGradients';

const SHARED_MODELS = path.resolve(import.meta.dirname, '../../../../shared/models');
const localOnly = (source: BackboneSource): tf.io.IOHandler => {
  const local = /^\/models\/([^/]+)\/model\.json$/.exec(source.url);
  if (local?.[1]) return fileIOHandler(path.join(SHARED_MODELS, local[1], 'model.json'));
  return { load: () => Promise.reject(new Error('offline in tests')) };
};
const load = (id: string): Promise<Backbone> => loadBackbone(getBackboneEntry(id), { ioHandlerFor: localOnly });

/** n seeded random images [n, 224, 224, 3] int32 in [0, 255]. */
const pixels = (n: number, seed: number): tf.Tensor4D => tf.randomUniform([n, 224, 224, 3], 0, 256, 'int32', seed) as tf.Tensor4D;

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity);

/** Copies of the values of `tensors`, to compare after training. */
const snapshot = (tensors: readonly tf.Tensor[]): Float32Array[] => tensors.map((t) => Float32Array.from(t.dataSync() as Float32Array));

/** Indices of the tensors whose values differ from `before` (bit for bit). */
function changed(tensors: readonly tf.Tensor[], before: Float32Array[]): number[] {
  return tensors.flatMap((t, i) => {
    const now = t.dataSync();
    const old = before[i] as Float32Array;
    return now.some((v, j) => !Object.is(v, old[j])) ? [i] : [];
  });
}

/** Variables no one froze: after a split is disposed there must be none but the test's own. */
const trainableVariableCount = (): number => Object.values(tf.engine().registeredVariables).filter((v) => v.trainable).length;

/**
 * `steps` Adam steps (learning rate 1e-3) of a linear softmax head on top of the split, training the split's
 * variables and the head together. Returns the losses; disposes the head and the optimizer.
 */
function trainSteps(
  split: BackboneSplit,
  featureSize: number,
  activations: tf.Tensor4D,
  labels: number[],
  steps: number,
  stepTimesMs: number[] = [],
): number[] {
  const init = tf.randomNormal([featureSize, 2], 0, 0.05, 'float32', 7);
  const kernel = tf.variable(init, true);
  init.dispose();
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), 2));
  const optimizer = tf.train.adam(1e-3);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const start = performance.now();
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, tf.matMul(split.top(activations, true), kernel)) as tf.Scalar,
      true,
      [...split.variables, kernel],
    );
    losses.push(loss?.dataSync()[0] ?? NaN);
    stepTimesMs.push(performance.now() - start);
    loss?.dispose();
  }
  tf.dispose([kernel, y]);
  optimizer.dispose();
  return losses;
}

/**
 * The central claims for one backbone and `blocks`: the top reproduces the features of one frozen pass and
 * of `embed`; Adam steps change every variable of the split and no frozen weight; disposing the split
 * leaves all weights frozen and no tensors behind.
 */
async function checkSplit(backbone: Backbone, blocks: number, x: tf.Tensor4D): Promise<void> {
  const before = tf.memory().numTensors;
  const split = backbone.split(blocks);
  expect(split.blocks).toBe(blocks);
  expect(split.cutName).toBe(backbone.entry.fineTune?.cutPoints[blocks - 1]);
  const { activations, features } = split.embedWithActivations(x);
  expect(activations.shape).toEqual([x.shape[0], ...split.activationShape]);
  expect(features.shape).toEqual([x.shape[0], backbone.featureSize]);
  const fromTop = tf.tidy(() => split.top(activations, false));
  const embedded = backbone.embed(x);
  expect(maxAbsDiff(fromTop, features)).toBeLessThan(1e-4);
  expect(maxAbsDiff(fromTop, embedded)).toBeLessThan(1e-4);
  expect(tf.tidy(() => tf.max(tf.abs(features)).dataSync()[0])).toBeGreaterThan(0.01);

  expect(split.variables.length).toBeGreaterThan(0);
  expect(split.frozenWeights.length).toBeGreaterThan(split.variables.length);
  const variablesBefore = snapshot(split.variables);
  const frozenBefore = snapshot(split.frozenWeights);
  const losses = trainSteps(split, backbone.featureSize, activations, [0, 1], 3);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(changed(split.variables, variablesBefore)).toEqual(split.variables.map((_, i) => i));
  expect(changed(split.frozenWeights, frozenBefore)).toEqual([]);

  tf.dispose([activations, features, fromTop, embedded]);
  split.dispose();
  expect(trainableVariableCount()).toBe(0);
  expect(tf.memory().numTensors).toBe(before);
}

describe('MobileNetV2 1.0 on WASM', () => {
  let backbone: Backbone;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    registerWasmGradientKernels();
    await tf.setBackend('wasm');
    backbone = await load('mobilenet_v2_1.0_224');
    x = pixels(2, 1);
  });
  afterAll(() => {
    x.dispose();
    backbone.dispose();
  });

  it.each([1, 2])('blocks = %i: top(activations) = features = embed; training moves only the top', async (blocks) => {
    await checkSplit(backbone, blocks, x);
  });

  it('cuts where the catalog says: block_16 and Conv_1 above block_15_add, one more block per step', () => {
    const shapes = [1, 2, 3, 4].map((k) => {
      const split = backbone.split(k);
      const result = [split.cutName, split.activationShape, split.variables.length];
      split.dispose();
      return result;
    });
    // Each MobileNetV2 block holds three convolutions (kernel + bias each): expand, depthwise, project.
    expect(shapes).toEqual([
      ['block_15_add', [7, 7, 160], 8],
      ['block_14_add', [7, 7, 160], 14],
      ['block_13_project', [7, 7, 160], 20],
      ['block_12_add', [14, 14, 96], 26],
    ]);
  });

  it('measures one training step at batch 32 for blocks = 1, 2, 3 (printed, not asserted)', () => {
    const speeds: string[] = [];
    for (const blocks of [1, 2, 3]) {
      const split = backbone.split(blocks);
      const [h, w, c] = split.activationShape as [number, number, number];
      const a = tf.tidy(() => tf.relu(tf.randomNormal([32, h, w, c], 0, 1, 'float32', 3))) as tf.Tensor4D;
      const stepTimesMs: number[] = [];
      trainSteps(split, backbone.featureSize, a, Array.from({ length: 32 }, (_, i) => i % 2), 3, stepTimesMs);
      // The first step also creates Adam's slots and warms the kernels up: the mean of the other two.
      const ms = ((stepTimesMs[1] ?? NaN) + (stepTimesMs[2] ?? NaN)) / 2;
      speeds.push(`blocks=${blocks}: ${((32 * 1000) / ms).toFixed(1)} img/s (${ms.toFixed(0)} ms/step)`);
      a.dispose();
      split.dispose();
    }
    console.log(`MobileNetV2 1.0 fine-tuning on WASM, batch 32: ${speeds.join('; ')}`);
    expect(speeds).toHaveLength(3);
  });
});

describe('MobileNet v1 0.25 and MobileNetV2 0.35 (LayersModels with batch norm) on WASM', () => {
  beforeAll(async () => {
    registerWasmGradientKernels();
    await tf.setBackend('wasm');
  });

  it.each([
    ['mobilenet_v1_0.25_224', 1],
    ['mobilenet_v1_0.25_224', 2],
    ['mobilenet_v2_0.35_224', 1],
  ])('%s, blocks = %i: features match, only the top moves, batch-norm statistics stay', async (id, blocks) => {
    const backbone = await load(id);
    const x = pixels(2, 2);
    await checkSplit(backbone, blocks, x);
    x.dispose();
    backbone.dispose();
  });
});

describe('MobileNet v1 0.25 GraphModel on WASM', () => {
  let backbone: Backbone;
  let x: tf.Tensor4D;
  beforeAll(async () => {
    registerWasmGradientKernels();
    await tf.setBackend('wasm');
    backbone = await load('mobilenet_v1_0.25_224_graph');
    x = pixels(2, 3);
  });
  afterAll(() => {
    x.dispose();
    backbone.dispose();
  });

  it('blocks = 1: executing the graph from the cut node gives non-zero gradients for every variable', () => {
    const split = backbone.split(1);
    // Conv2d_13: depthwise weights, its batch-norm scale and offset; pointwise weights (batch norm folded), offset.
    expect(split.variables.map((v) => v.shape)).toHaveLength(5);
    const a = split.embedWithActivations(x);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(split.top(a.activations, true))), split.variables as tf.Variable[]);
    for (const v of split.variables) {
      const g = grads[v.name];
      expect(g, v.name).toBeDefined();
      expect(tf.tidy(() => tf.max(tf.abs(g as tf.Tensor)).dataSync()[0])).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads), a.activations, a.features]);
    split.dispose();
  });

  it.each([1, 2])('blocks = %i: features match, only the top moves, nothing leaks', async (blocks) => {
    await checkSplit(backbone, blocks, x);
  });

  it('keeps the fine-tuned weights in the graph after the split is disposed', () => {
    const before = tf.memory().numTensors;
    const split = backbone.split(1);
    const { activations, features } = split.embedWithActivations(x);
    trainSteps(split, backbone.featureSize, activations, [0, 1], 2);
    const trained = tf.tidy(() => split.top(activations, false));
    expect(maxAbsDiff(trained, features)).toBeGreaterThan(1e-4);
    split.dispose();
    expect(split.variables.every((v) => v.isDisposed)).toBe(true);
    const embedded = backbone.embed(x);
    expect(maxAbsDiff(embedded, trained)).toBeLessThan(1e-4);
    tf.dispose([activations, features, trained, embedded]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('disposing a backbone with a live split', () => {
  it('frees the split too (a GraphModel split holds the original weights outside the model)', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const graph = await load('mobilenet_v1_0.25_224_graph');
    graph.split(2);
    graph.dispose();
    const layers = await load('mobilenet_v1_0.25_224');
    layers.split(2);
    layers.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(trainableVariableCount()).toBe(0);
  });
});

describe('split life cycle and helpers', () => {
  let backbone: Backbone;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    backbone = await load('mobilenet_v1_0.25_224');
  });
  afterAll(() => backbone.dispose());

  it('allows one split at a time, restores the frozen state on dispose, and rejects blocks out of range', () => {
    const before = tf.memory().numTensors;
    expect(backbone.fineTuneBlocks).toBe(7);
    expect(trainableVariableCount()).toBe(0);
    const first = backbone.split(1);
    expect(trainableVariableCount()).toBe(first.variables.length);
    expect(() => backbone.split(2)).toThrow(/dispose the current split/);
    first.dispose();
    first.dispose();
    const zeros = tf.zeros([1, 7, 7, 256]) as tf.Tensor4D;
    expect(() => first.top(zeros, false)).toThrow(/disposed/);
    zeros.dispose();
    const second = backbone.split(3);
    expect(trainableVariableCount()).toBe(second.variables.length);
    expect(second.variables.length).toBeGreaterThan(first.variables.length);
    second.dispose();
    expect(trainableVariableCount()).toBe(0);
    for (const bad of [0, 8, 1.5, NaN]) expect(() => backbone.split(bad)).toThrow(/integer in 1\.\.7/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('top rejects activations of another shape', () => {
    const split = backbone.split(1);
    const wrong = tf.zeros([1, 14, 14, 128]) as tf.Tensor4D;
    expect(() => split.top(wrong, false)).toThrow(/\[n, 7, 7, 256\]/);
    wrong.dispose();
    split.dispose();
  });

  it('resolveFineTuneBlocks: the catalog default, a valid request, or a UserFacingError', () => {
    expect(resolveFineTuneBlocks(backbone, null)).toBe(backbone.entry.fineTune?.defaultBlocks);
    expect(resolveFineTuneBlocks(backbone, 5)).toBe(5);
    expect(() => resolveFineTuneBlocks(backbone, 9)).toThrow(UserFacingError);
    const unsplittable: Backbone = { ...backbone, fineTuneBlocks: 0 };
    expect(() => resolveFineTuneBlocks(unsplittable, null)).toThrow(/cannot be fine-tuned/);
  });
});
