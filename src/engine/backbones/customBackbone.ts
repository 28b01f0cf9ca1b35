/**
 * "Bring your own backbone": inspecting a TensorFlow.js `model.json` a person gives the studio (a folder, a
 * zip or a URL), and turning their choices (feature node, input scaling) into a `custom` catalog entry that
 * trains like the built-in ones. Plain functions of parsed JSON (no tfjs here): the graph reading is in
 * `customBackboneTopology.ts`, the loading of the files in `customBackboneFiles.ts`.
 */
import { isRecord } from '../../core/check';
import { UserFacingError } from '../../core/errors';
import { CUSTOM_ID_PREFIX } from './catalog';
import { pixelAffine } from './catalogTypes';
import type { BackboneEntry, FeatureSource, InputScaling } from './catalogTypes';
import { deriveCutPoints, featureCandidates, graphTopology, layersTopology, suggestFeatureNode } from './customBackboneTopology';
import type { FeatureCandidate, ModelTopology } from './customBackboneTopology';

/** One file of a model folder or archive: its path (folder name first, `/`-separated) and its bytes. */
export interface ModelFile {
  readonly path: string;
  readonly blob: Blob;
}

/** A chosen custom backbone as the page keeps it and the training worker receives it. */
export interface CustomBackbone {
  readonly entry: BackboneEntry;
  /** The model's files when it came from a folder or zip (its single source's URL is then `files:<path>`); null for a URL. */
  readonly files: readonly ModelFile[] | null;
}

/** Source URLs of models given as files start with this (never fetched: the files are read instead). */
export const FILES_URL_PREFIX = 'files:';

/** Input side assumed when a model leaves its height and width open. */
export const DEFAULT_INPUT_SIZE_PX = 224;

/** What the studio found in a `model.json`. */
export interface ModelInspection {
  readonly format: 'graph' | 'layers';
  /** `[batch, h, w, c]` as declared (null for an open dimension), or null when undeclared. */
  readonly inputShape: readonly (number | null)[] | null;
  /** Side of the square images the model is fed. */
  readonly inputSizePx: number;
  /** Why `inputSizePx` was assumed rather than read (open height and width), or null. */
  readonly inputSizeNote: string | null;
  /** Nodes (GraphModel) or layers (LayersModel) offered as the feature node, in model order; the output last. */
  readonly candidates: readonly FeatureCandidate[];
  /** The suggested feature node or layer; null: the model's output (a feature-vector model). */
  readonly suggested: string | null;
  /** Bytes of weights the manifest lists. */
  readonly weightBytes: number;
  /** Weight files the manifest names, relative to `model.json`. */
  readonly weightPaths: readonly string[];
  readonly topology: ModelTopology;
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, int8: 1, int16: 2 };

/** Bytes and file paths of a parsed `model.json`'s `weightsManifest` (quantized weights at their stored size). */
export function manifestSize(modelJson: unknown): { bytes: number; paths: string[] } {
  let bytes = 0;
  const paths: string[] = [];
  if (!isRecord(modelJson)) return { bytes, paths };
  for (const group of Array.isArray(modelJson.weightsManifest) ? modelJson.weightsManifest.filter(isRecord) : []) {
    for (const p of Array.isArray(group.paths) ? group.paths : []) if (typeof p === 'string') paths.push(p);
    for (const w of Array.isArray(group.weights) ? group.weights.filter(isRecord) : []) {
      const shape = Array.isArray(w.shape) ? w.shape.map(Number) : [];
      const quantized = isRecord(w.quantization) ? String(w.quantization.dtype) : null;
      bytes += shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[quantized ?? String(w.dtype ?? 'float32')] ?? 4);
    }
  }
  return { bytes, paths };
}

