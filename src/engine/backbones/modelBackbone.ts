/**
 * A `Backbone` over a loaded LayersModel or GraphModel: `embed`, and `split` for stage 2, which cuts the model
 * at the entry's cut points (the cutting itself is in `finetune.ts`) and wraps the cut so that it takes pixels
 * and gives pooled features as `embed` does. Loading is in `backbones.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackboneEntry, InputScaling } from './catalogTypes';
import type { ModelCut } from '../training/finetune';
import type { Backbone, BackboneSplit } from './backbone';
import { checkFeatureSize, checkPixels, scalePixels, toFeatures } from './pixels';
import { createSplitSlot } from './splitSlot';
import type { SplitBody } from './splitSlot';

/** How a loaded model is cut: whether a cut point exists in it, and the cut itself. */
export interface Cutter {
  has(cutName: string): boolean;
  cut(cutName: string): ModelCut;
}

/**
 * The backbone of `entry` (with its feature size settled) over `model`, loaded from `sourceUrl`: `forward`
 * maps scaled pixels to the raw feature output, `cutter` cuts `model` for stage 2. It owns `model`.
 */
export function makeBackbone(
  entry: BackboneEntry,
  sourceUrl: string,
  scaling: InputScaling,
  model: { dispose(): void },
  forward: (x: tf.Tensor4D) => tf.Tensor,
  cutter: Cutter,
  classifierBase: Backbone['classifierBase'],
): Backbone {
  const cutPoints = entry.fineTune?.cutPoints ?? [];
  const missing = cutPoints.findIndex((name) => !cutter.has(name));
  const fineTuneBlocks = missing === -1 ? cutPoints.length : missing;
  const slot = createSplitSlot(entry.id, model, true);
  return {
    entry,
    sourceUrl,
    featureSize: entry.featureSize,
    embed(pixels: tf.Tensor4D): tf.Tensor2D {
      checkPixels(entry, pixels, 'embed');
      return tf.tidy(() => {
        const features = toFeatures(forward(scalePixels(pixels, scaling)));
        checkFeatureSize(entry, features.shape[1]);
        return tf.cast(features, 'float32');
      });
    },
    fineTuneBlocks,
    classifierBase,
    split(blocks: number): BackboneSplit {
      if (fineTuneBlocks === 0) {
        throw new Error(
          entry.fineTune
            ? `the copy of "${entry.id}" loaded from ${sourceUrl} has no layer or node "${cutPoints[0]}": it cannot be split`
            : `"${entry.id}" cannot be split for fine-tuning`,
        );
      }
      if (!Number.isInteger(blocks) || blocks < 1 || blocks > fineTuneBlocks) {
        throw new Error(`split: blocks must be an integer in 1..${fineTuneBlocks} for "${entry.id}", got ${blocks}`);
      }
      return slot.open((assertLive) => {
        const cut = cutter.cut(cutPoints[blocks - 1] as string);
        return { body: wrapCut(entry, scaling, blocks, cut, assertLive), release: () => cut.dispose() };
      });
    },
    dispose: () => slot.dispose(),
  };
}

/** A `BackboneSplit` (but its `dispose`) from a model cut: scales pixels on the way in, pools features on the way out. */
function wrapCut(entry: BackboneEntry, scaling: InputScaling, blocks: number, cut: ModelCut, assertLive: () => void): SplitBody {
  const shape = cut.activationShape;
  return {
    blocks,
    cutName: cut.cutName,
    activationShape: shape,
    embedWithActivations(pixels) {
      assertLive();
      checkPixels(entry, pixels, 'embedWithActivations');
      return tf.tidy(() => {
        const [activations, raw] = cut.forwardBoth(scalePixels(pixels, scaling));
        const features = tf.cast(toFeatures(raw), 'float32');
        checkFeatureSize(entry, features.shape[1]);
        return { activations: tf.cast(activations, 'float32'), features };
      });
    },
    top(activations, training) {
      assertLive();
      if (activations.rank !== 4 || shape.some((d, i) => activations.shape[i + 1] !== d)) {
        throw new Error(`top expects [n, ${shape.join(', ')}] activations, got [${activations.shape.join(', ')}]`);
      }
      return toFeatures(cut.forwardTop(activations, training));
    },
    variables: cut.variables,
    frozenWeights: cut.frozenWeights,
  };
}
