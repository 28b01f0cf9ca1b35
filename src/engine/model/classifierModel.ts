/**
 * The trained classifier as one self-contained TensorFlow.js LayersModel: backbone and head fused, taking a
 * [n, S, S, 3] image scaled as Teachable Machine scales it (`x / 127 - 1`, x the 0-255 pixel) and returning
 * class probabilities. A `ClassifierModel` is its serialised form (topology + weights in one ArrayBuffer):
 * what the training worker hands the page, what export writes, what prediction and the webcam load.
 */
import * as tf from '@tensorflow/tfjs';
import type { Backbone } from '../backbones/backbones';
import { pixelAffine } from '../backbones/catalog';
import type { InputScaling } from '../backbones/catalog';

/** Identifies a `ClassifierModel` (and its version) wherever it is stored. */
export const CLASSIFIER_FORMAT = 'fine-tune-studio/classifier@1';

/**
 * Pixels p in [0, 255] go into the model as `p / TM_INPUT_DIVISOR - 1`: Teachable Machine's scaling, so its
 * loader (`@teachablemachine/image`) can feed an exported model as it feeds its own.
 */
export const TM_INPUT_DIVISOR = 127;

/** A fused classifier, serialised: plain data, structured-cloneable, `weightData` transferable. */
export interface ClassifierModel {
  readonly format: typeof CLASSIFIER_FORMAT;
  /** Class names, in output order. */
  readonly labels: readonly string[];
  /** Side of the square input image in pixels. */
  readonly imageSizePx: number;
  /** Catalog id of the backbone it was trained on. */
  readonly backbone: string;
  /** The LayersModel's topology (`model.json`'s `modelTopology`). */
  readonly modelTopology: object;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  /** Every weight, concatenated in `weightSpecs` order, float32. */
  readonly weightData: ArrayBuffer;
  /**
   * How to read its probabilities (fitted on validation by the run that trained it; absent for models from
   * elsewhere): divide the log-probabilities by `temperature` before the softmax, and answer "unknown" when
   * the top calibrated probability is under `unknownThreshold` (0: never).
   */
  readonly calibration?: ModelCalibration;
}

/** See `ClassifierModel.calibration`. */
export interface ModelCalibration {
  readonly temperature: number;
  readonly unknownThreshold: number;
}

/**
 * A stored or exported calibration, checked: undefined when absent; a positive finite temperature and a
 * threshold in [0, 1], else an Error naming `where`.
 */
export function checkCalibration(value: unknown, where: string): ModelCalibration | undefined {
  if (value === undefined || value === null) return undefined;
  const c = value as Record<string, unknown>;
  const { temperature, unknownThreshold } = c;
  const ok = typeof value === 'object' && typeof temperature === 'number' && Number.isFinite(temperature) && temperature > 0 &&
    typeof unknownThreshold === 'number' && unknownThreshold >= 0 && unknownThreshold <= 1;
  if (!ok) throw new Error(`${where} must be { temperature > 0, unknownThreshold in [0, 1] } (found ${JSON.stringify(value)?.slice(0, 80)})`);
  return { temperature, unknownThreshold };
}

/**
 * The probabilities of a classifier read as its calibration says (see `ClassifierModel.calibration`): each
 * row softmax(log p / temperature), and whether its top probability is under the "unknown" threshold.
 */
export function calibratedRow(probabilities: readonly number[], calibration: ModelCalibration | undefined): { probabilities: number[]; unknown: boolean } {
  if (!calibration) return { probabilities: [...probabilities], unknown: false };
  const logits = probabilities.map((p) => Math.log(Math.max(p, 1e-12)) / calibration.temperature);
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const sum = e.reduce((a, b) => a + b, 0);
  const scaled = e.map((x) => x / sum);
  return { probabilities: scaled, unknown: Math.max(...scaled) < calibration.unknownThreshold };
}

/**
 * Per-channel scale and offset (R, G, B) that map the model's input y = p / 127 - 1 to the backbone's own
 * range p * s_c + o_c (`pixelAffine`): p = (y + 1) * 127, so the backbone gets y * 127 s_c + (127 s_c + o_c).
 * E.g. p / 127.5 - 1 = y * 127 / 127.5 + (127 / 127.5 - 1) and p / 255 = (y + 1) * 127 / 255; ImageNet's
 * mean/std scaling differs per channel.
 */
export function rescalingFor(scaling: InputScaling): { scale: readonly number[]; offset: readonly number[] } {
  const { scale, offset } = pixelAffine(scaling);
  const channelScale = scale.map((s) => TM_INPUT_DIVISOR * s);
  return { scale: channelScale, offset: channelScale.map((s, c) => s + (offset[c] as number)) };
}

/**
 * Applies the fused model's first layer to `input`: a `Rescaling` when every channel is scaled alike;
 * otherwise (ImageNet mean/std) a frozen 1x1 depthwise convolution whose kernel is the per-channel scale and
 * whose bias is the per-channel offset. A `Rescaling` layer cannot offset channels differently, and a
 * depthwise convolution is a plain layer every tfjs (and Teachable Machine) loader reads, with no Lambda or
 * custom code. Leaves no tensors behind (the layer copies its initial weights when it is built).
 */
function toBackboneRange(input: tf.SymbolicTensor, scaling: InputScaling): tf.SymbolicTensor {
  const { scale, offset } = rescalingFor(scaling);
  const [s0 = 1, o0 = 0] = [scale[0], offset[0]];
  if (scale.every((s) => s === s0) && offset.every((o) => o === o0)) {
    return tf.layers.rescaling({ scale: s0, offset: o0, name: 'to_backbone_range' }).apply(input) as tf.SymbolicTensor;
  }
  const weights = [tf.tensor4d(scale as number[], [1, 1, 3, 1]), tf.tensor1d(offset as number[])];
  try {
    const layer = tf.layers.depthwiseConv2d({ kernelSize: 1, depthMultiplier: 1, useBias: true, trainable: false, name: 'to_backbone_range', weights });
    return layer.apply(input) as tf.SymbolicTensor;
  } finally {
    tf.dispose(weights);
  }
}

