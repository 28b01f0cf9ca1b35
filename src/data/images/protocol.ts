/**
 * Messages between an image pool (`imagePool.ts`) and its workers (`image.worker.ts`), imported by both
 * sides so the two cannot drift. Every request carries an `id` that its one response repeats; a worker
 * may answer requests in any order.
 */
import type { AugmentParams } from './augment';
import type { PhotoFit } from './photoFit';
import type { ScanResult } from './scan';

export const IMAGE_REQUEST = { decode: 'decode', decodeViews: 'decodeViews', scan: 'scan' } as const;

/** A request without its id, as the pool's callers describe it. */
export type ImageJob =
  /**
   * Decode to `sizePx` x `sizePx` RGB, made square by `fit` (default: the centre square), as the view `params`
   * describes (default: the plain fitted square).
   */
  | {
      readonly type: typeof IMAGE_REQUEST.decode;
      readonly blob: Blob;
      readonly sizePx: number;
      readonly params?: AugmentParams;
      readonly fit?: PhotoFit;
    }
  /** Decode once and draw every view in `views` (undefined: the plain fitted square); see `decodeViewsToRgb`. */
  | {
      readonly type: typeof IMAGE_REQUEST.decodeViews;
      readonly blob: Blob;
      readonly sizePx: number;
      readonly views: readonly (AugmentParams | undefined)[];
      readonly fit?: PhotoFit;
    }
  /** Check and describe one file (see `scanImage`). */
  | { readonly type: typeof IMAGE_REQUEST.scan; readonly blob: Blob };

/** Pool to worker. */
export type ImageRequest = ImageJob & { readonly id: number };

/** What each request type resolves to. */
export interface ImageResults {
  /** `sizePx * sizePx * 3` RGB bytes, moved (transferred) from the worker. */
  readonly decode: Uint8Array;
  /** One RGB buffer per view, in the order asked, moved from the worker. */
  readonly decodeViews: Uint8Array[];
  readonly scan: ScanResult;
}

/** What one decode request cost its worker (ms): decoding the file, and drawing its views (resize, crop, augment). */
export interface DecodeTiming {
  readonly decodeMs: number;
  readonly drawMs: number;
}

/**
 * Worker to pool: the result of request `id`, or the message of the error it failed with. Decodes say what
 * they cost (`timing`), for the run's profile.
 */
export type ImageResponse =
  | { readonly id: number; readonly ok: true; readonly type: typeof IMAGE_REQUEST.decode; readonly result: Uint8Array; readonly timing?: DecodeTiming }
  | { readonly id: number; readonly ok: true; readonly type: typeof IMAGE_REQUEST.decodeViews; readonly result: Uint8Array[]; readonly timing?: DecodeTiming }
  | { readonly id: number; readonly ok: true; readonly type: typeof IMAGE_REQUEST.scan; readonly result: ScanResult }
  | { readonly id: number; readonly ok: false; readonly message: string };
