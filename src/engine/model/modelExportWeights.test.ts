import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../core/rng';
import {
  dequantizeWeights, float16Bits, float16Value, quantizeWeights, quantizedByteLength, specByteLength, storesAsUint8, uint8Range, UINT8_MIN_VALUES,
} from './modelExportWeights';
import type { EncodedWeights, WeightSpec } from './modelExportWeights';

/** Values tfjs's own loader decodes from `weights` (name -> values). */
function decodeWithTfjs(weights: EncodedWeights): Map<string, Float32Array | Int32Array> {
  const tensors = tf.io.decodeWeights(weights.weightData, weights.weightSpecs);
  const out = new Map<string, Float32Array | Int32Array>();
  for (const [name, tensor] of Object.entries(tensors)) {
    out.set(name, tensor.dataSync() as Float32Array | Int32Array);
    tensor.dispose();
  }
  return out;
}

/** Seeded weights: a big kernel with a wide range, a small bias, an int32 weight, a scalar, a depthwise kernel. */
function sampleWeights(): EncodedWeights {
  const rng = createRng(7);
  const kernel = Float32Array.from({ length: 3 * 3 * 8 * 64 }, () => (rng.next() - 0.3) * 4);
  const bias = Float32Array.from({ length: 64 }, () => rng.next() * 1e-3);
  const steps = Int32Array.from([3, -2, 7]);
  const scalar = Float32Array.from([0.5]);
  const depthwise = Float32Array.from({ length: 3 * 3 * 128 }, () => rng.next() - 0.5);
  const weightSpecs: WeightSpec[] = [
    { name: 'conv/kernel', shape: [3, 3, 8, 64], dtype: 'float32' },
    { name: 'conv/bias', shape: [64], dtype: 'float32' },
    { name: 'steps', shape: [3], dtype: 'int32' },
    { name: 'scale', shape: [], dtype: 'float32' },
    { name: 'dw/depthwise_kernel', shape: [3, 3, 128, 1], dtype: 'float32' },
  ];
  const parts = [kernel, bias, steps, scalar, depthwise].map((a) => new Uint8Array(a.buffer));
  const data = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { weightSpecs, weightData: data.buffer };
}

