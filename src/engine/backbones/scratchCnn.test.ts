import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng';
import type { Backbone } from './backbones';
import { SCRATCH_BACKBONE } from './catalog';
import type { BackboneEntry } from './catalog';
import { createScratchBackbone, createScratchCnn } from './scratchCnn';
import { registerWasmGradientKernels } from '../backend/wasmGradients';

/**
 * `n` stripe images [n, S, S, 3] int32 in [0, 255], half horizontal (label 0), half vertical (label 1), with
 * a random period, phase, contrast and pixel noise, so that only the orientation tells the classes apart.
 */
function stripes(n: number, size: number, seed: number): { x: tf.Tensor4D; labels: number[] } {
  const rng = createRng(seed);
  const values = new Int32Array(n * size * size * 3);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    labels.push(label);
    const period = 4 + rng.int(5);
    const phase = rng.int(period);
    const dark = rng.int(80);
    const bright = 160 + rng.int(96);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const along = label === 0 ? y : x;
        const on = (along + phase) % period < period / 2;
        for (let c = 0; c < 3; c++) {
          const noise = rng.int(41) - 20;
          values[((i * size + y) * size + x) * 3 + c] = Math.max(0, Math.min(255, (on ? bright : dark) + noise));
        }
      }
    }
  }
  return { x: tf.tensor4d(values, [n, size, size, 3], 'int32'), labels };
}

interface TrainResult {
  readonly losses: number[];
  /** On the test set, after training. */
  readonly accuracy: number;
  /** Whether every weight tensor of the CNN changed (not only the head). */
  readonly allMoved: boolean;
}

/**
 * Trains the whole scratch CNN (its split) and a seeded linear softmax head with full-batch Adam for `steps`
 * steps; returns the losses and the accuracy on (xTest, yTest). Disposes everything it made.
 */
function trainAndTest(backbone: Backbone, train: { x: tf.Tensor4D; labels: number[] }, test: { x: tf.Tensor4D; labels: number[] }, steps: number): TrainResult {
  const split = backbone.split(1);
  const initial = split.variables.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  const { activations, features } = split.embedWithActivations(train.x);
  features.dispose();
  const init = tf.randomNormal([backbone.featureSize, 2], 0, 0.05, 'float32', 11);
  const kernel = tf.variable(init, true);
  init.dispose();
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, 'int32'), 2));
  const optimizer = tf.train.adam(1e-3);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(y, tf.matMul(split.top(activations, true), kernel)) as tf.Scalar,
      true,
      [...split.variables, kernel],
    );
    losses.push(loss?.dataSync()[0] ?? NaN);
    loss?.dispose();
  }
  const predicted = tf.tidy(() => {
    const a = split.embedWithActivations(test.x).activations;
    return Array.from(tf.argMax(tf.matMul(split.top(a, false), kernel), 1).dataSync());
  });
  const accuracy = predicted.filter((p, i) => p === test.labels[i]).length / test.labels.length;
  const allMoved = split.variables.every((v, i) => v.dataSync().some((value, j) => value !== initial[i]?.[j]));
  tf.dispose([activations, kernel, y]);
  optimizer.dispose();
  split.dispose();
  return { losses, accuracy, allMoved };
}

describe('createScratchCnn', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('builds conv/pool, conv/pool, dense: [n, S, S, 3] -> [n, featureSize], the same weights for the same seed', () => {
    const before = tf.memory().numTensors;
    const [a, b, c] = [createScratchCnn(16, 8, 1), createScratchCnn(16, 8, 1), createScratchCnn(16, 8, 2)];
    expect(a.layers.map((l) => l.getClassName())).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
    expect(a.outputs[0]?.shape).toEqual([null, 8]);
    const same = a.getWeights().every((w, i) => tf.tidy(() => tf.equal(w, b.getWeights()[i] as tf.Tensor).all().dataSync()[0] === 1));
    const differs = a.getWeights().some((w, i) => w.rank > 1 && tf.tidy(() => tf.notEqual(w, c.getWeights()[i] as tf.Tensor).any().dataSync()[0] === 1));
    expect(same).toBe(true);
    expect(differs).toBe(true);
    [a, b, c].forEach((m) => m.dispose());
    expect(tf.memory().numTensors).toBe(before);
    expect(() => createScratchCnn(30, 8, 1)).toThrow(/multiple of 4/);
  });
});

