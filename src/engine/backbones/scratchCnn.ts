/**
 * The from-scratch baseline: a small CNN with random (seeded) weights, trained end to end on the user's own
 * images, to show what pretrained features are worth. It is the recipe of "training a classifier from
 * scratch" posts (e.g. the Bitmoji one): two conv/pool stages and a dense layer, here followed by the
 * studio's usual head. It is exposed as a `Backbone` whose only split (`split(1)`) caches the scaled input
 * image itself and makes the whole network trainable, so stage 2 trains it with the same code as the top
 * blocks of a pretrained backbone.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../core/rng';
import type { Backbone, BackboneSplit } from './backbone';
import type { BackboneEntry } from './catalogTypes';
import { checkPixels } from './pixels';
import { createSplitSlot } from './splitSlot';
import type { SplitBody } from './splitSlot';

/** Filters of the two conv layers. */
const CONV_FILTERS = [16, 32] as const;

/**
 * Builds the network, uncompiled: input [n, S, S, 3] in [0, 1] -> conv 3x3 (16, ReLU, same) -> max-pool 2
 * -> conv 3x3 (32, ReLU, same) -> max-pool 2 -> flatten -> dense(featureSize, ReLU) -> [n, featureSize].
 * Kernels are He-normal (convs) and Glorot-uniform (dense), seeded from `seed`: the same seed gives the
 * same weights. `sizePx` must be a multiple of 4. The caller disposes the model.
 */
export function createScratchCnn(sizePx: number, featureSize: number, seed: number): tf.Sequential {
  if (!(Number.isInteger(sizePx) && sizePx >= 4 && sizePx % 4 === 0)) throw new Error(`createScratchCnn: sizePx must be a multiple of 4, got ${sizePx}`);
  if (!(Number.isInteger(featureSize) && featureSize >= 1)) throw new Error(`createScratchCnn: featureSize must be >= 1, got ${featureSize}`);
  const rng = createRng(seed);
  const model = tf.sequential({ name: 'scratch_cnn' });
  CONV_FILTERS.forEach((filters, i) => {
    model.add(
      tf.layers.conv2d({
        ...(i === 0 ? { inputShape: [sizePx, sizePx, 3] } : {}),
        filters,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: rng.uint32() }),
        name: `scratch_conv_${i + 1}`,
      }),
    );
    model.add(tf.layers.maxPooling2d({ poolSize: 2, name: `scratch_pool_${i + 1}` }));
  });
  model.add(tf.layers.flatten({ name: 'scratch_flatten' }));
  model.add(
    tf.layers.dense({
      units: featureSize,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: rng.uint32() }),
      name: 'scratch_features',
    }),
  );
  return model;
}

/**
 * The scratch entry as a `Backbone`: `embed` gives the (random-init, later trained) features; `split(1)`
 * caches the scaled pixels [S, S, 3] as activations and trains every weight. At rest the network is frozen,
 * as a pretrained backbone is. The caller disposes the backbone.
 */
export function createScratchBackbone(entry: BackboneEntry, seed: number): Backbone {
  if (entry.kind !== 'scratch') throw new Error(`createScratchBackbone: "${entry.id}" is not a scratch entry`);
  const size = entry.inputSizePx;
  const model = createScratchCnn(size, entry.featureSize, seed);
  const setTrainable = (trainable: boolean): void => model.layers.forEach((layer) => (layer.trainable = trainable));
  setTrainable(false);
  const slot = createSplitSlot(entry.id, model, false);
  const features = (x: tf.Tensor4D, training: boolean): tf.Tensor2D => model.apply(x, { training }) as tf.Tensor2D;
  return {
    entry,
    sourceUrl: `scratch:${entry.id}?seed=${seed}`,
    featureSize: entry.featureSize,
    fineTuneBlocks: 1,
    classifierBase: { model, scaling: 'zeroToOne' },
    embed: (pixels) => tf.tidy(() => features(scaleChecked(entry, pixels, 'embed'), false)),
    split(blocks: number): BackboneSplit {
      if (blocks !== 1) throw new Error(`split: the from-scratch CNN has one block (the whole network), got ${blocks}`);
      return slot.open((assertLive) => {
        setTrainable(true);
        const body: SplitBody = {
          blocks: 1,
          cutName: entry.fineTune?.cutPoints[0] ?? 'pixels',
          activationShape: [size, size, 3],
          embedWithActivations(pixels) {
            assertLive();
            return tf.tidy(() => {
              const activations = scaleChecked(entry, pixels, 'embedWithActivations');
              return { activations, features: features(activations, false) };
            });
          },
          top(activations, training) {
            assertLive();
            return features(activations, training);
          },
          variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
          frozenWeights: [],
        };
        return { body, release: () => setTrainable(false) };
      });
    },
    dispose: () => slot.dispose(),
  };
}

/** pixels [n, S, S, 3] in [0, 255] -> float32 x / 255 in [0, 1]; throws on another shape. Call inside tidy. */
function scaleChecked(entry: BackboneEntry, pixels: tf.Tensor4D, caller: string): tf.Tensor4D {
  checkPixels(entry, pixels, caller);
  return tf.div(tf.cast(pixels, 'float32'), 255);
}