/**
 * Builds the fused LayersModel: input [n, S, S, 3] (Teachable Machine scaling) -> rescaling to the
 * backbone's range -> `base` (nested) -> global average pooling when its output is [h, w, c] -> `head`
 * (nested; dropout is the identity at inference) -> [n, classes] probabilities, as Teachable Machine nests
 * its base and head. `base` and `head` must be models of their own (copies): disposing the fused model
 * frees every nested model with it (tfjs disposes nested containers whole).
 */
function fuse(base: tf.LayersModel, scaling: InputScaling, head: tf.LayersModel, sizePx: number): tf.LayersModel {
  const input = tf.input({ shape: [sizePx, sizePx, 3], name: 'image' });
  let x = toBackboneRange(input, scaling);
  x = base.apply(x) as tf.SymbolicTensor;
  if (x.shape.length === 4) x = tf.layers.globalAveragePooling2d({ name: 'feature_pool' }).apply(x) as tf.SymbolicTensor;
  else if (x.shape.length !== 2) x = tf.layers.flatten({ name: 'feature_flatten' }).apply(x) as tf.SymbolicTensor;
  x = head.apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'fine_tune_studio_classifier' });
}

/** An independent copy of a LayersModel (same topology and weight values, its own variables); the caller disposes it. */
async function copyOf(model: tf.LayersModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory(await serializeLayersModel(model)));
}

/** Serialises a LayersModel (its weights as one float32 ArrayBuffer). */
export async function serializeLayersModel(model: tf.LayersModel): Promise<Pick<ClassifierModel, 'modelTopology' | 'weightSpecs' | 'weightData'>> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const artifacts = saved as tf.io.ModelArtifacts | null;
  if (!artifacts?.modelTopology || !artifacts.weightSpecs || artifacts.weightData === undefined) {
    throw new Error('the model could not be serialised');
  }
  const data = artifacts.weightData;
  return {
    modelTopology: artifacts.modelTopology as object,
    weightSpecs: artifacts.weightSpecs,
    weightData: Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data,
  };
}

/**
 * Fuses the backbone's feature layers (with their current, possibly fine-tuned, weights) and the head
 * into one classifier and serialises it with its labels. Works on copies: `backbone` and `head` are left
 * as they were. Throws a readable error for a backbone that is not a LayersModel (a GraphModel backbone
 * cannot be fused into one). Leaves no tensors behind.
 */
export async function saveClassifier(backbone: Backbone, head: tf.LayersModel, labels: readonly string[]): Promise<ClassifierModel> {
  const base = backbone.classifierBase;
  if (!base) {
    throw new Error(
      `"${backbone.entry.label}" is a graph model: its trained classifier cannot be saved as one LayersModel (pick a LayersModel backbone to export)`,
    );
  }
  const baseCopy = await copyOf(base.model);
  const headCopy = await copyOf(head).catch((error: unknown) => {
    baseCopy.dispose();
    throw error;
  });
  let fused: tf.LayersModel;
  try {
    fused = fuse(baseCopy, base.scaling, headCopy, backbone.entry.inputSizePx);
  } catch (error) {
    baseCopy.dispose();
    headCopy.dispose();
    throw error;
  }
  try {
    return {
      format: CLASSIFIER_FORMAT,
      labels: [...labels],
      imageSizePx: backbone.entry.inputSizePx,
      backbone: backbone.entry.id,
      ...(await serializeLayersModel(fused)),
    };
  } finally {
    fused.dispose();
  }
}

/** Loads a `ClassifierModel` as a LayersModel (the caller disposes it). Checks its output size against its labels. */
export async function loadClassifier(model: ClassifierModel): Promise<tf.LayersModel> {
  const loaded = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs: model.weightSpecs, weightData: model.weightData }),
  );
  const outputs = loaded.outputs[0]?.shape.at(-1);
  if (outputs !== model.labels.length) {
    loaded.dispose();
    throw new Error(`the model gives ${outputs ?? 'an unknown number of'} outputs but has ${model.labels.length} labels`);
  }
  return loaded;
}

/**
 * Probabilities for images: pixels [n, S, S, 3] in [0, 255] (int32 or float32), not disposed. Returns
 * [n, classes]; the caller disposes it.
 */
export function classifyPixels(model: tf.LayersModel, pixels: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => model.predict(tf.sub(tf.div(tf.cast(pixels, 'float32'), TM_INPUT_DIVISOR), 1)) as tf.Tensor2D);
}

/**
 * The model's own probabilities (before any temperature) for `images`, each `sizePx`² RGB bytes (row-major,
 * 0-255): one batch through `classifyPixels`. Leaves no tensors behind.
 */
export function classifyImages(model: tf.LayersModel, images: readonly Uint8Array[], sizePx: number): number[][] {
  if (images.length === 0) return [];
  const pixelsPerImage = sizePx * sizePx * 3;
  const batch = new Uint8Array(images.length * pixelsPerImage);
  images.forEach((rgb, i) => {
    if (rgb.length !== pixelsPerImage) throw new Error(`an image has ${rgb.length} bytes, expected ${pixelsPerImage}`);
    batch.set(rgb, i * pixelsPerImage);
  });
  return tf.tidy(() => classifyPixels(model, tf.tensor4d(batch, [images.length, sizePx, sizePx, 3], 'int32')).arraySync());
}
