/**
 * The gradient kernels the WASM backend lacks (tfjs 4.22 ships no `Conv2DBackpropFilter`,
 * `DepthwiseConv2dNativeBackpropFilter` or `DepthwiseConv2dNativeBackpropInput` for `wasm`), so that the top
 * blocks of a backbone fine-tune on WASM: on machines without a hardware GPU it is the only fast backend.
 *
 * - `Conv2DBackpropFilter` is an image-to-column copy followed by WASM's own (XNNPACK) matrix multiply:
 *   dW[kh, kw, ci, co] = sum over (n, y, x) of patch[n, y, x, kh, kw, ci] * dy[n, y, x, co]. For the 1x1
 *   convolutions that make up most of a MobileNet block the copy is a plain reshape.
 * - The two depthwise kernels are direct loops over the NHWC arrays, innermost over channels.
 * - WASM's own `Conv2DBackpropInput` is a plain loop; for 1x1 stride-1 convolutions (dx = dy * W^T) it is
 *   replaced by the matrix multiply, which is tens of times faster. Other shapes keep WASM's kernel.
 * - WASM's BatchMatMul is about 13 times slower with `transposeA`/`transposeB` than with the operand
 *   transposed first (measured on [1568, 1280] x [1280, 320]), so both paths transpose explicitly; and
 *   WASM's own BatchMatMul is wrapped to do the same (`transposeFirst`): every dense layer's backward pass
 *   multiplies by a transpose (dW = x^T dy, dx = dy W^T), and the head's [32, 1280] x [1280, 128] step took
 *   5.9 ms per transposed product against 0.5 ms for the plain one (Node, one thread).
 */
import * as tf from '@tensorflow/tfjs';
import type { TensorInfo } from '@tensorflow/tfjs';

/** What this module needs from the WASM backend object (a subset of `BackendWasm`). */
interface WasmBackendLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): tf.backend_util.TypedArray;
  disposeData(dataId: object): boolean;
}

/** What this module needs from the CPU backend object (a subset of `MathBackendCPU`). */

type KernelArgs = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: Record<string, unknown> };

const MISSING: Readonly<Record<string, (args: KernelArgs) => TensorInfo>> = {
  Conv2DBackpropFilter: conv2dBackpropFilter,
  DepthwiseConv2dNativeBackpropFilter: depthwiseBackpropFilter,
  DepthwiseConv2dNativeBackpropInput: depthwiseBackpropInput,
};

/** Marks a WASM kernel (`Conv2DBackpropInput`, `BatchMatMul`) once its fast path is in place. */
const FAST_PATH = Symbol('fast path');

/**
 * Registers the missing kernels for `wasm` (once; kernels WASM already has are left alone), gives WASM's
 * `Conv2DBackpropInput` its 1x1 fast path and its `BatchMatMul` explicit transposes. Call before training on
 * the WASM backend (the head's training needs the matrix multiply's). Returns the names of the kernels it
 * registered (empty on later calls).
 */
export function registerWasmGradientKernels(): string[] {
  const registered: string[] = [];
  for (const [name, kernelFunc] of Object.entries(MISSING)) {
    if (tf.getKernel(name, 'wasm')) continue;
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    registered.push(name);
  }
  // Wrapping the registered config in place: tfjs exports no way to replace a kernel without a warning.
  wrapKernel('Conv2DBackpropInput', conv2dBackpropInput);
  wrapKernel('BatchMatMul', transposeFirst);
  return registered;
}

/** Puts `fast` in front of WASM's own kernel `name`, once; `fast` calls the original for what it does not speed up. */
function wrapKernel(name: string, fast: (args: KernelArgs, original: tf.KernelFunc) => TensorInfo): void {
  const config = tf.getKernel(name, 'wasm') as (tf.KernelConfig & { [FAST_PATH]?: true }) | undefined;
  if (!config || config[FAST_PATH]) return;
  const original = config.kernelFunc;
  config.kernelFunc = ((args: KernelArgs) => fast(args, original)) as unknown as tf.KernelFunc;
  config[FAST_PATH] = true;
}

let transposeFirstOn = true;

/**
 * Turns the `BatchMatMul` fast path off (or on again) in this thread: for the bench's runs of the studio as
 * it computed before it (`RunTuning.plainMatMul`).
 */
export function useMatMulFastPath(on: boolean): void {
  transposeFirstOn = on;
}

