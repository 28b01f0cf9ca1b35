/**
 * Each tfjs layer as ONNX nodes. tfjs runs images channels-last (NHWC); ONNX's Conv and pooling want
 * channels-first (NCHW), so every rank-4 tensor inside the ONNX graph is NCHW and rank-2 tensors are as in
 * tfjs. Kernels are reordered to ONNX's layout here; `same` padding becomes the explicit pads TensorFlow
 * uses (the extra pixel at the bottom and right). Flatten and Reshape of an image go back to NHWC first so
 * the values come out in tfjs's order. A layer with no mapping gets an error naming it.
 */
import type { LayerStep } from '../layerGraph';
import type { OnnxBuilder } from './onnxBuilder';

type Weights = LayerStep['weights'];
type Config = LayerStep['config'];

/** Layers that are the identity at inference. */
const INFERENCE_IDENTITY = new Set(['Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'ActivityRegularization']);
/** Merge layers and their ONNX operator (all broadcast their inputs). */
const MERGE_OPS: Record<string, string> = { Add: 'Sum', Multiply: 'Mul', Average: 'Mean', Maximum: 'Max', Minimum: 'Min', Subtract: 'Sub' };

/** NHWC axis -> NCHW axis. */
const NCHW_AXIS = [0, 2, 3, 1] as const;
const TO_NHWC = [0, 2, 3, 1];
const TO_NCHW = [0, 3, 1, 2];

const pair = (value: unknown, fallback: number): [number, number] => {
  if (Array.isArray(value)) return [Number(value[0] ?? fallback), Number(value[1] ?? value[0] ?? fallback)];
  if (typeof value === 'number') return [value, value];
  return [fallback, fallback];
};

function unsupported(step: LayerStep, why: string): Error {
  return new Error(`ONNX export: layer "${step.name}" (${step.className}) ${why}`);
}

function weight(step: LayerStep, index: number): Weights[number] {
  const w = step.weights[index];
  if (!w) throw unsupported(step, `is missing weight ${index}`);
  return w;
}

/** The spatial size [h, w] of a step's first input (NHWC), which must be known. */
function spatial(step: LayerStep): [number, number] {
  const shape = step.inputShapes[0] ?? [];
  const [, h, w] = shape;
  if (shape.length !== 4 || typeof h !== 'number' || typeof w !== 'number') throw unsupported(step, `needs an image input of known size (found [${shape.join(', ')}])`);
  return [h, w];
}

/** ONNX pads [top, left, bottom, right] for a window over [h, w]: TensorFlow's `same` (extra at the end) or none. */
function padsFor(step: LayerStep, kernel: [number, number], strides: [number, number], dilation: [number, number]): number[] {
  const padding = step.config.padding ?? 'valid';
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding !== 'same') throw unsupported(step, `has padding "${String(padding)}"`);
  const size = spatial(step);
  const before: number[] = [];
  const after: number[] = [];
  for (let d = 0; d < 2; d++) {
    const [n, k, s, r] = [size[d] as number, kernel[d] as number, strides[d] as number, dilation[d] as number];
    const total = Math.max((Math.ceil(n / s) - 1) * s + (k - 1) * r + 1 - n, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return [...before, ...after];
}

function checkChannelsLast(step: LayerStep): void {
  const format = step.config.dataFormat;
  if (format !== undefined && format !== 'channelsLast') throw unsupported(step, `uses data format "${String(format)}" (only channels-last converts)`);
}

/** Conv kernel [kh, kw, in, out] -> ONNX [out, in, kh, kw]. */
function convKernel(values: Float32Array, [kh, kw, cin, cout]: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh!; y++) for (let x = 0; x < kw!; x++) for (let i = 0; i < cin!; i++) for (let o = 0; o < cout!; o++) {
    out[((o * cin! + i) * kh! + y) * kw! + x] = values[((y * kw! + x) * cin! + i) * cout! + o] as number;
  }
  return out;
}

/** Depthwise kernel [kh, kw, in, multiplier] -> ONNX grouped [in * multiplier, 1, kh, kw]. */
function depthwiseKernel(values: Float32Array, [kh, kw, cin, m]: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh!; y++) for (let x = 0; x < kw!; x++) for (let c = 0; c < cin!; c++) for (let j = 0; j < m!; j++) {
    out[((c * m! + j) * kh! + y) * kw! + x] = values[((y * kw! + x) * cin! + c) * m! + j] as number;
  }
  return out;
}

/** A Keras activation applied to `input`, written to `output`. */
export function activation(b: OnnxBuilder, kind: unknown, input: string, output: string, rank: number, where: string): string {
  switch (kind ?? 'linear') {
    case 'linear': return b.node('Identity', [input], output);
    case 'relu': return b.node('Relu', [input], output);
    case 'relu6': return b.node('Clip', [input, b.scalar(0), b.scalar(6)], output);
    case 'sigmoid': return b.node('Sigmoid', [input], output);
    case 'tanh': return b.node('Tanh', [input], output);
    case 'softplus': return b.node('Softplus', [input], output);
    case 'softsign': return b.node('Softsign', [input], output);
    case 'elu': return b.node('Elu', [input], output, { alpha: { float: 1 } });
    case 'selu': return b.node('Selu', [input], output);
    case 'hardSigmoid': return b.node('HardSigmoid', [input], output, { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'swish': return b.node('Mul', [input, b.node('Sigmoid', [input], b.fresh(`${output}_sigmoid`))], output);
    case 'softmax': return b.node('Softmax', [input], output, { axis: rank === 4 ? 1 : -1 });
    default: throw new Error(`ONNX export: layer "${where}" uses activation "${String(kind)}", which has no ONNX mapping`);
  }
}

/** Writes `pre` through the layer's activation to the step's output. */
const withActivation = (b: OnnxBuilder, step: LayerStep, pre: string): string =>
  activation(b, step.config.activation, pre, step.output, step.outputShape.length, step.name);

function conv(b: OnnxBuilder, step: LayerStep, depthwise: boolean): string {
  checkChannelsLast(step);
  const k = weight(step, 0);
  const kernel: [number, number] = [k.shape[0] as number, k.shape[1] as number];
  const strides = pair(step.config.strides, 1);
  const dilations = pair(step.config.dilationRate, 1);
  const cin = k.shape[2] as number;
  const w = depthwise
    ? b.floats(`${step.name}/kernel`, depthwiseKernel(k.values, k.shape), [cin * (k.shape[3] as number), 1, ...kernel])
    : b.floats(`${step.name}/kernel`, convKernel(k.values, k.shape), [k.shape[3] as number, cin, ...kernel]);
  const inputs = [step.inputs[0] as string, w];
  if (step.config.useBias !== false && step.weights[1]) inputs.push(b.floats(`${step.name}/bias`, weight(step, 1).values, weight(step, 1).shape));
  const pre = b.node('Conv', inputs, b.fresh(`${step.name}_conv`), {
    kernel_shape: kernel, strides, dilations, pads: padsFor(step, kernel, strides, dilations), group: depthwise ? cin : 1,
  });
  return withActivation(b, step, pre);
}

function separableConv(b: OnnxBuilder, step: LayerStep): string {
  checkChannelsLast(step);
  const [d, p] = [weight(step, 0), weight(step, 1)];
  const kernel: [number, number] = [d.shape[0] as number, d.shape[1] as number];
  const strides = pair(step.config.strides, 1);
  const dilations = pair(step.config.dilationRate, 1);
  const cin = d.shape[2] as number;
  const mid = cin * (d.shape[3] as number);
  const dw = b.node('Conv', [step.inputs[0] as string, b.floats(`${step.name}/depthwise_kernel`, depthwiseKernel(d.values, d.shape), [mid, 1, ...kernel])], b.fresh(`${step.name}_depthwise`), {
    kernel_shape: kernel, strides, dilations, pads: padsFor(step, kernel, strides, dilations), group: cin,
  });
  const inputs = [dw, b.floats(`${step.name}/pointwise_kernel`, convKernel(p.values, p.shape), [p.shape[3] as number, mid, 1, 1])];
  if (step.config.useBias !== false && step.weights[2]) inputs.push(b.floats(`${step.name}/bias`, weight(step, 2).values, weight(step, 2).shape));
  return withActivation(b, step, b.node('Conv', inputs, b.fresh(`${step.name}_pointwise`), { kernel_shape: [1, 1] }));
}

function pool(b: OnnxBuilder, step: LayerStep, op: 'MaxPool' | 'AveragePool'): string {
  checkChannelsLast(step);
  const kernel = pair(step.config.poolSize, 2);
  const strides = pair(step.config.strides ?? step.config.poolSize, 2);
  return b.node(op, [step.inputs[0] as string], step.output, { kernel_shape: kernel, strides, pads: padsFor(step, kernel, strides, [1, 1]) });
}

/** Inference batch normalisation folded into one scale and one shift per channel. */
function batchNorm(b: OnnxBuilder, step: LayerStep): string {
  const rank = step.inputShapes[0]?.length ?? 0;
  const axis = Number(step.config.axis ?? -1);
  if (axis !== -1 && axis !== rank - 1) throw unsupported(step, `normalises axis ${axis} (only the channel axis converts)`);
  let i = 0;
  const gamma = step.config.scale !== false ? weight(step, i++).values : null;
  const beta = step.config.center !== false ? weight(step, i++).values : null;
  const [mean, variance] = [weight(step, i).values, weight(step, i + 1).values];
  const epsilon = Number(step.config.epsilon ?? 1e-3);
  const scale = new Float32Array(mean.length);
  const shift = new Float32Array(mean.length);
  for (let c = 0; c < mean.length; c++) {
    scale[c] = (gamma ? (gamma[c] as number) : 1) / Math.sqrt((variance[c] as number) + epsilon);
    shift[c] = (beta ? (beta[c] as number) : 0) - (mean[c] as number) * (scale[c] as number);
  }
  const dims = rank === 4 ? [mean.length, 1, 1] : [mean.length];
  const scaled = b.node('Mul', [step.inputs[0] as string, b.floats(`${step.name}/scale`, scale, dims)], b.fresh(`${step.name}_scaled`));
  return b.node('Add', [scaled, b.floats(`${step.name}/shift`, shift, dims)], step.output);
}

function dense(b: OnnxBuilder, step: LayerStep): string {
  if ((step.inputShapes[0]?.length ?? 0) !== 2) throw unsupported(step, 'is applied to a tensor that is not [batch, features]');
  const k = weight(step, 0);
  const w = b.floats(`${step.name}/kernel`, k.values, k.shape);
  const hasBias = step.config.useBias !== false && step.weights[1];
  const pre = hasBias
    ? b.node('Gemm', [step.inputs[0] as string, w, b.floats(`${step.name}/bias`, weight(step, 1).values, weight(step, 1).shape)], b.fresh(`${step.name}_gemm`))
    : b.node('MatMul', [step.inputs[0] as string, w], b.fresh(`${step.name}_matmul`));
  return withActivation(b, step, pre);
}

/** Flatten or Reshape: the values in tfjs's (NHWC) order, the result NCHW again when it is an image. */
function reshape(b: OnnxBuilder, step: LayerStep, target: readonly number[]): string {
  const inRank = step.inputShapes[0]?.length ?? 0;
  let x = step.inputs[0] as string;
  if (inRank === 4) x = b.node('Transpose', [x], b.fresh(`${step.name}_nhwc`), { perm: TO_NHWC });
  const outRank = target.length + 1;
  const shaped = b.node('Reshape', [x, b.int64s(`${step.name}/shape`, [0, ...target])], outRank === 4 ? b.fresh(`${step.name}_nhwc_out`) : step.output);
  return outRank === 4 ? b.node('Transpose', [shaped], step.output, { perm: TO_NCHW }) : shaped;
}

function channelAxis(step: LayerStep, axis: number): number {
  const rank = step.outputShape.length;
  const a = axis < 0 ? axis + rank : axis;
  if (rank === 4) return NCHW_AXIS[a as 0 | 1 | 2 | 3];
  if (rank === 2) return a;
  throw unsupported(step, `works on a rank-${rank} tensor`);
}

/** Writes `step` into `b`; returns its output name. */
export function convertLayer(b: OnnxBuilder, step: LayerStep): string {
  const c: Config = step.config;
  const input = step.inputs[0] as string;
  const rank = step.outputShape.length;
  if (INFERENCE_IDENTITY.has(step.className)) return b.node('Identity', [input], step.output);
  const merge = MERGE_OPS[step.className];
  if (merge) return b.node(merge, step.inputs, step.output);
  switch (step.className) {
    case 'Conv2D': return conv(b, step, false);
    case 'DepthwiseConv2D': return conv(b, step, true);
    case 'SeparableConv2D': return separableConv(b, step);
    case 'Dense': return dense(b, step);
    case 'BatchNormalization': return batchNorm(b, step);
    case 'Activation': return activation(b, c.activation, input, step.output, rank, step.name);
    case 'ReLU': {
      if (c.maxValue === null || c.maxValue === undefined) return b.node('Relu', [input], step.output);
      return b.node('Clip', [input, b.scalar(0), b.scalar(Number(c.maxValue))], step.output);
    }
    case 'LeakyReLU': return b.node('LeakyRelu', [input], step.output, { alpha: { float: Number(c.alpha ?? 0.3) } });
    case 'ELU': return b.node('Elu', [input], step.output, { alpha: { float: Number(c.alpha ?? 1) } });
    case 'Softmax': return b.node('Softmax', [input], step.output, { axis: channelAxis(step, Number(c.axis ?? -1)) });
    case 'Rescaling': {
      const scaled = b.node('Mul', [input, b.scalar(Number(c.scale))], b.fresh(`${step.name}_scaled`));
      return b.node('Add', [scaled, b.scalar(Number(c.offset ?? 0))], step.output);
    }
    case 'ZeroPadding2D': {
      checkChannelsLast(step);
      const p = c.padding;
      const [[top, bottom], [left, right]] = Array.isArray(p) && Array.isArray(p[0]) ? (p as [[number, number], [number, number]]) : [pair(p, 1), pair(p, 1)];
      return b.node('Pad', [input, b.int64s(`${step.name}/pads`, [0, 0, top, left, 0, 0, bottom, right])], step.output, { mode: 'constant' });
    }
    case 'MaxPooling2D': return pool(b, step, 'MaxPool');
    case 'AveragePooling2D': return pool(b, step, 'AveragePool');
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D': {
      checkChannelsLast(step);
      if (c.keepDims === true) throw unsupported(step, 'keeps its dimensions');
      const op = step.className === 'GlobalAveragePooling2D' ? 'GlobalAveragePool' : 'GlobalMaxPool';
      return b.node('Flatten', [b.node(op, [input], b.fresh(`${step.name}_pooled`))], step.output, { axis: 1 });
    }
    case 'Flatten': return (step.inputShapes[0]?.length ?? 0) === 2 ? b.node('Identity', [input], step.output) : reshape(b, step, [-1]);
    case 'Reshape': return reshape(b, step, (c.targetShape as number[] | undefined) ?? []);
    case 'Concatenate': return b.node('Concat', step.inputs, step.output, { axis: channelAxis(step, Number(c.axis ?? -1)) });
    default: throw unsupported(step, 'has no ONNX mapping');
  }
}
