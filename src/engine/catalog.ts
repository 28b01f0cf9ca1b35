/**
 * The backbones the studio knows. Each is loaded from the app's own origin first (`/models/<id>/model.json`,
 * filled by `npm run models` from `../shared/models`) and then from its public URL, where a network exists.
 */

/** How pixels in [0, 255] are mapped to the network's input range. */
export type InputScaling = 'minusOneToOne' | 'zeroToOne';

/** Where the feature vector is read from, and in which format the weights come. */
export type FeatureSource =
  /** A LayersModel: the named layer's output (the model's own output when no layer is named); global-average-pooled when it is [n, h, w, c]. */
  | { readonly format: 'layers'; readonly layer?: string }
  /** A GraphModel: the named node's output, reshaped to [n, features] (pooled when rank 4 with h, w > 1). */
  | { readonly format: 'graph'; readonly node?: string };

/** One place a backbone can be loaded from. */
export interface BackboneSource {
  /** Absolute URL, or a path on the app's own origin starting with `/`. */
  readonly url: string;
  /** TF Hub URLs need `?tfjs-format=file` handling by tfjs. */
  readonly fromTFHub?: boolean;
  readonly feature: FeatureSource;
  /** Overrides the entry's scaling when this copy expects another range. */
  readonly inputScaling?: InputScaling;
}

export interface BackboneEntry {
  /** Folder name under `public/models/` and `../shared/models/`. */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly inputSizePx: number;
  readonly inputScaling: InputScaling;
  /** Length of the feature vector. */
  readonly featureSize: number;
  /** Tried in order: the app's own origin first, then the public URL. */
  readonly sources: readonly BackboneSource[];
}

const localUrl = (id: string): string => `/models/${id}/model.json`;

/** All built-in backbones; the first is the default. */
export const BACKBONES: readonly BackboneEntry[] = [
  {
    id: 'mobilenet_v2_1.0_224',
    label: 'MobileNetV2 1.0 (most accurate)',
    description: 'Google ImageNet weights, 71.8% top-1; 14 MB; 1280-d features.',
    inputSizePx: 224,
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
  },
  {
    id: 'mobilenet_v2_0.35_224',
    label: 'MobileNetV2 0.35 (fast; Teachable Machine base)',
    description: "Teachable Machine's frozen base, about 60% ImageNet top-1; 1.7 MB; 1280-d features.",
    inputSizePx: 224,
    inputScaling: 'minusOneToOne',
    featureSize: 1280,
    sources: [
      { url: localUrl('mobilenet_v2_0.35_224'), feature: { format: 'layers' } },
      {
        url: 'https://storage.googleapis.com/teachable-machine-models/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top/model.json',
        feature: { format: 'layers', layer: 'out_relu' },
      },
    ],
  },
  {
    id: 'mobilenet_v1_0.25_224',
    label: 'MobileNet v1 0.25 (smallest, LayersModel)',
    description: 'tfjs-models release, about 50% ImageNet top-1; 2.1 MB; 256-d features.',
    inputSizePx: 224,
    inputScaling: 'minusOneToOne',
    featureSize: 256,
    sources: [
      { url: localUrl('mobilenet_v1_0.25_224'), feature: { format: 'layers', layer: 'conv_pw_13_relu' } },
      {
        url: 'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json',
        feature: { format: 'layers', layer: 'conv_pw_13_relu' },
      },
    ],
  },
  {
    id: 'mobilenet_v1_0.25_224_graph',
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
  },
];

export const DEFAULT_BACKBONE_ID = 'mobilenet_v2_1.0_224';

/** Looks up a catalog entry; throws with the known ids when there is none. */
export function getBackboneEntry(id: string): BackboneEntry {
  const entry = BACKBONES.find((b) => b.id === id);
  if (!entry) throw new Error(`Unknown backbone "${id}"; known: ${BACKBONES.map((b) => b.id).join(', ')}`);
  return entry;
}