/** A batched matrix product with `transposeA`/`transposeB`: the operands transposed first, then the plain product. */
function transposeFirst(args: KernelArgs, original: tf.KernelFunc): TensorInfo {
  const attrs = args.attrs as { transposeA: boolean; transposeB: boolean };
  if (!transposeFirstOn || (!attrs.transposeA && !attrs.transposeB)) return original(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  const backend = args.backend as WasmBackendLike;
  const temporary: TensorInfo[] = [];
  const operand = (x: TensorInfo, transpose: boolean): TensorInfo => {
    if (!transpose) return x;
    const rank = x.shape.length;
    const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
    const t = runWasm('Transpose', { x }, args.backend, { perm });
    temporary.push(t);
    return t;
  };
  try {
    const a = operand(args.inputs['a'] as TensorInfo, attrs.transposeA);
    const b = operand(args.inputs['b'] as TensorInfo, attrs.transposeB);
    return original({ inputs: { a, b }, backend: args.backend, attrs: { ...attrs, transposeA: false, transposeB: false } } as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  } finally {
    for (const t of temporary) backend.disposeData(t.dataId);
  }
}

/** Whether the backend `name` can compute every gradient a convolutional network needs (after registration). */
export function hasConvolutionGradients(name: string): boolean {
  return ['Conv2DBackpropInput', ...Object.keys(MISSING)].every((k) => tf.getKernel(k, name) !== undefined);
}

/** dW for NHWC conv2d: image-to-column on the CPU side of the heap, then WASM's BatchMatMul. */
function conv2dBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs['x'] as TensorInfo;
  const dy = args.inputs['dy'] as TensorInfo;
  const attrs = args.attrs as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): NCHW is not supported');
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], attrs.filterShape, attrs.strides, 1, attrs.pad,
    attrs.dimRoundingMode, false, 'channelsLast',
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const rows = batchSize * outHeight * outWidth;
  const patch = filterHeight * filterWidth * inChannels;

  const isPointwise = filterHeight === 1 && filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1 &&
    info.padInfo.top === 0 && info.padInfo.left === 0;
  let columns: TensorInfo;
  if (isPointwise) {
    columns = { dataId: x.dataId, shape: [1, rows, patch], dtype: 'float32' };
  } else {
    const xValues = backend.readSync(x.dataId) as Float32Array;
    columns = backend.makeOutput([1, rows, patch], 'float32');
    const out = backend.typedArrayFromHeap(columns) as Float32Array;
    out.fill(0);
    let row = 0;
    for (let n = 0; n < batchSize; n++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++, row++) {
          for (let ky = 0; ky < filterHeight; ky++) {
            const iy = oy * info.strideHeight - info.padInfo.top + ky * info.dilationHeight;
            if (iy < 0 || iy >= inHeight) continue;
            for (let kx = 0; kx < filterWidth; kx++) {
              const ix = ox * info.strideWidth - info.padInfo.left + kx * info.dilationWidth;
              if (ix < 0 || ix >= inWidth) continue;
              const from = ((n * inHeight + iy) * inWidth + ix) * inChannels;
              const to = row * patch + (ky * filterWidth + kx) * inChannels;
              out.set(xValues.subarray(from, from + inChannels), to);
            }
          }
        }
      }
    }
  }
  const dyRows: TensorInfo = { dataId: dy.dataId, shape: [1, rows, outChannels], dtype: 'float32' };
  const transposed = runWasm('Transpose', { x: columns }, args.backend, { perm: [0, 2, 1] });
  if (!isPointwise) backend.disposeData(columns.dataId);
  const product = runWasm('BatchMatMul', { a: transposed, b: dyRows }, args.backend, { transposeA: false, transposeB: false });
  backend.disposeData(transposed.dataId);
  return { dataId: product.dataId, shape: attrs.filterShape, dtype: 'float32' };
}

/** Runs one of WASM's own kernels. */
function runWasm(name: string, inputs: Record<string, TensorInfo>, backend: unknown, attrs: Record<string, unknown>): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`the wasm backend has no ${name} kernel`);
  return kernel.kernelFunc({ inputs, backend: backend as tf.KernelBackend, attrs: attrs as tf.NamedAttrMap }) as TensorInfo;
}

