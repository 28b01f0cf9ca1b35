/**
 * The backbones the studio knows. Each pretrained one is loaded from the app's own origin first
 * (`/models/<id>/model.json`, filled by `npm run models` from `../shared/models`) and then from its public
 * URL, where a network exists; the online catalog (`ONLINE_BACKBONES`) only from its public URL, when picked;
 * the from-scratch baseline is built locally. A model of the user's own becomes a `custom` entry
 * (`customBackbone.ts`), made known by `registerUserBackbone`.
 */
import { UserFacingError } from '../../core/errors';

/**
 * How pixels p in [0, 255] are mapped to the network's input: `minusOneToOne` p / 127.5 - 1 in [-1, 1],
 * `zeroToOne` p / 255 in [0, 1], `zeroTo255` p unchanged, `imagenet` (p / 255 - mean) / std per channel with
 * ImageNet's mean and std (torchvision's normalisation, Keras' `mode='torch'`), about [-2.1, 2.6].
 */
export type InputScaling = 'minusOneToOne' | 'zeroToOne' | 'zeroTo255' | 'imagenet';

/** ImageNet's per-channel mean and standard deviation of x / 255 (R, G, B). */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** The scalings a person can choose for a backbone of their own, with what to call them. */
export const INPUT_SCALINGS: readonly (readonly [InputScaling, string])[] = [
  ['zeroToOne', '[0, 1] (x / 255)'],
  ['minusOneToOne', '[-1, 1] (x / 127.5 - 1)'],
  ['zeroTo255', '0-255 (unchanged)'],
  ['imagenet', 'ImageNet mean/std ((x / 255 - mean) / std)'],
];

/**
 * A scaling as one affine map per channel: input_c = p_c * scale[c] + offset[c], p in [0, 255] (R, G, B).
 * What `scalePixels`, the exported classifier's first layer and the scaling preview all compute.
 */
export function pixelAffine(scaling: InputScaling): { readonly scale: readonly number[]; readonly offset: readonly number[] } {
  const same = (scale: number, offset: number) => ({ scale: [scale, scale, scale], offset: [offset, offset, offset] });
  switch (scaling) {
    case 'minusOneToOne':
      return same(1 / 127.5, -1);
    case 'zeroToOne':
      return same(1 / 255, 0);
    case 'zeroTo255':
      return same(1, 0);
    case 'imagenet':
      return {
        scale: IMAGENET_STD.map((std) => 1 / (255 * std)),
        offset: IMAGENET_MEAN.map((mean, c) => -mean / (IMAGENET_STD[c] as number)),
      };
  }
}

/** Where the feature vector is read from, and in which format the weights come. */
export type FeatureSource =
  /** A LayersModel: the named layer's output (the model's own output when no layer is named); global-average-pooled when it is [n, h, w, c]. */
  | { readonly format: 'layers'; readonly layer?: string }
  /** A GraphModel: the named node's output, reshaped to [n, features] (pooled when rank 4 with h, w > 1). */
  | { readonly format: 'graph'; readonly node?: string };

/** One place a backbone can be loaded from. */
export interface BackboneSource {
  /**
   * Absolute URL, or a path on the app's own origin starting with `/`; for a model of the user's own given
   * as files, `files:<path of its model.json>` (read from the files, never fetched).
   */
  readonly url: string;
  /** TF Hub URLs need `?tfjs-format=file` handling by tfjs. */
  readonly fromTFHub?: boolean;
  readonly feature: FeatureSource;
  /** Overrides the entry's scaling when this copy expects another range. */
  readonly inputScaling?: InputScaling;
}

/**
 * Where a backbone can be cut for stage 2 (fine-tuning its top blocks on cached activations).
 * `cutPoints[k - 1]` names the layer (LayersModel) or node (GraphModel) whose output feeds the top `k`
 * blocks: `split(k)` caches that output and trains everything above it, up to the feature layer.
 */
export interface FineTuneSpec {
  readonly cutPoints: readonly string[];
  /** Blocks unfrozen when the settings name none; in 1..cutPoints.length. */
  readonly defaultBlocks: number;
}

/**
 * `pretrained`: ImageNet weights loaded from `sources`; `scratch`: a small CNN built with random weights (no
 * sources); `custom`: a model the user brought (a folder, a zip or a URL; see `customBackbone.ts`).
 */
