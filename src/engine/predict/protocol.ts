/** Messages between the page and the prediction worker (`predict.worker.ts`), imported by both sides. */
import type { PhotoFit } from '../../data/images';
import type { ClassifierModel } from '../model/classifierModel';
import type { ClassScore } from './predict';

/** Page to worker. Each request carries an `id` its answers repeat. */
export type PredictRequest =
  /** Loads (or replaces) the classifier; answered by `loaded`. */
  | { readonly type: 'load'; readonly id: number; readonly model: ClassifierModel }
  /**
   * Classifies image files (decoded in the worker's image pool); answered by `files` chunks, the last with
   * `finished`. With `tta`, each file is also drawn in the test-time views (`TTA_VIEWS`) and the views' probabilities averaged (here and in `frame`).
   */
  | { readonly type: 'files'; readonly id: number; readonly files: readonly Blob[]; readonly topK: number; readonly fit: PhotoFit; readonly tta?: boolean }
  /** Classifies one video frame (transferred); answered by `frame`. */
  | { readonly type: 'frame'; readonly id: number; readonly frame: ImageBitmap; readonly topK: number; readonly fit: PhotoFit; readonly tta?: boolean }
  /**
   * The occlusion heatmap of one image file (decoded in the pool) or video frame (transferred, closed there)
   * for class `label` (null: the class it is classified as); answered by `heatmap`.
   */
  | { readonly type: 'heatmap'; readonly id: number; readonly source: HeatmapSource; readonly fit: PhotoFit; readonly label: string | null }
  /** Drops a running `files` request. */
  | { readonly type: 'cancel'; readonly id: number };

/** What a heatmap is computed for: an image file, or one video frame. */
export type HeatmapSource = { readonly file: Blob } | { readonly frame: ImageBitmap };

/**
 * An occlusion heatmap (`occlusion.ts`): the `grid`² cells row-major from the top-left, `heat` in [0, 1] and
 * the raw probability `drops`, for class `label` (index `classIndex`), with `image`, the `sizePx`² RGB
 * bytes the classifier saw, to draw it on. `ms`: the worker's time from the request to the answer.
 */
export interface HeatmapAnswer {
  readonly grid: number;
  readonly heat: Float32Array;
  readonly drops: Float32Array;
  readonly classIndex: number;
  readonly label: string;
  readonly baseProbability: number;
  readonly patchPx: number;
  readonly image: Uint8Array;
  readonly sizePx: number;
  readonly ms: number;
}

/** The answer for one file: its top classes, or why it could not be read. */
export type FilePrediction =
  | { readonly index: number; readonly top: readonly ClassScore[] }
  | { readonly index: number; readonly error: string };

/** Worker to page. */
export type PredictResponse =
  | { readonly type: 'loaded'; readonly id: number; readonly backend: string; readonly labels: readonly string[] }
  | { readonly type: 'files'; readonly id: number; readonly results: readonly FilePrediction[]; readonly done: number; readonly total: number; readonly finished: boolean }
  /** `ms`: time in the worker from receiving the frame to its answer. */
  | { readonly type: 'frame'; readonly id: number; readonly top: readonly ClassScore[]; readonly ms: number }
  | ({ readonly type: 'heatmap'; readonly id: number } & HeatmapAnswer)
  | { readonly type: 'error'; readonly id: number; readonly message: string };
