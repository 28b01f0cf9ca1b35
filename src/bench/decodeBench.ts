/**
 * Decode + augment throughput: the same files drawn as random augmented views at the backbone's input size by
 * the studio's image worker pool (as training reads them), by a pool of one worker, and on the page's own
 * thread with the same function the workers call (`decodeImageToRgb`).
 */
import { createRng } from '../core/rng';
import { DEFAULT_AUGMENT, sampleAugmentParams } from '../data/images';
import type { AugmentParams } from '../data/images';
import { decodeImageToRgb } from '../data/images';
import { createImagePool, defaultPoolSize } from '../data/images';
import { perSecond, timeRuns } from './timing';

/** One way of decoding, measured. */
export interface DecodeResult {
  /** e.g. `pool (default, 1 worker)`, `single worker`, `main thread`. */
  readonly mode: string;
  /** Workers decoding (0 for the page's own thread). */
  readonly workers: number;
  readonly imagesPerSecond: number;
  readonly medianMs: number;
  readonly images: number;
  readonly runs: number;
}

/** Requests in flight at once: one embedding batch, as `extract.ts` reads them. */
const IN_FLIGHT = 16;

type Decode = (blob: Blob, sizePx: number, params: AugmentParams) => Promise<Uint8Array>;

/** Decodes every file (view `i` of file `i`), `IN_FLIGHT` at a time. */
async function decodeAll(files: readonly Blob[], views: readonly AugmentParams[], sizePx: number, decode: Decode): Promise<void> {
  for (let i = 0; i < files.length; i += IN_FLIGHT) {
    await Promise.all(files.slice(i, i + IN_FLIGHT).map((file, k) => decode(file, sizePx, views[i + k] as AugmentParams)));
  }
}

/** Views a training photo gives with the default settings: the centre crop and 2 augmented views. */
const VIEWS_PER_PHOTO = 3;

/**
 * Every view of every file in the default pool, `IN_FLIGHT` files at a time: one request per view (each
 * decoding the photo again, as training did before), or one `decodeViews` request per photo (one decode).
 */
async function decodeViewsAll(files: readonly Blob[], sizePx: number, once: boolean, pool: ReturnType<typeof createImagePool>): Promise<void> {
  const views = (i: number) => Array.from({ length: VIEWS_PER_PHOTO }, (_, v) => (v === 0 ? undefined : sampleAugmentParams(DEFAULT_AUGMENT, createRng(1000 + i * 7 + v))));
  for (let i = 0; i < files.length; i += IN_FLIGHT) {
    await Promise.all(
      files.slice(i, i + IN_FLIGHT).map((file, k) =>
        once
          ? pool.decodeViews(file, { sizePx, views: views(i + k) })
          : Promise.all(views(i + k).map((params) => pool.decode(file, sizePx, params))),
      ),
    );
  }
}

/**
 * Measures each mode on `files` (median of `runs` timed passes after one warm-up pass). The pool is
 * measured at its default size and with one worker per core when that differs.
 */
export async function measureDecode(files: readonly Blob[], sizePx: number, runs: number): Promise<DecodeResult[]> {
  const views = files.map((_, i) => sampleAugmentParams(DEFAULT_AUGMENT, createRng(1000 + i)));
  const cores = navigator.hardwareConcurrency;
  const defaultSize = defaultPoolSize(cores);
  const pools = [
    { mode: `pool (default size: ${defaultSize} worker${defaultSize === 1 ? '' : 's'} on ${cores} cores)`, size: defaultSize },
    ...(cores !== defaultSize ? [{ mode: `pool of ${cores} workers (one per core)`, size: cores }] : []),
    { mode: 'single worker', size: 1 },
  ];
  const results: DecodeResult[] = [];
  for (const { mode, size } of pools) {
    const pool = createImagePool({ size });
    try {
      const timed = await timeRuns(() => decodeAll(files, views, sizePx, (blob, px, params) => pool.decode(blob, px, params)), { runs });
      results.push({ mode, workers: size, imagesPerSecond: perSecond(files.length, timed.medianMs), medianMs: timed.medianMs, images: files.length, runs: timed.runsMs.length });
    } finally {
      pool.dispose();
    }
  }
  const timed = await timeRuns(() => decodeAll(files, views, sizePx, (blob, px, params) => decodeImageToRgb(blob, { sizePx: px, params })), { runs });
  results.push({ mode: 'main thread', workers: 0, imagesPerSecond: perSecond(files.length, timed.medianMs), medianMs: timed.medianMs, images: files.length, runs: timed.runsMs.length });
  // Training's reads side by side: 3 views per photo, decoded per view or once (views per second).
  for (const once of [false, true]) {
    const pool = createImagePool({ size: defaultSize });
    try {
      const viewsTimed = await timeRuns(() => decodeViewsAll(files, sizePx, once, pool), { runs });
      const mode = `pool, ${VIEWS_PER_PHOTO} views per photo, ${once ? 'one decode per photo (now)' : 'one decode per view (before)'}: views/s`;
      const count = files.length * VIEWS_PER_PHOTO;
      results.push({ mode, workers: defaultSize, imagesPerSecond: perSecond(count, viewsTimed.medianMs), medianMs: viewsTimed.medianMs, images: count, runs: viewsTimed.runsMs.length });
    } finally {
      pool.dispose();
    }
  }
  return results;
}