export type BackboneKind = 'pretrained' | 'scratch' | 'custom';

/** An online catalog entry: not shipped with the studio, downloaded from its public URL when picked. */
export interface OnlineDownload {
  /** Approximate bytes of `model.json` and its weights, shown before the download starts. */
  readonly approxBytes: number;
}

/** Where a `custom` backbone came from, as `report.json` records it. */
export interface UserModelSource {
  /** The folder's, archive's or URL's name, as the user knows it. */
  readonly name: string;
  /** The files given (paths inside the folder or archive), or null for a URL. */
  readonly files: readonly string[] | null;
  /** The URL it was loaded from, or null for files. */
  readonly url: string | null;
}

export interface BackboneEntry {
  /** Folder name under `public/models/` and `../shared/models/` (pretrained entries). */
  readonly id: string;
  readonly kind: BackboneKind;
  readonly label: string;
  readonly description: string;
  /** Height and width of the images the network is fed (for an entry made by `entryAtSize`, the size chosen). */
  readonly inputSizePx: number;
  /**
   * Other sizes the network can be fed, smallest first, the entry's own `inputSizePx` among them: set for
   * fully convolutional LayersModels whose pooling does not care (MobileNet), whose topology is loaded with its
   * input shape rewritten (`backbones.ts`). Unset: only `inputSizePx`.
   */
  readonly inputSizes?: readonly number[];
  readonly inputScaling: InputScaling;
  /**
   * Length of the feature vector. For `custom` and online entries the loaded model's own size is measured
   * by a probe pass and wins (0 for a custom entry before it is loaded); built-in entries must match it.
   */
  readonly featureSize: number;
  /** Tried in order: the app's own origin first, then the public URL. Empty for `scratch`. */
  readonly sources: readonly BackboneSource[];
  /** Cut points for fine-tuning; null when the backbone cannot be split. */
  readonly fineTune: FineTuneSpec | null;
  /** Set for the online catalog: fetched only when picked, then kept in Cache Storage (`onlineBackbones.ts`). */
  readonly online?: OnlineDownload;
  /** Set for `custom` entries: where the user's model came from. */
  readonly userSource?: UserModelSource;
}

const localUrl = (id: string): string => `/models/${id}/model.json`;

/**
 * MobileNetV2 cut points (Keras layer names, the same in width 1.0 and 0.35): k = 1 trains block_16 and
 * Conv_1; k = 2 adds block_15, k = 3 block_14 (and so on). Blocks 13-16 run at 7x7; from k = 4 the cut is at
 * 14x14, where the cached activations are 2.4 times larger (74 vs 31 KiB an image for width 1.0).
 * Default k = 2, measured on Node WASM (one SIMD thread, batch 32, width 1.0; a shared 2-core machine, so
 * +-30%): k = 1 35-55 img/s, k = 2 22-37, k = 3 12-26, k = 4-7 9-13. At k = 2 a stage-2 epoch over the cached
 * activations costs about as much as the frozen embedding pass (about 27 img/s) that filled the cache, and a
 * whole inverted-residual block adapts besides the last projection; k = 3 halves the speed again. Width
 * 0.35 (BN layers unfolded, thinner blocks): k = 1 62, k = 2 32-37, k = 3 37, k = 4 25 img/s; the same default.
 */
const MOBILENET_V2_CUTS = ['block_15_add', 'block_14_add', 'block_13_project', 'block_12_add', 'block_11_add', 'block_10_project', 'block_9_add'];

/**
 * MobileNet v1 cut points: a block is a depthwise + pointwise pair; conv_dw_12 downsamples 14x14 to 7x7, so
 * from k = 2 the activations are [14, 14, 128] (98 KiB an image; [7, 7, 256], 49 KiB, at k = 1). Default
 * k = 2: one v1 block is small (k = 1 is a single 256x256 pointwise layer and its depthwise filter), and the
 * width-0.25 network is cheap: on Node WASM at batch 32 the LayersModel trains k = 1 at 126 img/s, k = 2 at
 * 77, k = 3 at 45; the GraphModel (batch norm folded) 567, 290 and 149 img/s.
 */
const MOBILENET_V1_CUTS = [12, 11, 10, 9, 8, 7, 6].map((i) => `conv_pw_${i}_relu`);