/** dx of a 1x1 stride-1 NHWC conv2d as dy [rows, co] times W^T [co, ci]; other shapes go to `original`. */
function conv2dBackpropInput(args: KernelArgs, original: tf.KernelFunc): TensorInfo {
  const dy = args.inputs['dy'] as TensorInfo;
  const filter = args.inputs['filter'] as TensorInfo;
  const attrs = args.attrs as { strides: [number, number] | number; dataFormat: string; dilations?: unknown; inputShape: number[] };
  const strides = typeof attrs.strides === 'number' ? [attrs.strides, attrs.strides] : attrs.strides;
  const [fh, fw, ci, co] = filter.shape as [number, number, number, number];
  const pointwise = fh === 1 && fw === 1 && strides[0] === 1 && strides[1] === 1 && attrs.dataFormat !== 'NCHW';
  if (!pointwise) return original(args as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
  const rows = attrs.inputShape.slice(0, 3).reduce((a, b) => a * b, 1);
  const filterT = runWasm('Transpose', { x: { dataId: filter.dataId, shape: [1, ci, co], dtype: 'float32' } }, args.backend, { perm: [0, 2, 1] });
  const product = runWasm(
    'BatchMatMul', { a: { dataId: dy.dataId, shape: [1, rows, co], dtype: 'float32' }, b: filterT },
    args.backend, { transposeA: false, transposeB: false },
  );
  (args.backend as WasmBackendLike).disposeData(filterT.dataId);
  return { dataId: product.dataId, shape: attrs.inputShape, dtype: 'float32' };
}

interface DepthwiseAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: DepthwiseAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides,
    attrs.dilations, attrs.pad, attrs.dimRoundingMode, true,
  );
}

/**
 * Calls `tap(xBase, dyBase, wBase)` for every (image, output position, filter tap) of a depthwise convolution
 * whose input pixel lies inside the image: the offsets of the input pixel's channels, of the output
 * position's channels and of the tap's filter row. The channel loops stay in the callers, where they are hot.
 */
function forEachDepthwiseTap(info: tf.backend_util.Conv2DInfo, tap: (xBase: number, dyBase: number, wBase: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  for (let n = 0; n < batchSize; n++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const dyBase = ((n * outHeight + oy) * outWidth + ox) * outChannels;
        for (let ky = 0; ky < filterHeight; ky++) {
          const iy = oy * info.strideHeight - info.padInfo.top + ky * info.dilationHeight;
          if (iy < 0 || iy >= inHeight) continue;
          for (let kx = 0; kx < filterWidth; kx++) {
            const ix = ox * info.strideWidth - info.padInfo.left + kx * info.dilationWidth;
            if (ix < 0 || ix >= inWidth) continue;
            tap(((n * inHeight + iy) * inWidth + ix) * inChannels, dyBase, (ky * filterWidth + kx) * outChannels);
          }
        }
      }
    }
  }
}

/** dW[ky, kx, c, m] = sum over (n, oy, ox) of x[n, iy, ix, c] * dy[n, oy, ox, c * M + m]. */
function depthwiseBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const x = args.inputs['x'] as TensorInfo;
  const dy = args.inputs['dy'] as TensorInfo;
  const attrs = args.attrs as unknown as DepthwiseAttrs;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = depthwiseInfo(x.shape, filterShape, attrs);
  const xv = backend.readSync(x.dataId) as Float32Array;
  const dyv = backend.readSync(dy.dataId) as Float32Array;
  const out = backend.makeOutput(filterShape, 'float32');
  const dw = backend.typedArrayFromHeap(out) as Float32Array;
  dw.fill(0);
  const { inChannels, outChannels } = info;
  const mult = outChannels / inChannels;
  forEachDepthwiseTap(info, (xBase, dyBase, wBase) => {
    for (let c = 0; c < inChannels; c++) {
      const xval = xv[xBase + c] as number;
      for (let m = 0; m < mult; m++) {
        const o = c * mult + m;
        dw[wBase + o] = (dw[wBase + o] as number) + xval * (dyv[dyBase + o] as number);
      }
    }
  });
  return out;
}

/** dx[n, iy, ix, c] = sum over the outputs it touched of dy[n, oy, ox, c * M + m] * W[ky, kx, c, m]. */
function depthwiseBackpropInput(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const dy = args.inputs['dy'] as TensorInfo;
  const filter = args.inputs['filter'] as TensorInfo;
  const attrs = args.attrs as unknown as DepthwiseAttrs;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = depthwiseInfo(inputShape, filter.shape, attrs);
  const dyv = backend.readSync(dy.dataId) as Float32Array;
  const wv = backend.readSync(filter.dataId) as Float32Array;
  const out = backend.makeOutput(inputShape, 'float32');
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  const { inChannels, outChannels } = info;
  const mult = outChannels / inChannels;
  forEachDepthwiseTap(info, (xBase, dyBase, wBase) => {
    for (let c = 0; c < inChannels; c++) {
      let sum = 0;
      for (let m = 0; m < mult; m++) sum += (dyv[dyBase + c * mult + m] as number) * (wv[wBase + c * mult + m] as number);
      dx[xBase + c] = (dx[xBase + c] as number) + sum;
    }
  });
  return out;
}

