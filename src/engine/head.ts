/**
 * The classification head trained on frozen backbone embeddings: dense ReLU -> dropout -> dense softmax,
 * as Teachable Machine builds it.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../core/rng';

/** Shape and randomness of a head. */
export interface HeadConfig {
  /** Length of one embedding (the backbone's feature size). */
  readonly featureSize: number;
  readonly numClasses: number;
  /** Units of the hidden dense ReLU layer. */
  readonly hiddenUnits: number;
  /** Dropout rate after the hidden layer, in [0, 1). */
  readonly dropout: number;
  /** Seeds the initial weights (and the layer's own dropout seed). */
  readonly seed: number;
}

/**
 * Builds an uncompiled `tf.Sequential`: input [n, featureSize] float32 -> dense(hiddenUnits, relu,
 * seeded glorotUniform) -> dropout(rate, seeded) -> dense(numClasses, softmax, seeded glorotUniform) ->
 * [n, numClasses] probabilities. The same seed gives the same initial weights. The caller disposes the model.
 *
 * Note: a seeded tfjs `Dropout` layer draws the same mask on every call; `applyHead` is how training draws
 * a fresh, still-seeded mask per step.
 */
export function createHead(config: HeadConfig): tf.LayersModel {
  const { featureSize, numClasses, hiddenUnits, dropout, seed } = config;
  if (!(featureSize > 0 && numClasses > 1 && hiddenUnits > 0)) {
    throw new Error(`createHead: need featureSize > 0, numClasses > 1, hiddenUnits > 0 (got ${featureSize}, ${numClasses}, ${hiddenUnits})`);
  }
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`createHead: dropout must be in [0, 1), got ${dropout}`);
  const rng = createRng(seed);
  const model = tf.sequential({ name: 'head' });
  model.add(
    tf.layers.dense({
      inputShape: [featureSize],
      units: hiddenUnits,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: rng.uint32() }),
      name: 'head_hidden',
    }),
  );
  model.add(tf.layers.dropout({ rate: dropout, seed: rng.uint32(), name: 'head_dropout' }));
  model.add(
    tf.layers.dense({
      units: numClasses,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: rng.uint32() }),
      name: 'head_output',
    }),
  );
  return model;
}

/**
 * Runs a sequential head layer by layer. With `dropoutSeed` set, each `Dropout` layer is replaced by
 * `tf.dropout` seeded with `dropoutSeed` (plus the layer's position), so every training step gets a new,
 * repeatable mask; without it the head runs in inference mode (dropout is the identity).
 * x: [n, featureSize] float32, not disposed. Returns [n, numClasses] probabilities; call inside `tf.tidy`
 * (or dispose the result: intermediates are not freed here so that gradients can flow through them).
 */
export function applyHead(model: tf.LayersModel, x: tf.Tensor2D, dropoutSeed?: number): tf.Tensor2D {
  let h: tf.Tensor = x;
  model.layers.forEach((layer, position) => {
    if (layer.getClassName() === 'Dropout') {
      const rate = Number(layer.getConfig()['rate'] ?? 0);
      if (dropoutSeed !== undefined && rate > 0) h = tf.dropout(h, rate, undefined, dropoutSeed + position);
    } else {
      h = layer.apply(h, { training: dropoutSeed !== undefined }) as tf.Tensor;
    }
  });
  return h as tf.Tensor2D;
}
