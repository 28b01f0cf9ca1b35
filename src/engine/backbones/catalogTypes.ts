/**
 * What a catalog entry is: where a backbone's weights come from, where its features are read, how pixels are
 * scaled for it, how it can be cut for stage 2. Types and the pixel scaling only; the entries are in `catalog.ts`.
 */
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
