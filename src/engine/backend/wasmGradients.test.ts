import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasConvolutionGradients, registerWasmGradientKernels } from './wasmGradients';

/** Gradients of `f` with respect to its inputs, computed on `backend`, as plain arrays. */
async function gradientsOn(backend: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, inputs: { values: Float32Array; shape: number[] }[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const xs = inputs.map((i) => tf.tensor(i.values, i.shape));
    const grads = tf.grads((...args: tf.Tensor[]) => f(args[0] as tf.Tensor, args[1] as tf.Tensor))(xs);
    return grads.map((g) => g.dataSync() as Float32Array);
  });
}

function random(shape: number[], seed: number): { values: Float32Array; shape: number[] } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    values[i] = s / 2147483648 - 0.5;
  }
  return { values, shape };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

describe('WASM gradient kernels', () => {
  let before: string;
  beforeAll(async () => {
    before = tf.getBackend() ?? 'cpu';
    expect(hasConvolutionGradients('wasm')).toBe(false);
    expect(registerWasmGradientKernels().sort()).toEqual(
      ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput'],
    );
    expect(registerWasmGradientKernels()).toEqual([]);
    expect(hasConvolutionGradients('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend(before);
  });

  const cases: { name: string; x: number[]; w: number[]; strides: number; pad: 'same' | 'valid' }[] = [
    { name: '1x1 pointwise', x: [3, 7, 7, 16], w: [1, 1, 16, 24], strides: 1, pad: 'same' },
    { name: '3x3 same, stride 2', x: [2, 9, 9, 3], w: [3, 3, 3, 8], strides: 2, pad: 'same' },
    { name: '3x3 valid', x: [2, 8, 8, 4], w: [3, 3, 4, 5], strides: 1, pad: 'valid' },
  ];
  it.each(cases)('conv2d $name: gradients match the CPU backend', async ({ x, w, strides, pad }) => {
    const inputs = [random(x, 1), random(w, 2)];
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad)));
    const cpu = await gradientsOn('cpu', f, inputs);
    const wasm = await gradientsOn('wasm', f, inputs);
    cpu.forEach((g, i) => expect(maxAbsDiff(g, wasm[i] as Float32Array)).toBeLessThan(1e-3));
  });

  it.each([1, 2])('depthwise 3x3 stride %i: gradients match the CPU backend', async (strides) => {
    const inputs = [random([2, 7, 7, 6], 3), random([3, 3, 6, 1], 4)];
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, 'same')));
    const cpu = await gradientsOn('cpu', f, inputs);
    const wasm = await gradientsOn('wasm', f, inputs);
    cpu.forEach((g, i) => expect(maxAbsDiff(g, wasm[i] as Float32Array)).toBeLessThan(1e-3));
  });

  const products: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
    { a: [5, 7], b: [5, 3], transposeA: true, transposeB: false },
    { a: [5, 7], b: [3, 7], transposeA: false, transposeB: true },
    { a: [7, 5], b: [3, 7], transposeA: true, transposeB: true },
    { a: [2, 5, 7], b: [2, 5, 3], transposeA: true, transposeB: false },
    { a: [2, 7, 5], b: [2, 3, 5], transposeA: false, transposeB: true },
  ];
  it.each(products)('matMul $a x $b (transposeA $transposeA, transposeB $transposeB), transposed first, matches the CPU backend', async ({ a, b, transposeA, transposeB }) => {
    const run = async (backend: string): Promise<Float32Array> => {
      await tf.setBackend(backend);
      return tf.tidy(() => tf.matMul(tf.tensor(random(a, 5).values, a), tf.tensor(random(b, 6).values, b), transposeA, transposeB).dataSync() as Float32Array);
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(maxAbsDiff(cpu, wasm)).toBeLessThan(1e-5);
    // A dense layer's gradients take the transposed products.
    const inputs = [random([4, 6], 7), random([6, 3], 8)];
    const dense = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D)));
    const cpuGrads = await gradientsOn('cpu', dense, inputs);
    const wasmGrads = await gradientsOn('wasm', dense, inputs);
    cpuGrads.forEach((g, i) => expect(maxAbsDiff(g, wasmGrads[i] as Float32Array)).toBeLessThan(1e-4));
  });

  it('transposes without leaving WASM data behind', async () => {
    await tf.setBackend('wasm');
    const wasm = tf.engine().findBackend('wasm') as unknown as { numDataIds(): number };
    const product = () => tf.tidy(() => tf.matMul(tf.ones([3, 4]), tf.ones([5, 4]), false, true).dataSync());
    product();
    const before = wasm.numDataIds();
    expect(product()).toEqual(new Float32Array(15).fill(4));
    expect(wasm.numDataIds()).toBe(before);
  });

  it('leaves no tensors or CPU data behind', async () => {
    await tf.setBackend('wasm');
    const inputs = [random([2, 7, 7, 6], 3), random([3, 3, 6, 1], 4)];
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
    await gradientsOn('wasm', f, inputs);
    const tensors = tf.memory().numTensors;
    const cpuBefore = (tf.engine().findBackend('cpu') as unknown as { numDataIds(): number }).numDataIds();
    await gradientsOn('wasm', f, inputs);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((tf.engine().findBackend('cpu') as unknown as { numDataIds(): number }).numDataIds()).toBe(cpuBefore);
  });
});
