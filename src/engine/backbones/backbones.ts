/**
 * Loads a backbone from the catalog (the network that turns pixels into feature vectors, embeddings).
 * Sources are tried in order (the app's own origin first, then the public URL); the first that loads and
 * yields features of the catalog's size wins. The from-scratch entry is built locally (`scratchCnn.ts`).
 * The backbone over a loaded model, with its split for stage 2, is built in `modelBackbone.ts`; what goes in
 * and out (scaling, pooling, shape checks) is in `pixels.ts`; loading at another input size in `inputSize.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { UserFacingError, errorMessage } from '../../core/errors';
import type { BackboneEntry, BackboneSource, InputScaling } from './catalogTypes';
import { cutGraphModel, cutLayersModel, freezeAll, hasLayer, hasNode } from '../training/finetune';
import { createScratchBackbone } from './scratchCnn';
import type { Backbone } from './backbone';
import { loadLayersAtSize } from './inputSize';
import { makeBackbone } from './modelBackbone';
import type { Cutter } from './modelBackbone';
import { checkFeatureSize, featureLength, toFeatures } from './pixels';

export type { Backbone, BackboneSplit } from './backbone';
export { loadLayersAtSize, withInputSize } from './inputSize';
export { scalePixels } from './pixels';

/** Options of `loadBackbone`. */
export interface LoadBackboneOptions {
  /** Supplies an IOHandler for a source (e.g. a file reader in Node tests); `undefined` loads from its URL. */
  readonly ioHandlerFor?: (source: BackboneSource) => tf.io.IOHandler | undefined;
  /** Called once for each source that failed, before the next one is tried. */
  readonly onSourceFailed?: (url: string, message: string) => void;
  /** Seeds the initial weights of a `scratch` entry (default 42); pretrained entries ignore it. */
  readonly seed?: number;
}

/** How a person fixes a backbone that could not be loaded from anywhere. */
export const BACKBONE_FIX_HINT =
  'To fix it, run `npm run models` with ../shared/models beside the project, or connect to the network.';

/**
 * Whether the loaded model's own feature size is taken (measured by a probe pass) rather than checked
 * against the entry: a model of the user's own (size unknown until loaded), and the online catalog (one
 * public source, whose published size the entry states for display).
 */
const measuresFeatureSize = (entry: BackboneEntry): boolean => entry.kind === 'custom' || entry.online !== undefined;

/**
 * `entry` with the feature size a loaded model gives: the measured `actual` when the entry measures its
 * features; else `entry` itself after checking that `actual` is its `featureSize`.
 */
function withFeatureSize(entry: BackboneEntry, actual: number | null): BackboneEntry {
  if (!measuresFeatureSize(entry)) {
    checkFeatureSize(entry, actual);
    return entry;
  }
  if (actual === null || !Number.isInteger(actual) || actual < 1) {
    throw new Error(`its features have ${actual ?? 'an unknown number of'} values: pick another feature node or layer`);
  }
  return actual === entry.featureSize ? entry : { ...entry, featureSize: actual };
}

/**
 * Loads `entry`, trying `entry.sources` in order (a `scratch` entry is built with random weights seeded by
 * `options.seed`, without sources). Resolves with the first source that loads and whose
 * features have `entry.featureSize` values; a source that fails (network, missing file, unknown layer or
 * node, wrong feature size) is reported to `onSourceFailed` and the next one is tried.
 * Rejects with a `UserFacingError` naming every URL tried, why each failed, and how to fix it.
 * The caller disposes the returned backbone.
 */
export async function loadBackbone(entry: BackboneEntry, options: LoadBackboneOptions = {}): Promise<Backbone> {
  if (entry.kind === 'scratch') return createScratchBackbone(entry, options.seed ?? 42);
  const failures: string[] = [];
  for (const source of entry.sources) {
    try {
      return await loadSource(entry, source, options.ioHandlerFor?.(source));
    } catch (error) {
      const message = errorMessage(error);
      failures.push(`- ${source.url}: ${message}`);
      options.onSourceFailed?.(source.url, message);
    }
  }
  throw new UserFacingError(
    `Could not load the backbone "${entry.label}" (${entry.id}). Tried:\n${failures.join('\n')}\n${BACKBONE_FIX_HINT}`,
  );
}