describe('float16', () => {
  it('encodes every half value back to its own bits after tfjs decodes it (every pattern but NaNs)', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const decoded = tf.io.decodeWeights(all.buffer, [{ name: 'h', shape: [65536], dtype: 'float32', quantization: { dtype: 'float16' } }]);
    const values = decoded.h?.dataSync() as Float32Array;
    decoded.h?.dispose();
    let checked = 0;
    const wrong: number[] = [];
    for (let bits = 0; bits < 65536; bits++) {
      const exponent = (bits >> 10) & 0x1f;
      if (exponent === 0x1f && (bits & 0x3ff) !== 0) continue; // NaN payloads
      if (float16Value(bits) !== values[bits] || float16Bits(values[bits] as number) !== bits) wrong.push(bits);
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(63490); // 65536 less the 2046 NaNs
  });

  it('rounds to nearest, ties to even, saturates at 65504 and flushes below 2^-25 to zero', () => {
    expect(float16Value(float16Bits(1 + 2 ** -11))).toBe(1); // tie: 1 is even
    expect(float16Value(float16Bits(1 + 3 * 2 ** -11))).toBe(1 + 2 ** -9); // tie: round to the even neighbour
    expect(float16Value(float16Bits(1 + 2 ** -11 + 2 ** -20))).toBe(1 + 2 ** -10);
    expect(float16Value(float16Bits(1e6))).toBe(65504);
    expect(float16Value(float16Bits(-1e6))).toBe(-65504);
    expect(float16Value(float16Bits(2 ** -24))).toBe(2 ** -24);
    expect(float16Value(float16Bits(2 ** -26))).toBe(0);
    expect(Number.isNaN(float16Value(float16Bits(NaN)))).toBe(true);
    const rng = createRng(3);
    for (let i = 0; i < 10_000; i++) {
      const v = (rng.next() - 0.5) * 20;
      // Relative error of a normal half is at most 2^-11.
      expect(Math.abs(float16Value(float16Bits(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 2 ** -25);
    }
  });
});

describe('uint8', () => {
  it('widens the range to hold 0 and stores 0 exactly', () => {
    const { scale, min } = uint8Range(0.2, 3);
    expect(min).toBe(0);
    expect(scale).toBeCloseTo(3 / 255, 12);
    const r = uint8Range(-1, 2);
    const zero = Math.round(-r.min / r.scale);
    expect(zero * r.scale + r.min).toBeCloseTo(0, 12);
    expect(uint8Range(0, 0)).toEqual({ scale: 1, min: 0 });
  });
});

describe('quantizeWeights', () => {
  it('writes manifests that tfjs decodes to the values dequantizeWeights computes, bit for bit', () => {
    const weights = sampleWeights();
    const original = decodeWithTfjs(weights);
    for (const dtype of ['float16', 'uint8'] as const) {
      const stored = quantizeWeights(weights, dtype);
      expect(stored.weightSpecs.map((s) => [s.name, s.shape, s.dtype])).toEqual(weights.weightSpecs.map((s) => [s.name, s.shape, s.dtype]));
      expect(stored.weightData.byteLength).toBe(quantizedByteLength(weights.weightSpecs, dtype));
      expect(stored.weightData.byteLength).toBe(stored.weightSpecs.reduce((n, s) => n + specByteLength(s), 0));
      const byTfjs = decodeWithTfjs(stored);
      const ours = decodeWithTfjs(dequantizeWeights(stored));
      for (const spec of weights.weightSpecs) {
        expect(Array.from(ours.get(spec.name) ?? [])).toEqual(Array.from(byTfjs.get(spec.name) ?? []));
        const before = original.get(spec.name) as Float32Array;
        const after = byTfjs.get(spec.name) as Float32Array;
        const range = Math.max(...before.map(Math.abs));
        const tolerance = stored.weightSpecs.find((w) => w.name === spec.name)?.quantization?.dtype === 'uint8' ? range / 255 : range * 2 ** -11;
        for (let i = 0; i < before.length; i++) expect(Math.abs((after[i] as number) - (before[i] as number))).toBeLessThanOrEqual(tolerance);
      }
    }
  });

  it('quantizes only float32 weights; under uint8, large ones but depthwise kernels to uint8 and the rest to float16', () => {
    const weights = sampleWeights();
    const half = quantizeWeights(weights, 'float16').weightSpecs;
    expect(half.map((s) => s.quantization?.dtype ?? null)).toEqual(['float16', 'float16', null, 'float16', 'float16']);
    const bytes = quantizeWeights(weights, 'uint8').weightSpecs;
    expect(3 * 3 * 8 * 64).toBeGreaterThanOrEqual(UINT8_MIN_VALUES);
    expect(bytes.map((s) => s.quantization?.dtype ?? null)).toEqual(['uint8', 'float16', null, 'float16', 'float16']);
    expect(weights.weightSpecs.map(storesAsUint8)).toEqual([true, false, false, false, false]);
    // int32 bytes are copied unchanged.
    expect(Array.from(decodeWithTfjs(quantizeWeights(weights, 'uint8')).get('steps') ?? [])).toEqual([3, -2, 7]);
  });

  it('re-quantizing a quantized export starts from the decoded values and does not compound', () => {
    const once = quantizeWeights(sampleWeights(), 'uint8');
    const twice = quantizeWeights(once, 'uint8');
    const a = decodeWithTfjs(once).get('conv/kernel') as Float32Array;
    const b = decodeWithTfjs(twice).get('conv/kernel') as Float32Array;
    // The decoded values already lie on the grid, so the second pass finds the same grid (float error aside).
    for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(1e-6);
    expect(quantizeWeights(once, 'float32').weightSpecs.every((s) => s.quantization === undefined)).toBe(true);
  });

  it('rejects weights whose bytes do not match their specs', () => {
    const weights = sampleWeights();
    expect(() => quantizeWeights({ ...weights, weightData: weights.weightData.slice(1) }, 'float16')).toThrow(/bytes but their specs need/);
  });
});
