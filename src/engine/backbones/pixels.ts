/**
 * What goes into and comes out of a backbone: pixels scaled into a network's input range, raw outputs pooled
 * into feature vectors, and the shape checks on both. Shared by the loaded backbones (`backbones.ts`,
 * `modelBackbone.ts`) and the from-scratch CNN (`scratchCnn.ts`), so every backbone rejects a wrong input
 * with the same message.
 */
import * as tf from '@tensorflow/tfjs';
import { pixelAffine } from './catalogTypes';
import type { BackboneEntry, InputScaling } from './catalogTypes';

/**
 * Maps pixels in [0, 255] to a network's input range: `minusOneToOne` gives x / 127.5 - 1 in [-1, 1],
 * `zeroToOne` gives x / 255 in [0, 1], `zeroTo255` x itself, `imagenet` (x / 255 - mean) / std per channel
 * (`pixelAffine` in catalogTypes.ts; about [-2.1, 2.6]).
 * pixels: [n, h, w, 3] int32 or float32 (c may be anything but `imagenet` needs 3), not disposed. Returns a
 * new float32 tensor of the same shape; the caller disposes it.
 */
export function scalePixels(pixels: tf.Tensor4D, scaling: InputScaling): tf.Tensor4D {
  return tf.tidy(() => {
    const x = tf.cast(pixels, 'float32');
    switch (scaling) {
      case 'minusOneToOne':
        return tf.sub(tf.div(x, 127.5), 1);
      case 'zeroToOne':
        return tf.div(x, 255);
      case 'zeroTo255':
        return x;
      case 'imagenet': {
        const { scale, offset } = pixelAffine(scaling);
        return tf.add(tf.mul(x, tf.tensor1d(scale as number[])), tf.tensor1d(offset as number[]));
      }
    }
  });
}

/** Throws unless `pixels` is [n, S, S, 3] with S = `entry.inputSizePx`; `caller` names the method in the message. */
export function checkPixels(entry: BackboneEntry, pixels: tf.Tensor4D, caller: string): void {
  const size = entry.inputSizePx;
  const [, h, w, c] = pixels.shape;
  if (pixels.rank !== 4 || h !== size || w !== size || c !== 3) {
    throw new Error(`${caller} expects [n, ${size}, ${size}, 3] pixels, got [${pixels.shape.join(', ')}]`);
  }
}

/** [n, h, w, c] -> mean over h, w (or a reshape when h * w is 1); [n, ...] -> [n, features]. Call inside tidy. */
export function toFeatures(t: tf.Tensor): tf.Tensor2D {
  const n = t.shape[0] ?? 0;
  if (t.rank === 4 && (t.shape[1] ?? 1) * (t.shape[2] ?? 1) > 1) return tf.mean(t, [1, 2]) as tf.Tensor2D;
  if (t.rank === 2) return t as tf.Tensor2D;
  return tf.reshape(t, [n, -1]);
}

/**
 * The feature length `toFeatures` makes of an output of static shape `shape`: the channels of [n, h, w, c],
 * the product of the rest otherwise (null when a dimension is unknown).
 */
export function featureLength(shape: readonly (number | null)[]): number | null {
  const dims = shape.length === 4 ? shape.slice(3) : shape.slice(1);
  return dims.some((d) => d === null) ? null : (dims as number[]).reduce((a, b) => a * b, 1);
}

/** Throws unless `actual` (a measured feature length; null when unknown) is `entry.featureSize`. */
export function checkFeatureSize(entry: BackboneEntry, actual: number | null): void {
  if (actual !== entry.featureSize) {
    throw new Error(
      `its features have ${actual ?? 'an unknown number of'} values, but the catalog entry "${entry.id}" expects ${entry.featureSize}`,
    );
  }
}