describe('the scratch backbone', () => {
  let backbone: Backbone;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    backbone = createScratchBackbone(SCRATCH_BACKBONE, 42);
  });
  afterAll(() => backbone.dispose());

  it('split(1): the scaled image is the activation, the whole network is trainable, nothing is frozen', () => {
    const before = tf.memory().numTensors;
    expect(backbone.fineTuneBlocks).toBe(1);
    expect(() => backbone.split(2)).toThrow(/one block/);
    const x = tf.randomUniform([2, 64, 64, 3], 0, 256, 'int32', 1) as tf.Tensor4D;
    const split = backbone.split(1);
    expect(split.activationShape).toEqual([64, 64, 3]);
    const { activations, features } = split.embedWithActivations(x);
    const scaled = tf.tidy(() => tf.div(tf.cast(x, 'float32'), 255));
    const embedded = backbone.embed(x);
    const fromTop = tf.tidy(() => split.top(activations, false));
    const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] ?? Infinity);
    expect(maxDiff(activations, scaled)).toBe(0);
    expect(features.shape).toEqual([2, 128]);
    expect(maxDiff(features, embedded)).toBeLessThan(1e-5);
    expect(maxDiff(fromTop, features)).toBeLessThan(1e-5);
    // Two conv layers and the dense layer, each a kernel and a bias.
    expect(split.variables.map((v) => v.shape)).toEqual([[3, 3, 3, 16], [16], [3, 3, 16, 32], [32], [16 * 16 * 32, 128], [128]]);
    expect(split.variables.every((v) => v.trainable)).toBe(true);
    expect(split.frozenWeights).toEqual([]);
    expect(() => backbone.split(1)).toThrow(/dispose the current split/);
    split.dispose();
    expect(split.variables.every((v) => !v.trainable)).toBe(true);
    expect(() => split.embedWithActivations(x)).toThrow(/disposed/);
    const small = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    expect(() => backbone.embed(small)).toThrow(/\[n, 64, 64, 3\]/);
    tf.dispose([x, small, activations, features, scaled, embedded, fromTop]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Two trainings of fresh backbones with the same seed; returns both results. */
function trainTwice(entry: BackboneEntry, trainSet: { x: tf.Tensor4D; labels: number[] }, testSet: { x: tf.Tensor4D; labels: number[] }, steps: number) {
  return [1, 2].map(() => {
    const backbone = createScratchBackbone(entry, 7);
    const result = trainAndTest(backbone, trainSet, testSet, steps);
    backbone.dispose();
    return result;
  }) as [TrainResult, TrainResult];
}

describe('training the scratch CNN from random weights', () => {
  it('on WASM: tells horizontal from vertical stripes after a few dozen steps', async () => {
    // The CPU backend's Conv2DBackpropFilter takes seconds per step even at 32 px; WASM's (wasmGradients.ts) does not.
    registerWasmGradientKernels();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    // The scratch entry at 32 px keeps the test short: the same network with a 4x smaller dense input.
    const entry: BackboneEntry = { ...SCRATCH_BACKBONE, inputSizePx: 32 };
    const trainSet = stripes(24, 32, 1);
    const testSet = stripes(40, 32, 2);
    const [first, second] = trainTwice(entry, trainSet, testSet, 30);
    console.log(`scratch CNN, 32 px, 30 steps on WASM: loss ${first.losses[0]?.toFixed(3)} -> ${first.losses.at(-1)?.toFixed(3)}, held-out accuracy ${first.accuracy}`);
    expect(first.losses.at(-1)).toBeLessThan((first.losses[0] ?? 0) / 4);
    expect(first.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(first.allMoved).toBe(true);
    expect(second.losses).toEqual(first.losses);
    tf.dispose([trainSet.x, testSet.x]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('on CPU: the same seed repeats training exactly (tiny 8 px images)', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const entry: BackboneEntry = { ...SCRATCH_BACKBONE, inputSizePx: 8 };
    const trainSet = stripes(8, 8, 3);
    const testSet = stripes(8, 8, 4);
    const [first, second] = trainTwice(entry, trainSet, testSet, 4);
    expect(first.losses.every(Number.isFinite)).toBe(true);
    expect(new Set(first.losses).size).toBe(4);
    expect(first.allMoved).toBe(true);
    expect(second).toEqual(first);
    tf.dispose([trainSet.x, testSet.x]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
