/**
 * Weight quantization for export, in TensorFlow.js's own weight-manifest format: each quantized weight's
 * manifest entry keeps its name, shape and `dtype: 'float32'` and gains `quantization: { dtype: 'float16' }`
 * or `{ dtype: 'uint8', scale, min }`; `tf.io.decodeWeights` (so `tf.loadLayersModel`) turns it back into
 * float32 on load (value = q * scale + min for uint8, IEEE half to single for float16). Plain TypeScript
 * with no tfjs import at run time, so the page can size and build an export without loading TensorFlow.js.
 */
import type { io } from '@tensorflow/tfjs';

/** What the exported weights are stored as: as trained, IEEE half precision, or 8-bit affine per tensor. */
export type WeightDtype = 'float32' | 'float16' | 'uint8';

export const WEIGHT_DTYPES: readonly WeightDtype[] = ['float32', 'float16', 'uint8'];

/** A manifest entry (`model.json`'s `weightsManifest[].weights[]`). */
export type WeightSpec = io.WeightsManifestEntry;

/** Weights as a manifest describes them: the entries and their bytes, concatenated in entry order. */
export interface EncodedWeights {
  readonly weightSpecs: WeightSpec[];
  readonly weightData: ArrayBuffer;
}

/**
 * Under uint8, weights with fewer values than this are stored as float16: biases and normalisation
 * parameters (scale, offset, moving mean and variance) are a fraction of a percent of the bytes, and one
 * 8-bit grid per tensor serves them badly (a small variance rounded to 0 blows its channel up).
 */
export const UINT8_MIN_VALUES = 1024;

/**
 * Whether a float32 weight is stored as uint8 in a uint8 export: large ones except depthwise kernels. A
 * depthwise kernel holds one small filter per channel whose ranges differ by orders of magnitude, so one
 * grid per tensor leaves the small channels a few levels; measured on MobileNetV2 1.0 + a head trained on
 * hymenoptera, keeping them float16 (2.6% more bytes) moved 7 fewer of 153 validation photos off their class.
 */
export function storesAsUint8(spec: WeightSpec): boolean {
  return spec.dtype === 'float32' && valueCount(spec.shape) >= UINT8_MIN_VALUES && !/depthwise_kernel/.test(spec.name);
}

const BYTES_PER_VALUE: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** Number of values of a weight of `shape` (1 for a scalar). */
export function valueCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * Bytes one manifest entry takes in the weight file: its value count times the size of its stored type (the
 * quantized type when it has one). Throws for a type whose size is not fixed (strings) or unknown.
 */
export function specByteLength(spec: WeightSpec): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const size = BYTES_PER_VALUE[stored];
  if (size === undefined) throw new Error(`weight "${spec.name}" is stored as ${stored}, which this studio cannot read`);
  return valueCount(spec.shape) * size;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * IEEE 754 half-precision bits of `value`, rounded to nearest, ties to even. Values beyond the largest half
 * (65504) saturate to it rather than becoming infinite; NaN stays NaN; values below the smallest subnormal
 * (2^-24) become a signed zero.
 */
export function float16Bits(value: number): number {
  f32[0] = value;
  const bits = u32[0] as number;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7bff;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    // Subnormal half: the implicit leading 1 becomes explicit, shifted into the 10-bit mantissa.
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(mantissa, shift);
  }
  const half = (halfExponent << 10) + roundShift(mantissa, 13);
  // Rounding may carry into the exponent: that is still correct, except past the largest finite half.
  return sign | Math.min(half, 0x7bff);
}

/** `value >> shift`, rounded to nearest with ties to even. */
function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  return rest > halfway || (rest === halfway && (kept & 1) === 1) ? kept + 1 : kept;
}

/** The float32 value of half-precision `bits` (what tfjs's float16 decoder gives). */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * 8-bit affine parameters for values in [lo, hi] as TensorFlow.js's converter chooses them: the range is
 * widened to hold 0 and nudged so that 0 is stored exactly (a zero weight stays zero). `q = round((v - min) /
 * scale)` in [0, 255]; `v' = q * scale + min`.
 */
export function uint8Range(lo: number, hi: number): { scale: number; min: number } {
  const low = Math.min(lo, 0);
  const high = Math.max(hi, 0);
  if (high === low) return { scale: 1, min: 0 };
  const scale = (high - low) / 255;
  const zeroPoint = Math.round(-low / scale);
  return { scale, min: -zeroPoint * scale };
}

/** Quantizes float32 `values` to `dtype`; returns the stored bytes and the manifest's `quantization`. */
function quantizeValues(values: Float32Array, dtype: 'float16' | 'uint8'): { bytes: Uint8Array; quantization: NonNullable<WeightSpec['quantization']> } {
  if (dtype === 'float16') {
    const half = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) half[i] = float16Bits(values[i] as number);
    return { bytes: new Uint8Array(half.buffer), quantization: { dtype: 'float16' } };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const { scale, min } = uint8Range(lo, hi);
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.max(0, Math.min(255, Math.round(((values[i] as number) - min) / scale)));
  return { bytes, quantization: { dtype: 'uint8', scale, min } };
}

