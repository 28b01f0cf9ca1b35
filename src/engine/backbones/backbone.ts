/**
 * What a loaded backbone is to the rest of the engine: the `Backbone` (embed, split for stage 2, the base of the
 * fused classifier) and its `BackboneSplit`. Types only, in a module of their own so that the loader
 * (`backbones.ts`), the scratch CNN and the stage-2 code all import them one way, with no cycle.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackboneEntry, InputScaling } from './catalogTypes';

/** A loaded backbone. Owns its model's weights until `dispose()`. */
export interface Backbone {
  /** The catalog entry; for custom and online entries, with the measured `featureSize`. */
  readonly entry: BackboneEntry;
  /** The source URL the weights came from. */
  readonly sourceUrl: string;
  /** Length of one embedding; equals `entry.featureSize`. */
  readonly featureSize: number;
  /**
   * pixels: [n, S, S, 3] in [0, 255] (int32 or float32), S = `entry.inputSizePx`; not disposed here.
   * Returns [n, featureSize] float32; the caller disposes it. Intermediates are disposed.
   */
  embed(pixels: tf.Tensor4D): tf.Tensor2D;
  /**
   * The largest `blocks` that `split` accepts: `entry.fineTune.cutPoints.length` when every cut point is in
   * the loaded copy; 0 when the entry has no `fineTune`, or the copy that loaded names its layers or nodes
   * differently (e.g. a public fallback URL).
   */
  readonly fineTuneBlocks: number;
  /**
   * Cuts the backbone below its top `blocks` blocks (1..`fineTuneBlocks`) for stage 2. At rest every weight
   * of a backbone is frozen; the split makes the top trainable until it is disposed. One split at a time:
   * throws while an earlier split of this backbone is not disposed, and with a clear message when the
   * backbone cannot be split or `blocks` is out of range. Training a split changes the backbone's own
   * weights above the cut: they stay fine-tuned after the split is disposed (`embed` then uses them).
   */
  split(blocks: number): BackboneSplit;
  /**
   * The LayersModel from the network's input (in `scaling`'s range) to the feature layer's raw output
   * (pooled by the caller when it is [n, h, w, c]), sharing the backbone's weights: what `fuseClassifier`
   * builds an exportable classifier from. null for a GraphModel backbone.
   */
  readonly classifierBase: { readonly model: tf.LayersModel; readonly scaling: InputScaling } | null;
  /** Frees the model's weights (disposing a live split first). The backbone must not be used afterwards. */
  dispose(): void;
}

/** A backbone cut for fine-tuning its top blocks on activations cached at the cut (see `Backbone.split`). */
export interface BackboneSplit {
  readonly blocks: number;
  /** The layer (LayersModel) or node (GraphModel) whose output is cached. */
  readonly cutName: string;
  /** [h, w, c] of the cached activations. */
  readonly activationShape: readonly number[];
  /**
   * One frozen forward pass: pixels [n, S, S, 3] in [0, 255] -> activations at the cut [n, h, w, c] and
   * features [n, featureSize] (the features `embed` gives, up to float error), both float32. The caller
   * disposes both; intermediates are disposed.
   */
  embedWithActivations(pixels: tf.Tensor4D): { activations: tf.Tensor4D; features: tf.Tensor2D };
  /**
   * The trainable top: activations [n, h, w, c] -> features [n, featureSize], pooled as `embed` pools,
   * differentiable with respect to `variables`. `training` reaches dropout-like layers; batch normalisation
   * in a pretrained top always uses its moving statistics. Nothing is disposed here: call it inside
   * `tf.tidy` or `optimizer.minimize`.
   */
  top(activations: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /** The weights of the unfrozen part; training updates these and nothing else. */
  readonly variables: readonly tf.Variable[];
  /** Every other weight of the backbone (all below the cut, plus batch-norm statistics above it): they stay bit-identical. */
  readonly frozenWeights: readonly tf.Tensor[];
  /** Freezes the backbone again and frees what the split created (not the backbone's own weights). */
  dispose(): void;
}
