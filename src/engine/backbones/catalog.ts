/**
 * The backbones the studio knows. Each pretrained one is loaded from the app's own origin first
 * (`/models/<id>/model.json`, filled by `npm run models` from `../shared/models`) and then from its public
 * URL, where a network exists; the online catalog (`ONLINE_BACKBONES`) only from its public URL, when picked;
 * the from-scratch baseline is built locally. A model of the user's own becomes a `custom` entry
 * (`customBackbone.ts`), made known by `registerUserBackbone` (`registry.ts`). What an entry is: `catalogTypes.ts`.
 */
import type { BackboneEntry } from './catalogTypes';

export { IMAGENET_MEAN, IMAGENET_STD, INPUT_SCALINGS, pixelAffine } from './catalogTypes';
export type { InputScaling, FeatureSource, BackboneSource, FineTuneSpec, BackboneKind, OnlineDownload, UserModelSource, BackboneEntry } from './catalogTypes';

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

/** What differs between two online entries; the rest is the same for every TF Hub feature-vector module. */
interface OnlineSpec {
  readonly id: string;
  /** The network's name; the label adds "(online, about N MB)". */
  readonly name: string;
  readonly description: string;
  readonly featureSize: number;
  /** The module's tfhub.dev address. */
  readonly url: string;
  /** The approximate download in MiB (see `ONLINE_BACKBONES`). */
  readonly approxMB: number;
}

/** An online entry: 224 px, [0, 1] input, one TF Hub graph source whose output is the feature vector, head-only. */
function onlineEntry(spec: OnlineSpec): BackboneEntry {
  return {
    id: spec.id,
    kind: 'pretrained',
    label: `${spec.name} (online, about ${spec.approxMB} MB)`,
    description: spec.description,
    inputSizePx: 224,
    inputScaling: 'zeroToOne',
    featureSize: spec.featureSize,
    sources: [{ url: spec.url, fromTFHub: true, feature: { format: 'graph' } }],
    fineTune: null,
    online: { approxBytes: spec.approxMB * MB },
  };
}

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
  onlineEntry({
    id: 'online_mobilenet_v3_large_100_224',
    name: 'MobileNetV3 Large 1.0',
    description: 'TF Hub feature vector, 75.2% ImageNet top-1; 1280-d features; kept in this browser after the first download.',
    featureSize: 1280,
    url: 'https://tfhub.dev/google/tfjs-model/imagenet/mobilenet_v3_large_100_224/feature_vector/5/default/1',
    approxMB: 17,
  }),
  onlineEntry({
    id: 'online_efficientnet_b0',
    name: 'EfficientNet-B0',
    description: 'TF Hub feature vector, 77% ImageNet top-1; 1280-d features; kept in this browser after the first download.',
    featureSize: 1280,
    url: 'https://tfhub.dev/tensorflow/tfjs-model/efficientnet/b0/feature-vector/1/default/1',
    approxMB: 16,
  }),
  onlineEntry({
    id: 'online_resnet_v2_50',
    name: 'ResNet V2 50',
    description: 'TF Hub feature vector, 75.6% ImageNet top-1; 2048-d features; a large download, kept in this browser after the first.',
    featureSize: 2048,
    url: 'https://tfhub.dev/google/tfjs-model/imagenet/resnet_v2_50/feature_vector/3/default/1',
    approxMB: 94,
  }),
];

/** Every catalog backbone a run can use: the local pretrained ones, the online ones, then the from-scratch baseline. */
export const ALL_BACKBONES: readonly BackboneEntry[] = [...BACKBONES, ...ONLINE_BACKBONES, SCRATCH_BACKBONE];

/** The id of the default backbone, the first catalog entry (the default settings name the same one). */
export const DEFAULT_BACKBONE_ID = 'mobilenet_v2_1.0_224';

/** Prefix of every `custom` entry's id, so it can never collide with a catalog id. */
export const CUSTOM_ID_PREFIX = 'custom:';
