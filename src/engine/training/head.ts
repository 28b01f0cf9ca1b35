/**
 * The classification head trained on frozen backbone embeddings: dense ReLU -> (batch norm) -> dropout ->
 * dense softmax, as Teachable Machine builds it, or dropout -> dense softmax without a hidden layer.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core/rng';

/** Shape and randomness of a head. */
export interface HeadConfig {
  /** Length of one embedding (the backbone's feature size). */
  readonly featureSize: number;
  readonly numClasses: number;
  /** Units of the hidden dense ReLU layer; 0 means no hidden layer (a linear softmax head). */
  readonly hiddenUnits: number;
  /** Dropout rate after the hidden layer (on the embedding itself when there is none), in [0, 1). */
  readonly dropout: number;
  /** Batch normalisation after the hidden dense layer, before dropout; ignored when hiddenUnits is 0. */
  readonly batchNorm: boolean;
  /** Seeds the initial weights (and the layer's own dropout seed). */
  readonly seed: number;
}

/**
 * Momentum of the moving statistics of the head's batch norm. Keras's 0.99 needs hundreds of steps before
 * the statistics used in inference forget their initial (0, 1); small datasets give a head only a few
 * dozen steps, so the head uses PyTorch's 0.9.
 */
export const HEAD_BATCH_NORM_MOMENTUM = 0.9;

/**
 * Builds an uncompiled `tf.Sequential`: input [n, featureSize] float32 -> dense(hiddenUnits, relu, seeded
 * glorotUniform) -> batchNormalization (when `batchNorm`) -> dropout(rate, seeded) -> dense(numClasses,
 * softmax, seeded glorotUniform) -> [n, numClasses] probabilities. With hiddenUnits 0: input -> dropout ->
 * dense softmax. The same config gives the same initial weights. The caller disposes the model.
 *
 * Note: a seeded tfjs `Dropout` layer draws the same mask on every call; `applyHead` is how training draws
 * a fresh, still-seeded mask per step.
 */
export function createHead(config: HeadConfig): tf.LayersModel {
  const { featureSize, numClasses, hiddenUnits, dropout, batchNorm, seed } = config;
  if (!(featureSize > 0 && numClasses > 1 && hiddenUnits >= 0 && Number.isInteger(hiddenUnits))) {
    throw new Error(
      `createHead: need featureSize > 0, numClasses > 1, integer hiddenUnits >= 0 (got ${featureSize}, ${numClasses}, ${hiddenUnits})`,
    );
  }
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`createHead: dropout must be in [0, 1), got ${dropout}`);
  const rng = createRng(seed);
  const model = tf.sequential({ name: 'head' });
  if (hiddenUnits > 0) {
    model.add(denseLayer(hiddenUnits, 'relu', rng.uint32(), 'head_hidden', featureSize));
    if (batchNorm) model.add(tf.layers.batchNormalization({ momentum: HEAD_BATCH_NORM_MOMENTUM, name: 'head_batchnorm' }));
    model.add(tf.layers.dropout({ rate: dropout, seed: rng.uint32(), name: 'head_dropout' }));
  } else {
    model.add(tf.layers.dropout({ inputShape: [featureSize], rate: dropout, seed: rng.uint32(), name: 'head_dropout' }));
  }
  model.add(denseLayer(numClasses, 'softmax', rng.uint32(), 'head_output'));
  return model;
}

function denseLayer(
  units: number,
  activation: 'relu' | 'softmax',
  seed: number,
  name: string,
  inputSize?: number,
): tf.layers.Layer {
  return tf.layers.dense({
    ...(inputSize === undefined ? {} : { inputShape: [inputSize] }),
    units,
    activation,
    kernelInitializer: tf.initializers.glorotUniform({ seed }),
    name,
  });
}

/**
 * Runs a sequential head layer by layer. With `step` set (a training step), each `Dropout` layer is
 * replaced by `tf.dropout` seeded with `step.seed` (plus the layer's position), so every step gets a new,
 * repeatable mask, and batch norm normalises with the batch's statistics and updates its moving mean and
 * variance; with `step` null the head runs in inference mode (dropout is the identity, batch norm uses the
 * moving statistics and changes nothing).
 * x: [n, featureSize] float32, not disposed. Returns [n, numClasses] probabilities; call inside `tf.tidy`
 * (or dispose the result: intermediates are not freed here so that gradients can flow through them).
 */
export function applyHead(
  model: tf.LayersModel,
  x: tf.Tensor2D,
  step: { readonly seed: number } | null = null,
): tf.Tensor2D {
  let h: tf.Tensor = x;
  model.layers.forEach((layer, position) => {
    if (layer.getClassName() === 'Dropout') {
      const rate = Number(layer.getConfig()['rate'] ?? 0);
      if (step !== null && rate > 0) h = tf.dropout(h, rate, undefined, step.seed + position);
    } else {
      h = layer.apply(h, { training: step !== null }) as tf.Tensor;
    }
  });
  return h as tf.Tensor2D;
}

/**
 * The kernels (not the biases, nor batch-norm parameters) of the head's dense layers, as the variables the
 * optimizer trains: [featureSize, hiddenUnits] and [hiddenUnits, numClasses], or one [featureSize,
 * numClasses]. Owned by the model.
 */
export function headKernels(model: tf.LayersModel): tf.Variable[] {
  return model.layers
    .filter((layer) => layer.getClassName() === 'Dense')
    .flatMap((layer) => layer.trainableWeights.filter((w) => /(^|\/)kernel(_\d+)?$/.test(w.originalName)))
    .map((w) => w.read() as tf.Variable);
}

/**
 * The head's L2 penalty `l2 * sum of squares of its dense kernels` as a float32 scalar (Keras's
 * `kernelRegularizer: l2(l2)`), differentiable; meant for `TrainLoopArgs.regularizer` inside a gradient
 * scope. The caller disposes the result (or calls it inside `tf.tidy`).
 */
export function headL2(model: tf.LayersModel, l2: number): tf.Scalar {
  return tf.tidy(() => {
    const squares = headKernels(model).map((k) => tf.sum(tf.square(k)));
    return tf.mul(tf.addN(squares), l2) as tf.Scalar;
  });
}