/**
 * Loads one source; throws when it cannot be loaded or does not give `entry.featureSize` features (for custom
 * and online entries: any positive number of features, which the backbone's `entry` then states).
 */
async function loadSource(
  entry: BackboneEntry,
  source: BackboneSource,
  handler: tf.io.IOHandler | undefined,
): Promise<Backbone> {
  const scaling = source.inputScaling ?? entry.inputScaling;
  const feature = source.feature;
  if (feature.format === 'layers') {
    const model = entry.inputSizes ? await loadLayersAtSize(handler ?? source.url, entry.inputSizePx) : await tf.loadLayersModel(handler ?? source.url);
    try {
      return layersBackbone(entry, source.url, model, feature.layer, scaling);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  const loadOptions = source.fromTFHub ? { fromTFHub: true } : {};
  const model = await tf.loadGraphModel(handler ?? source.url, loadOptions);
  try {
    return graphBackbone(entry, source.url, model, feature.node, scaling);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

function layersBackbone(
  entry: BackboneEntry,
  sourceUrl: string,
  model: tf.LayersModel,
  layerName: string | undefined,
  scaling: InputScaling,
): Backbone {
  let output: tf.SymbolicTensor;
  if (layerName === undefined) {
    output = model.outputs[0] as tf.SymbolicTensor;
  } else {
    const names = model.layers.map((l) => l.name);
    if (!names.includes(layerName)) throw new Error(`the model has no layer "${layerName}"`);
    const layerOutput = model.getLayer(layerName).output;
    output = (Array.isArray(layerOutput) ? layerOutput[0] : layerOutput) as tf.SymbolicTensor;
  }
  // Shares the loaded model's layers and weights: disposing `model` frees them.
  const featureModel = layerName === undefined ? model : tf.model({ inputs: model.inputs, outputs: output });
  checkInputShape(entry, model.inputs[0]?.shape ?? []);
  // A model that leaves its height and width open may leave the feature length open too: probe it then.
  const size = entry.inputSizePx;
  const length = featureLength(output.shape) ?? tf.tidy(() => toFeatures(featureModel.predict(tf.zeros([1, size, size, 3])) as tf.Tensor).shape[1]);
  const sized = withFeatureSize(entry, length ?? null);
  freezeAll(model);
  const cutter: Cutter = { has: (name) => hasLayer(model, name), cut: (name) => cutLayersModel(model, name, layerName) };
  const base = { model: featureModel, scaling };
  return makeBackbone(sized, sourceUrl, scaling, model, (x) => featureModel.predict(x) as tf.Tensor, cutter, base);
}

function graphBackbone(
  entry: BackboneEntry,
  sourceUrl: string,
  model: tf.GraphModel,
  node: string | undefined,
  scaling: InputScaling,
): Backbone {
  const run = (x: tf.Tensor4D): tf.Tensor => {
    const out = node === undefined ? model.execute(x) : model.execute(x, node);
    const first = Array.isArray(out) ? out[0] : out;
    if (!first) throw new Error('the graph model returned no output');
    return first;
  };
  // Graph outputs often have unknown static shapes: measure the feature size on one blank image.
  const size = entry.inputSizePx;
  const probeSize = tf.tidy(() => toFeatures(run(tf.zeros([1, size, size, 3]))).shape[1]);
  const sized = withFeatureSize(entry, probeSize);
  const cutter: Cutter = { has: (name) => hasNode(model, name), cut: (name) => cutGraphModel(model, name, node, size) };
  return makeBackbone(sized, sourceUrl, scaling, model, run, cutter, null);
}

/** Throws unless a LayersModel's input `[n, h, w, c]` takes S x S x 3 images (or leaves h and w open). */
function checkInputShape(entry: BackboneEntry, shape: readonly (number | null)[]): void {
  const [, h, w, c] = shape;
  const size = entry.inputSizePx;
  if (shape.length !== 4 || (c !== null && c !== 3) || (h !== null && h !== size) || (w !== null && w !== size)) {
    throw new Error(`the model takes [${shape.map((d) => d ?? 'any').join(', ')}] input, not [n, ${size}, ${size}, 3] images`);
  }
}