/** The square input side a declared `[batch, h, w, c]` allows, and a note when it had to be assumed. */
function inputSizeOf(shape: readonly (number | null)[] | null): { sizePx: number; note: string | null } {
  const assumed = (why: string) => ({ sizePx: DEFAULT_INPUT_SIZE_PX, note: `${why}: images are fed at ${DEFAULT_INPUT_SIZE_PX}x${DEFAULT_INPUT_SIZE_PX}.` });
  if (!shape) return assumed('The model does not declare its input shape');
  const shown = `[${shape.map((d) => d ?? '?').join(', ')}]`;
  if (shape.length !== 4) throw new UserFacingError(`The model takes ${shown} input; the studio feeds images as [n, height, width, 3].`);
  const [, h, w, c] = shape;
  if (c !== null && c !== 3) throw new UserFacingError(`The model takes ${shown} input: ${c} channels, but images have 3 (RGB).`);
  if (h !== null && w !== null && h !== w) throw new UserFacingError(`The model takes ${shown} input: ${h}x${w} is not square, and the studio feeds square images.`);
  const side = h ?? w;
  if (side === null || side === undefined) return assumed(`The model takes ${shown} input (any height and width)`);
  if (side < 16 || side > 1024) throw new UserFacingError(`The model takes ${shown} input: ${side} px images are outside what the studio feeds (16-1024).`);
  return { sizePx: side, note: null };
}

/**
 * Inspects a parsed `model.json`: its format (GraphModel: `modelTopology.node`; LayersModel: a Keras
 * topology), the input shape (`[-1 or null, S, S, 3]`; open height and width give 224), the feature node to
 * suggest and the candidates. Throws a `UserFacingError` saying what is wrong for anything else.
 */
