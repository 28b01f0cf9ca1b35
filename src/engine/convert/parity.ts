/**
 * The parity check of an exported file: the same held-out images through the studio's model and through
 * the file in its own runtime, compared image by image. Plain arithmetic over two probability functions, so
 * the page's worker (onnxruntime-web) and the Node tests (onnxruntime-node) count alike.
 */

/** Probabilities of a batch of images, one row per image, classes in label order. */
export type ProbabilityFn = (images: readonly Uint8Array[]) => Promise<number[][]> | number[][];

/** Where a parity check stands; `done === total` when finished. */
export interface ParityFigures {
  /** Images compared so far, of `total` (unreadable ones included). */
  readonly done: number;
  readonly total: number;
  /** Images whose top class is the same in both. */
  readonly agreeing: number;
  /** The largest |p_file - p_studio| over every image and class. */
  readonly maxDifference: number;
  /** Images (with a known class) the file / the studio classify correctly, of `labelled`. */
  readonly fileCorrect: number;
  readonly studioCorrect: number;
  readonly labelled: number;
  /** Images that could not be decoded (left out of every count but `done`). */
  readonly unreadable: number;
}

export const NO_PARITY: ParityFigures = { done: 0, total: 0, agreeing: 0, maxDifference: 0, fileCorrect: 0, studioCorrect: 0, labelled: 0, unreadable: 0 };

const argMax = (row: readonly number[]): number => {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
};

/**
 * Adds one batch to `figures`: `images` (null where an image could not be read) with their true class
 * indices (-1: unknown), classified by both functions.
 */
export async function addParityBatch(
  figures: ParityFigures, images: readonly (Uint8Array | null)[], truth: readonly number[], studio: ProbabilityFn, file: ProbabilityFn,
): Promise<ParityFigures> {
  const readable = images.flatMap((image, i) => (image ? [{ image, truth: truth[i] ?? -1 }] : []));
  const list = readable.map((r) => r.image);
  const [a, b] = list.length ? [await studio(list), await file(list)] : [[], []];
  let { agreeing, maxDifference, fileCorrect, studioCorrect, labelled } = figures;
  readable.forEach((r, i) => {
    const [s, f] = [a[i] ?? [], b[i] ?? []];
    if (s.length !== f.length) throw new Error(`the file gives ${f.length} probabilities, the studio ${s.length}`);
    for (let c = 0; c < s.length; c++) maxDifference = Math.max(maxDifference, Math.abs((s[c] as number) - (f[c] as number)));
    if (argMax(s) === argMax(f)) agreeing++;
    if (r.truth >= 0) {
      labelled++;
      if (argMax(s) === r.truth) studioCorrect++;
      if (argMax(f) === r.truth) fileCorrect++;
    }
  });
  return {
    ...figures, done: figures.done + images.length, agreeing, maxDifference, fileCorrect, studioCorrect, labelled,
    unreadable: figures.unreadable + images.length - readable.length,
  };
}

/** Pixels [0, 255] of `n` images as one NHWC float32 batch scaled as every export is fed (p / 127 - 1). */
export function scaledBatch(images: readonly Uint8Array[]): Float32Array {
  const per = images[0]?.length ?? 0;
  const out = new Float32Array(images.length * per);
  images.forEach((image, i) => {
    for (let j = 0; j < per; j++) out[i * per + j] = (image[j] as number) / 127 - 1;
  });
  return out;
}