/** The same cuts in the TF Hub graph of MobileNet v1 (node names). */
const MOBILENET_V1_GRAPH_CUTS = [12, 11, 10, 9, 8, 7, 6].map((i) => `module_apply_default/MobilenetV1/MobilenetV1/Conv2d_${i}_pointwise/Relu6`);

/**
 * Sizes offered for the MobileNet LayersModels (Keras publishes MobileNet weights for 96-224; below 160 the
 * features of photos suffer). Every stride-2 layer then sees an even size (80/40/20/10 or 96/48/24/12), as at
 * 224, so the network computes the same kind of features on a coarser grid: a 160 px image costs about half
 * the arithmetic of a 224 px one ((160/224)^2 = 0.51), 192 px about three quarters (0.73).
 */
const RESIZABLE_SIZES: readonly number[] = [160, 192, 224];

/** The pretrained backbones (weights under `../shared/models/<id>/`, copied by `npm run models`); the first is the default. */
export const BACKBONES: readonly BackboneEntry[] = [
  {
    id: 'mobilenet_v2_1.0_224',
    kind: 'pretrained',
    label: 'MobileNetV2 1.0 (most accurate)',
    description: 'Google ImageNet weights, 71.8% top-1; 14 MB; 1280-d features.',
    inputSizePx: 224,
    inputSizes: RESIZABLE_SIZES,
    inputScaling: 'minusOneToOne',
    featureSize: 1280,
    sources: [
      { url: localUrl('mobilenet_v2_1.0_224'), feature: { format: 'layers', layer: 'global_average_pooling2d' } },
      {
        url: 'https://tfhub.dev/google/tfjs-model/imagenet/mobilenet_v2_100_224/feature_vector/3/default/1',
        fromTFHub: true,
        feature: { format: 'graph' },
        inputScaling: 'zeroToOne',
      },
    ],
    // Layer names of the local copy; the TF Hub fallback graph names its nodes differently and cannot be split.
    fineTune: { cutPoints: MOBILENET_V2_CUTS, defaultBlocks: 2 },
  },
  {
    id: 'mobilenet_v2_0.35_224',
    kind: 'pretrained',
    label: 'MobileNetV2 0.35 (fast; Teachable Machine base)',
    description: "Teachable Machine's frozen base, about 60% ImageNet top-1; 1.7 MB; 1280-d features.",
    inputSizePx: 224,
    inputSizes: RESIZABLE_SIZES,
    inputScaling: 'minusOneToOne',
    featureSize: 1280,
    sources: [
      { url: localUrl('mobilenet_v2_0.35_224'), feature: { format: 'layers' } },
      {
        url: 'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/model.json',
        feature: { format: 'layers', layer: 'out_relu' },
      },
    ],
    // The local copy nests the Keras model (model -> sequential -> model1 -> ... out_relu) and pools after
    // it; the split finds the cut inside the nested model and pools its `out_relu` the same way.
    fineTune: { cutPoints: MOBILENET_V2_CUTS, defaultBlocks: 2 },
  },
  {
    id: 'mobilenet_v1_0.25_224',
    kind: 'pretrained',
    label: 'MobileNet v1 0.25 (smallest, LayersModel)',
    description: 'tfjs-models release, about 50% ImageNet top-1; 2.1 MB; 256-d features.',
    inputSizePx: 224,
    inputSizes: RESIZABLE_SIZES,
    inputScaling: 'minusOneToOne',
    featureSize: 256,
    sources: [
      { url: localUrl('mobilenet_v1_0.25_224'), feature: { format: 'layers', layer: 'conv_pw_13_relu' } },
      {
        url: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json',
        feature: { format: 'layers', layer: 'conv_pw_13_relu' },
      },
    ],
    fineTune: { cutPoints: MOBILENET_V1_CUTS, defaultBlocks: 2 },
  },
  {
    id: 'mobilenet_v1_0.25_224_graph',
    kind: 'pretrained',
    label: 'MobileNet v1 0.25 (GraphModel, TF Hub)',
    description: 'The TF Hub classification module of the same network; 1.9 MB; 256-d features.',
    inputSizePx: 224,
    inputScaling: 'zeroToOne',
    featureSize: 256,
    sources: [
      {
        url: localUrl('mobilenet_v1_0.25_224_graph'),
        feature: { format: 'graph', node: 'module_apply_default/MobilenetV1/Logits/global_pool' },
      },
      {
        url: 'https://tfhub.dev/google/imagenet/mobilenet_v1_025_224/classification/1',
        fromTFHub: true,
        feature: { format: 'graph', node: 'module_apply_default/MobilenetV1/Logits/global_pool' },
      },
    ],
    fineTune: { cutPoints: MOBILENET_V1_GRAPH_CUTS, defaultBlocks: 2 },
  },
];