/**
 * The float32 values of one float32 weight as stored in `bytes` (plain, float16 or uint8/uint16 affine),
 * decoded as `tf.io.decodeWeights` decodes them. `bytes` is exactly the weight's `specByteLength`.
 */
function decodeFloatValues(spec: WeightSpec, bytes: Uint8Array): Float32Array {
  const count = valueCount(spec.shape);
  const q = spec.quantization;
  // Copies: a weight's bytes need not be aligned for a typed-array view.
  const aligned = bytes.slice().buffer;
  if (!q) return new Float32Array(aligned, 0, count);
  const out = new Float32Array(count);
  if (q.dtype === 'float16') {
    const half = new Uint16Array(aligned, 0, count);
    for (let i = 0; i < count; i++) out[i] = float16Value(half[i] as number);
    return out;
  }
  const stored = q.dtype === 'uint8' ? new Uint8Array(aligned, 0, count) : new Uint16Array(aligned, 0, count);
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  for (let i = 0; i < count; i++) out[i] = (stored[i] as number) * scale + min;
  return out;
}

/** Splits concatenated weight bytes into one view per spec; throws when the bytes do not match the specs. */
function sliceWeights(weights: EncodedWeights): Uint8Array[] {
  const all = new Uint8Array(weights.weightData);
  const slices: Uint8Array[] = [];
  let offset = 0;
  for (const spec of weights.weightSpecs) {
    const length = specByteLength(spec);
    slices.push(all.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== all.length) throw new Error(`the weights hold ${all.length} bytes but their specs need ${offset}`);
  return slices;
}

/** Concatenates byte arrays into one new ArrayBuffer. */
function concatBytes(parts: readonly Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out.buffer;
}

/**
 * Plain float32 weights with the values that `weights` load as (quantized entries decoded as tfjs decodes
 * them; others copied). Names, shapes and order are kept.
 */
export function dequantizeWeights(weights: EncodedWeights): EncodedWeights {
  if (!weights.weightSpecs.some((s) => s.quantization)) return { weightSpecs: [...weights.weightSpecs], weightData: weights.weightData.slice(0) };
  const slices = sliceWeights(weights);
  const weightSpecs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  weights.weightSpecs.forEach((spec, i) => {
    const bytes = slices[i] as Uint8Array;
    if (!spec.quantization) {
      weightSpecs.push(spec);
      parts.push(bytes);
      return;
    }
    if (spec.dtype !== 'float32') throw new Error(`weight "${spec.name}" is a quantized ${spec.dtype}, which this studio cannot read`);
    const { quantization: _quantization, ...plain } = spec;
    weightSpecs.push(plain);
    parts.push(new Uint8Array(decodeFloatValues(spec, bytes).buffer));
  });
  return { weightSpecs, weightData: concatBytes(parts) };
}

/**
 * The weights stored as `dtype`. float16 converts every float32 weight; uint8 stores what `storesAsUint8`
 * picks as uint8 and the other float32 weights as float16. int32 weights keep their bytes. Already-quantized
 * input is decoded first, so quantizing twice does not compound the rounding. Names, shapes, dtypes and order
 * of the entries are kept.
 */
export function quantizeWeights(weights: EncodedWeights, dtype: WeightDtype): EncodedWeights {
  const plain = dequantizeWeights(weights);
  if (dtype === 'float32') return plain;
  const slices = sliceWeights(plain);
  const weightSpecs: WeightSpec[] = [];
  const parts: Uint8Array[] = [];
  plain.weightSpecs.forEach((spec, i) => {
    const bytes = slices[i] as Uint8Array;
    if (spec.dtype !== 'float32') {
      weightSpecs.push(spec);
      parts.push(bytes);
      return;
    }
    const converted = quantizeValues(decodeFloatValues(spec, bytes), dtype === 'uint8' && storesAsUint8(spec) ? 'uint8' : 'float16');
    weightSpecs.push({ ...spec, quantization: converted.quantization });
    parts.push(converted.bytes);
  });
  return { weightSpecs, weightData: concatBytes(parts) };
}

/** Bytes the weights take once stored as `dtype`, without converting them. */
export function quantizedByteLength(weightSpecs: readonly WeightSpec[], dtype: WeightDtype): number {
  return weightSpecs.reduce((n, spec) => {
    const { quantization: _quantization, ...plain } = spec;
    const count = valueCount(spec.shape);
    if (spec.dtype !== 'float32' || dtype === 'float32') return n + specByteLength(plain);
    return n + (dtype === 'uint8' && storesAsUint8(spec) ? count : count * 2);
  }, 0);
}
