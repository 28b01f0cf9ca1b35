/**
 * Loads a pretrained backbone from the catalog and turns pixels into feature vectors (embeddings).
 * Sources are tried in order (the app's own origin first, then the public URL); the first that loads and
 * yields features of the catalog's size wins.
 */
import * as tf from '@tensorflow/tfjs';
import { UserFacingError, errorMessage } from '../core/errors';
import type { BackboneEntry, BackboneSource, InputScaling } from './catalog';

/** A loaded backbone. Owns its model's weights until `dispose()`. */
export interface Backbone {
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
  /** Frees the model's weights. The backbone must not be used afterwards. */
  dispose(): void;
}

/** Options of `loadBackbone`. */
export interface LoadBackboneOptions {
  /** Supplies an IOHandler for a source (e.g. a file reader in Node tests); `undefined` loads from its URL. */
  readonly ioHandlerFor?: (source: BackboneSource) => tf.io.IOHandler | undefined;
  /** Called once for each source that failed, before the next one is tried. */
  readonly onSourceFailed?: (url: string, message: string) => void;
}

/** How a person fixes a backbone that could not be loaded from anywhere. */
export const BACKBONE_FIX_HINT =
  'To fix it, run `npm run models` with ../shared/models beside the project, or connect to the network.';

/**
 * Maps pixels in [0, 255] to a network's input range: `minusOneToOne` gives x / 127.5 - 1 in [-1, 1],
 * `zeroToOne` gives x / 255 in [0, 1].
 * pixels: [n, h, w, c] int32 or float32, not disposed. Returns a new float32 tensor of the same shape;
 * the caller disposes it.
 */
export function scalePixels(pixels: tf.Tensor4D, scaling: InputScaling): tf.Tensor4D {
  return tf.tidy(() => {
    const x = tf.cast(pixels, 'float32');
    return scaling === 'minusOneToOne' ? tf.sub(tf.div(x, 127.5), 1) : tf.div(x, 255);
  });
}

/**
 * Loads `entry`, trying `entry.sources` in order. Resolves with the first source that loads and whose
 * features have `entry.featureSize` values; a source that fails (network, missing file, unknown layer or
 * node, wrong feature size) is reported to `onSourceFailed` and the next one is tried.
 * Rejects with a `UserFacingError` naming every URL tried, why each failed, and how to fix it.
 * The caller disposes the returned backbone.
 */
export async function loadBackbone(entry: BackboneEntry, options: LoadBackboneOptions = {}): Promise<Backbone> {
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

/** Loads one source; throws when it cannot be loaded or does not give `entry.featureSize` features. */
async function loadSource(
  entry: BackboneEntry,
  source: BackboneSource,
  handler: tf.io.IOHandler | undefined,
): Promise<Backbone> {
  const scaling = source.inputScaling ?? entry.inputScaling;
  const feature = source.feature;
  if (feature.format === 'layers') {
    const model = await tf.loadLayersModel(handler ?? source.url);
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
  checkFeatureSize(entry, output.shape[output.shape.length - 1] ?? null);
  return makeBackbone(entry, sourceUrl, scaling, model, (x) => featureModel.predict(x) as tf.Tensor);
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
  checkFeatureSize(entry, probeSize);
  return makeBackbone(entry, sourceUrl, scaling, model, run);
}

function makeBackbone(
  entry: BackboneEntry,
  sourceUrl: string,
  scaling: InputScaling,
  model: { dispose(): void },
  forward: (x: tf.Tensor4D) => tf.Tensor,
): Backbone {
  const size = entry.inputSizePx;
  return {
    entry,
    sourceUrl,
    featureSize: entry.featureSize,
    embed(pixels: tf.Tensor4D): tf.Tensor2D {
      const [, h, w, c] = pixels.shape;
      if (pixels.rank !== 4 || h !== size || w !== size || c !== 3) {
        throw new Error(`embed expects [n, ${size}, ${size}, 3] pixels, got [${pixels.shape.join(', ')}]`);
      }
      return tf.tidy(() => {
        const features = toFeatures(forward(scalePixels(pixels, scaling)));
        checkFeatureSize(entry, features.shape[1]);
        return tf.cast(features, 'float32');
      });
    },
    dispose: () => model.dispose(),
  };
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