/**
 * The from-scratch baseline: a small seeded CNN (see `scratchCnn.ts`) trained end to end in stage 2, to
 * show what pretrained features are worth. Built locally; it has no weights file and no sources.
 */
export const SCRATCH_BACKBONE: BackboneEntry = {
  id: 'scratch_cnn_64',
  kind: 'scratch',
  label: 'Small CNN from scratch (baseline, no pretraining)',
  description: 'Two conv/pool layers and a dense layer, random weights, 64x64 input; trained only on your images.',
  inputSizePx: 64,
  inputScaling: 'zeroToOne',
  featureSize: 128,
  sources: [],
  // The cut is the scaled input image itself: split(1) trains the whole network.
  fineTune: { cutPoints: ['pixels'], defaultBlocks: 1 },
};

const MB = 1024 * 1024;

/**
 * The online catalog: larger public models that cannot ship here, as TF Hub publishes them for TensorFlow.js
 * (tfhub.dev redirects to Kaggle, which serves the files from storage.googleapis.com; the page's CSP allows
 * the three). Nothing is fetched until the user picks one; then `model.json` and every weight shard go into
 * Cache Storage (`studio-backbones`), so later runs work offline. TF Hub image models take [0, 1] and scale
 * themselves; these are feature-vector modules, so their output is the feature vector. Sizes are float32
 * weights computed from the published parameter counts (about 4 bytes a parameter), rounded: approximate.
 * Their node names are not known before download, so they train head-only.
 */
export const ONLINE_BACKBONES: readonly BackboneEntry[] = [
  {
    id: 'online_mobilenet_v3_large_100_224',
    kind: 'pretrained',
    label: 'MobileNetV3 Large 1.0 (online, about 17 MB)',
    description: 'TF Hub feature vector, 75.2% ImageNet top-1; 1280-d features; kept in this browser after the first download.',
    inputSizePx: 224,
    inputScaling: 'zeroToOne',
    featureSize: 1280,
    sources: [
      {
        url: 'https://tfhub.dev/google/tfjs-model/imagenet/mobilenet_v3_large_100_224/feature_vector/5/default/1',
        fromTFHub: true,
        feature: { format: 'graph' },
      },
    ],
    fineTune: null,
    online: { approxBytes: 17 * MB },
  },
  {
    id: 'online_efficientnet_b0',
    kind: 'pretrained',
    label: 'EfficientNet-B0 (online, about 16 MB)',
    description: 'TF Hub feature vector, 77% ImageNet top-1; 1280-d features; kept in this browser after the first download.',
    inputSizePx: 224,
    inputScaling: 'zeroToOne',
    featureSize: 1280,
    sources: [
      {
        url: 'https://tfhub.dev/tensorflow/tfjs-model/efficientnet/b0/feature-vector/1/default/1',
        fromTFHub: true,
        feature: { format: 'graph' },
      },
    ],
    fineTune: null,
    online: { approxBytes: 16 * MB },
  },
  {
    id: 'online_resnet_v2_50',
    kind: 'pretrained',
    label: 'ResNet V2 50 (online, about 94 MB)',
    description: 'TF Hub feature vector, 75.6% ImageNet top-1; 2048-d features; a large download, kept in this browser after the first.',
    inputSizePx: 224,
    inputScaling: 'zeroToOne',
    featureSize: 2048,
    sources: [
      {
        url: 'https://tfhub.dev/google/tfjs-model/imagenet/resnet_v2_50/feature_vector/3/default/1',
        fromTFHub: true,
        feature: { format: 'graph' },
      },
    ],
    fineTune: null,
    online: { approxBytes: 94 * MB },
  },
];

/** Every catalog backbone a run can use: the local pretrained ones, the online ones, then the from-scratch baseline. */
export const ALL_BACKBONES: readonly BackboneEntry[] = [...BACKBONES, ...ONLINE_BACKBONES, SCRATCH_BACKBONE];

export const DEFAULT_BACKBONE_ID = 'mobilenet_v2_1.0_224';

