/**
 * Loads a backbone from the catalog and turns pixels into feature vectors (embeddings).
 * Sources are tried in order (the app's own origin first, then the public URL); the first that loads and
 * yields features of the catalog's size wins. The from-scratch entry is built locally (`scratchCnn.ts`).
 * `Backbone.split` cuts a loaded backbone for stage 2 (the cutting itself is in `finetune.ts`).
 */
import * as tf from '@tensorflow/tfjs';
import { UserFacingError, errorMessage } from '../../core/errors';
import { pixelAffine } from './catalogTypes';
import type { BackboneEntry, BackboneSource, InputScaling } from './catalogTypes';
import { cutGraphModel, cutLayersModel, freezeAll, hasLayer, hasNode } from '../training/finetune';
import type { ModelCut } from '../training/finetune';
import { createScratchBackbone } from './scratchCnn';
import type { Backbone, BackboneSplit } from './backbone';

export type { Backbone, BackboneSplit } from './backbone';

/** How a loaded model is cut: whether a cut point exists in it, and the cut itself. */
interface Cutter {
  has(cutName: string): boolean;
  cut(cutName: string): ModelCut;
}

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
 * Maps pixels in [0, 255] to a network's input range: `minusOneToOne` gives x / 127.5 - 1 in [-1, 1],
 * `zeroToOne` gives x / 255 in [0, 1], `zeroTo255` x itself, `imagenet` (x / 255 - mean) / std per channel
 * (`pixelAffine` in catalog.ts; about [-2.1, 2.6]).
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

/**
 * Loads a LayersModel whose topology may fix another input size, fed `sizePx` x `sizePx` images: every input
 * shape `[n, h, w, 3]` in its topology (the model's, and those of models nested in it) becomes
 * `[n, sizePx, sizePx, 3]`, then the model is built from memory with the same weights. Only for networks
 * whose layers do not depend on the size (see `BackboneEntry.inputSizes`).
 */
export async function loadLayersAtSize(from: string | tf.io.IOHandler, sizePx: number): Promise<tf.LayersModel> {
  const io = typeof from === 'string' ? (tf.io.getLoadHandlers(from)[0] ?? tf.io.browserHTTPRequest(from)) : from;
  if (!io.load) throw new Error('the model cannot be read');
  const artifacts = await io.load();
  const topology = artifacts.modelTopology;
  if (!topology || topology instanceof ArrayBuffer) throw new Error('model.json has no Keras topology');
  return tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: withInputSize(topology, sizePx) }));
}

/**
 * A copy of a Keras topology (JSON) in which every `batch_input_shape` (and Sequential `build_input_shape`)
 * of the form `[n, h, w, 3]` is `[n, sizePx, sizePx, 3]`.
 */
export function withInputSize<T>(topology: T, sizePx: number): T {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const isImageShape = Array.isArray(v) && v.length === 4 && v[3] === 3;
      out[key] = (key === 'batch_input_shape' || key === 'build_input_shape') && isImageShape ? [v[0], sizePx, sizePx, 3] : visit(v);
    }
    return out;
  };
  return visit(topology) as T;
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

function makeBackbone(
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
  let active: BackboneSplit | null = null;
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
      if (active) throw new Error(`split: dispose the current split of "${entry.id}" (${active.blocks} blocks) first`);
      const cut = cutter.cut(cutPoints[blocks - 1] as string);
      const split = wrapCut(entry, scaling, blocks, cut, () => {
        active = null;
      });
      active = split;
      return split;
    },
    dispose() {
      // A live split first: a GraphModel's split holds weights outside the model's own map.
      active?.dispose();
      model.dispose();
    },
  };
}

/** A `BackboneSplit` from a model cut: scales pixels on the way in, pools features on the way out. */
function wrapCut(entry: BackboneEntry, scaling: InputScaling, blocks: number, cut: ModelCut, onDispose: () => void): BackboneSplit {
  const shape = cut.activationShape;
  let disposed = false;
  const assertLive = (): void => {
    if (disposed) throw new Error(`this split of "${entry.id}" has been disposed`);
  };
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
    dispose() {
      if (disposed) return;
      disposed = true;
      cut.dispose();
      onDispose();
    },
  };
}

/**
 * The feature length `toFeatures` makes of an output of static shape `shape`: the channels of [n, h, w, c],
 * the product of the rest otherwise (null when a dimension is unknown).
 */
function featureLength(shape: readonly (number | null)[]): number | null {
  const dims = shape.length === 4 ? shape.slice(3) : shape.slice(1);
  return dims.some((d) => d === null) ? null : (dims as number[]).reduce((a, b) => a * b, 1);
}

/** Throws unless a LayersModel's input `[n, h, w, c]` takes S x S x 3 images (or leaves h and w open). */
function checkInputShape(entry: BackboneEntry, shape: readonly (number | null)[]): void {
  const [, h, w, c] = shape;
  const size = entry.inputSizePx;
  if (shape.length !== 4 || (c !== null && c !== 3) || (h !== null && h !== size) || (w !== null && w !== size)) {
    throw new Error(`the model takes [${shape.map((d) => d ?? 'any').join(', ')}] input, not [n, ${size}, ${size}, 3] images`);
  }
}

/** Throws unless `pixels` is [n, S, S, 3] with S = `entry.inputSizePx`. */
function checkPixels(entry: BackboneEntry, pixels: tf.Tensor4D, caller: string): void {
  const size = entry.inputSizePx;
  const [, h, w, c] = pixels.shape;
  if (pixels.rank !== 4 || h !== size || w !== size || c !== 3) {
    throw new Error(`${caller} expects [n, ${size}, ${size}, 3] pixels, got [${pixels.shape.join(', ')}]`);
  }
}

/** [n, h, w, c] -> mean over h, w (or a reshape when h * w is 1); [n, ...] -> [n, features]. Call inside tidy. */
function toFeatures(t: tf.Tensor): tf.Tensor2D {
  const n = t.shape[0] ?? 0;
  if (t.rank === 4 && (t.shape[1] ?? 1) * (t.shape[2] ?? 1) > 1) return tf.mean(t, [1, 2]) as tf.Tensor2D;
  if (t.rank === 2) return t as tf.Tensor2D;
  return tf.reshape(t, [n, -1]);
}

function checkFeatureSize(entry: BackboneEntry, actual: number | null): void {
  if (actual !== entry.featureSize) {
    throw new Error(
      `its features have ${actual ?? 'an unknown number of'} values, but the catalog entry "${entry.id}" expects ${entry.featureSize}`,
    );
  }
}