export function inspectModelJson(json: unknown): ModelInspection {
  if (!isRecord(json) || !isRecord(json.modelTopology)) {
    throw new UserFacingError('This model.json has no modelTopology: it is not a TensorFlow.js model.');
  }
  const graph = Array.isArray(json.modelTopology.node) || json.format === 'graph-model';
  let topology: ModelTopology;
  try {
    topology = graph ? graphTopology(json) : layersTopology(json);
  } catch (error) {
    throw new UserFacingError(`This model.json could not be read: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (topology.inputNames.length > 1) {
    throw new UserFacingError(`The model has ${topology.inputNames.length} inputs (${topology.inputNames.join(', ')}); a backbone takes one image input.`);
  }
  const { sizePx, note } = inputSizeOf(topology.inputShape);
  const { bytes, paths } = manifestSize(json);
  return {
    format: topology.format,
    inputShape: topology.inputShape,
    inputSizePx: sizePx,
    inputSizeNote: note,
    candidates: featureCandidates(topology),
    suggested: suggestFeatureNode(topology),
    weightBytes: bytes,
    weightPaths: paths,
    topology,
  };
}

/** Where a custom model comes from. */
export type CustomModelOrigin =
  /** Files of a folder or zip; `modelJsonPath` is the `model.json` among them. */
  | { readonly kind: 'files'; readonly modelJsonPath: string; readonly files: readonly ModelFile[] }
  /** A `model.json` URL, or a TF Hub model URL (`fromTFHub`). */
  | { readonly kind: 'url'; readonly url: string; readonly fromTFHub: boolean };

/** What the person chose for their model. */
export interface CustomBackboneChoice {
  /** What to call it: the folder's, archive's or URL's name. */
  readonly name: string;
  readonly inspection: ModelInspection;
  /** The feature node or layer; null: the model's output. */
  readonly featureNode: string | null;
  readonly scaling: InputScaling;
  readonly origin: CustomModelOrigin;
}

/** The cut points two-stage training can use with `featureNode`, or why there are none. */
export function fineTuneFor(inspection: ModelInspection, featureNode: string | null): { cutPoints: string[]; reason: string | null } {
  const cutPoints = deriveCutPoints(inspection.topology, featureNode);
  return {
    cutPoints,
    reason: cutPoints.length > 0 ? null : 'Two-stage needs cut points; this model has none we can find, so it trains the head only.',
  };
}

/** A catalog id for a model called `name`: `custom:` and the name's letters, digits, dots, dashes and underscores. */
export function customBackboneId(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  return `${CUSTOM_ID_PREFIX}${slug}`;
}

/**
 * The `custom` catalog entry for a choice: one source (the files, read through `files:<path>`, or the URL),
 * features from the chosen node or layer, the chosen scaling, the inspected input size, cut points where
 * some can be derived (else head-only), and `featureSize` 0 until a probe pass measures it when loaded.
 */
export function buildCustomEntry(choice: CustomBackboneChoice): BackboneEntry {
  const { inspection, featureNode, origin } = choice;
  if (featureNode !== null && !inspection.topology.nodes.some((n) => n.name === featureNode)) {
    throw new UserFacingError(`The model has no ${inspection.format === 'graph' ? 'node' : 'layer'} "${featureNode}".`);
  }
  const node = featureNode ?? undefined;
  const feature: FeatureSource = inspection.format === 'graph' ? { format: 'graph', node } : { format: 'layers', layer: node };
  const { cutPoints } = fineTuneFor(inspection, featureNode);
  const size = inspection.inputSizePx;
  const url = origin.kind === 'files' ? `${FILES_URL_PREFIX}${origin.modelJsonPath}` : origin.url;
  return {
    id: customBackboneId(choice.name),
    kind: 'custom',
    label: `${choice.name} (your model)`,
    description: `Your ${inspection.format === 'graph' ? 'GraphModel' : 'LayersModel'}: ${size}x${size} input, features from ${featureNode ?? 'its output'}.`,
    inputSizePx: size,
    inputScaling: choice.scaling,
    featureSize: 0,
    sources: [{ url, feature, ...(origin.kind === 'url' && origin.fromTFHub ? { fromTFHub: true } : {}) }],
    fineTune: cutPoints.length > 0 ? { cutPoints, defaultBlocks: Math.min(2, cutPoints.length) } : null,
    userSource: {
      name: choice.name,
      files: origin.kind === 'files' ? origin.files.map((f) => f.path) : null,
      url: origin.kind === 'url' ? origin.url : null,
    },
  };
}

/**
 * The `model.json` among a folder's or archive's files: the only one, or the shallowest when one lies above
 * the others. Throws a `UserFacingError` when there is none, or two at the same depth.
 */
export function findModelJson(files: readonly { readonly path: string }[]): string {
  const found = files.map((f) => f.path).filter((p) => p === 'model.json' || p.endsWith('/model.json'));
  if (found.length === 0) throw new UserFacingError('No model.json among the files given: choose the folder (or zip) that holds model.json and its weight files.');
  const depth = (p: string): number => p.split('/').length;
  const shallowest = Math.min(...found.map(depth));
  const top = found.filter((p) => depth(p) === shallowest);
  if (top.length > 1) throw new UserFacingError(`Several model.json files were given (${top.join(', ')}): choose one model's folder.`);
  return top[0] as string;
}

/** An image as a model with some scaling sees it, mapped back to 0-255 for display (`scalingPreview`). */
export interface ScalingPreview {
  /** RGBA bytes, the same size as the input. */
  readonly pixels: Uint8ClampedArray;
  /** Smallest and largest value the model gets, per channel (R, G, B). */
  readonly min: readonly number[];
  readonly max: readonly number[];
  /** The range any image can take under this scaling, which the display maps to 0-255. */
  readonly range: readonly [number, number];
}

/**
 * Applies `scaling` to RGBA pixels (alpha kept) and maps the result back to 0-255 over the range the scaling
 * can give, so a per-channel scaling (ImageNet mean/std) shows as the colour shift the model gets, and a
 * uniform one shows the image unchanged; also reports the value range per channel.
 */
export function scalingPreview(rgba: Uint8ClampedArray, scaling: InputScaling): ScalingPreview {
  const { scale, offset } = pixelAffine(scaling);
  const ends = [0, 1, 2].flatMap((c) => [offset[c] as number, 255 * (scale[c] as number) + (offset[c] as number)]);
  const lo = Math.min(...ends);
  const hi = Math.max(...ends);
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  const pixels = new Uint8ClampedArray(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    for (let c = 0; c < 3; c++) {
      const v = (rgba[i + c] as number) * (scale[c] as number) + (offset[c] as number);
      if (v < (min[c] as number)) min[c] = v;
      if (v > (max[c] as number)) max[c] = v;
      pixels[i + c] = Math.round(((v - lo) / (hi - lo)) * 255);
    }
    pixels[i + 3] = rgba[i + 3] as number;
  }
  return { pixels, min, max, range: [lo, hi] };
}