/** Prefix of every `custom` entry's id, so it can never collide with a catalog id. */
export const CUSTOM_ID_PREFIX = 'custom:';

/**
 * Backbones the user brought in this page or worker (see `registerUserBackbone`): the catalog proper is
 * fixed, but a person's own model must be found by id like any other once it is chosen.
 */
const userBackbones = new Map<string, BackboneEntry>();

/**
 * Makes a `custom` entry known to `getBackboneEntry` (replacing one with the same id). Throws for any other
 * kind or an id without `CUSTOM_ID_PREFIX`.
 */
export function registerUserBackbone(entry: BackboneEntry): void {
  if (entry.kind !== 'custom' || !entry.id.startsWith(CUSTOM_ID_PREFIX)) {
    throw new Error(`only custom backbones (ids starting "${CUSTOM_ID_PREFIX}") can be registered, not "${entry.id}"`);
  }
  userBackbones.set(entry.id, entry);
}

/** A catalog entry or a registered custom one; undefined when there is none (a custom id after a reload). */
export function findBackboneEntry(id: string): BackboneEntry | undefined {
  return ALL_BACKBONES.find((b) => b.id === id) ?? userBackbones.get(id);
}

/** Looks up a catalog entry, or a registered custom one; throws with the known ids when there is none. */
export function getBackboneEntry(id: string): BackboneEntry {
  const entry = findBackboneEntry(id);
  if (!entry) {
    const custom = id.startsWith(CUSTOM_ID_PREFIX) ? ' (a model of your own must be chosen again after the page reloads)' : '';
    throw new Error(`Unknown backbone "${id}"${custom}; known: ${[...ALL_BACKBONES, ...userBackbones.values()].map((b) => b.id).join(', ')}`);
  }
  return entry;
}

/**
 * `entry` fed `sizePx` x `sizePx` images: `entry` itself for null or its own size, else a copy with that
 * `inputSizePx`. Throws a `UserFacingError` naming the sizes it takes when it cannot be fed that size.
 */
export function entryAtSize(entry: BackboneEntry, sizePx: number | null): BackboneEntry {
  if (sizePx === null || sizePx === entry.inputSizePx) return entry;
  if (!entry.inputSizes?.includes(sizePx)) {
    const sizes = entry.inputSizes ?? [entry.inputSizePx];
    throw new UserFacingError(`${entry.label} takes ${sizes.join(', ')} px images, not ${sizePx} px: pick one of those input sizes.`);
  }
  return { ...entry, inputSizePx: sizePx };
}

/** What `report.json` records of the backbone a run used (`backboneInfo`; `backbone` keeps the id). */
export interface BackboneInfo {
  readonly id: string;
  readonly label: string;
  readonly kind: BackboneKind;
  /** Whether it came from the online catalog. */
  readonly online: boolean;
  /** `layers` or `graph`; null for the from-scratch CNN. */
  readonly format: 'layers' | 'graph' | null;
  /** The URL (or, for files, a `files:` name) the weights were loaded from; null for the from-scratch CNN. */
  readonly sourceUrl: string | null;
  /** For a model of the user's own: its name and the files or URL it came from. */
  readonly userSource: UserModelSource | null;
  /** The layer (LayersModel) or node (GraphModel) the features are read from; null: the model's output. */
  readonly featureNode: string | null;
  readonly inputScaling: InputScaling;
  readonly inputSizePx: number;
  /** Length of the feature vector the run trained on (measured for custom and online backbones). */
  readonly featureSize: number;
}

/** The report's description of `entry` as loaded from `sourceUrl` with `featureSize` features. */
export function describeBackbone(entry: BackboneEntry, sourceUrl: string | null, featureSize: number): BackboneInfo {
  const source = entry.sources.find((s) => s.url === sourceUrl);
  const feature = source?.feature;
  return {
    id: entry.id,
    label: entry.label,
    kind: entry.kind,
    online: entry.online !== undefined,
    format: feature?.format ?? null,
    sourceUrl: source ? sourceUrl : null,
    userSource: entry.userSource ?? null,
    featureNode: (feature?.format === 'layers' ? feature.layer : feature?.node) ?? null,
    inputScaling: source?.inputScaling ?? entry.inputScaling,
    inputSizePx: entry.inputSizePx,
    featureSize,
  };
}
