/**
 * Occlusion sensitivity (Zeiler and Fergus, "Visualizing and Understanding Convolutional Networks", 2014,
 * section 4.2): which parts of an image a classifier's answer rests on. A grey square is slid over the image
 * and every occluded copy is classified; the heat of a position is how much the probability of the class asked
 * for drops when that part is hidden. Unlike Grad-CAM it needs no gradients and no access to the layers, so it
 * works for every classifier the studio holds (a fused LayersModel, an imported graph) at the cost of one
 * forward pass per position (49 for the default 7x7 grid, classified in batches).
 *
 * Plain TypeScript over a probability function: no tfjs here, tested in Node with functions whose answer is
 * known (`occlusion.test.ts`), and run by the prediction worker on the loaded classifier.
 */

/** Probabilities of every class for each of a batch of RGB images; sync or async. */
export type ProbabilitiesOf = (images: readonly Uint8Array[]) => readonly (readonly number[])[] | Promise<readonly (readonly number[])[]>;

export interface OcclusionOptions {
  /** Patch positions per side (default 7): the heat is a `grid` x `grid` map. */
  readonly grid?: number;
  /** Side of the square patch as a share of the image side (default 1/4: 56 px of 224). */
  readonly patchShare?: number;
  /** Occluded copies classified together (default 16). */
  readonly batchSize?: number;
  /**
   * The patch's colour: an RGB triple, or `mean` for the image's own mean colour. Default mid grey 127, which
   * the classifier's input scaling (x / 127 - 1) maps to 0, the value its convolutions' padding feeds them.
   */
  readonly fill?: readonly [number, number, number] | 'mean';
  /** Checked between batches; an aborted signal rejects with an `AbortError`. */
  readonly signal?: AbortSignal;
}

/** The heat of one image. Cells are row-major from the top-left, cell `r * grid + c` centred on row r, column c. */
export interface OcclusionMap {
  readonly grid: number;
  /** The class the heat is for: the one asked for, else the class the image is classified as. */
  readonly classIndex: number;
  /** That class's probability for the whole image. */
  readonly baseProbability: number;
  /** Per cell: the base probability minus the probability with the cell's patch covered; negative where covering raised it. */
  readonly drops: Float32Array;
  /** Per cell: the drop clamped at 0 and divided by the largest drop, in [0, 1]; all 0 when no patch lowers it. */
  readonly heat: Float32Array;
  /** Side of the patch in pixels. */
  readonly patchPx: number;
}

export const DEFAULT_OCCLUSION_GRID = 7;
export const OCCLUSION_GREY: readonly [number, number, number] = Object.freeze([127, 127, 127]) as readonly [number, number, number];

/** Start of the patch of grid position `index` along one side: centred on the cell, moved inside the image at the edges. */
export function patchStart(index: number, grid: number, sizePx: number, patchPx: number): number {
  const centre = ((index + 0.5) * sizePx) / grid;
  return Math.min(sizePx - patchPx, Math.max(0, Math.round(centre - patchPx / 2)));
}

/** `rgb` (sizePx² RGB bytes) with the square [x, x + side) x [y, y + side) painted `colour`; a new array. */
export function occlude(rgb: Uint8Array, sizePx: number, x: number, y: number, side: number, colour: readonly [number, number, number]): Uint8Array {
  const out = rgb.slice();
  for (let row = y; row < y + side; row++) {
    for (let col = x; col < x + side; col++) {
      const at = (row * sizePx + col) * 3;
      out[at] = colour[0];
      out[at + 1] = colour[1];
      out[at + 2] = colour[2];
    }
  }
  return out;
}

function meanColour(rgb: Uint8Array): [number, number, number] {
  const sum = [0, 0, 0];
  for (let i = 0; i < rgb.length; i++) sum[i % 3] = (sum[i % 3] ?? 0) + (rgb[i] ?? 0);
  const pixels = Math.max(1, rgb.length / 3);
  return [Math.round((sum[0] ?? 0) / pixels), Math.round((sum[1] ?? 0) / pixels), Math.round((sum[2] ?? 0) / pixels)];
}

function checkOptions(grid: number, patchShare: number, batchSize: number, sizePx: number): void {
  if (!Number.isInteger(grid) || grid < 1 || grid > sizePx) throw new Error(`grid must be a whole number from 1 to ${sizePx}, got ${grid}`);
  if (!(patchShare > 0 && patchShare <= 1)) throw new Error(`patchShare must be in (0, 1], got ${patchShare}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a whole number of at least 1, got ${batchSize}`);
}

const argMax = (row: readonly number[]): number => row.reduce((best, p, i) => (p > (row[best] ?? -Infinity) ? i : best), 0);

/**
 * The occlusion map of `rgb` (`sizePx`² RGB bytes, row-major) for class `classIndex` (null: the class the whole
 * image is classified as). Classifies the image once, then its `grid`² occluded copies `batchSize` at a time
 * (built per batch, so at most one batch of copies is held).
 */
export async function occlusionMap(
  rgb: Uint8Array,
  sizePx: number,
  probabilitiesOf: ProbabilitiesOf,
  classIndex: number | null,
  options: OcclusionOptions = {},
): Promise<OcclusionMap> {
  const { grid = DEFAULT_OCCLUSION_GRID, patchShare = 1 / 4, batchSize = 16, fill = OCCLUSION_GREY, signal } = options;
  checkOptions(grid, patchShare, batchSize, sizePx);
  if (rgb.length !== sizePx * sizePx * 3) throw new Error(`the image has ${rgb.length} bytes, expected ${sizePx * sizePx * 3}`);
  const [base] = await probabilitiesOf([rgb]);
  if (!base || base.length === 0) throw new Error('the classifier gave no probabilities');
  const target = classIndex ?? argMax(base);
  if (!Number.isInteger(target) || target < 0 || target >= base.length) throw new Error(`class ${target} is not one of the ${base.length} classes`);
  const baseProbability = base[target] ?? 0;
  const patchPx = Math.max(1, Math.round(sizePx * patchShare));
  const colour = fill === 'mean' ? meanColour(rgb) : fill;
  const cells = grid * grid;
  const drops = new Float32Array(cells);
  for (let first = 0; first < cells; first += batchSize) {
    if (signal?.aborted) throw new DOMException('Heatmap cancelled', 'AbortError');
    const batch: Uint8Array[] = [];
    for (let cell = first; cell < Math.min(cells, first + batchSize); cell++) {
      const x = patchStart(cell % grid, grid, sizePx, patchPx);
      const y = patchStart(Math.floor(cell / grid), grid, sizePx, patchPx);
      batch.push(occlude(rgb, sizePx, x, y, patchPx, colour));
    }
    const rows = await probabilitiesOf(batch);
    if (rows.length !== batch.length) throw new Error(`the classifier answered ${rows.length} of ${batch.length} images`);
    rows.forEach((row, i) => (drops[first + i] = baseProbability - (row[target] ?? 0)));
  }
  const largest = drops.reduce((max, d) => Math.max(max, d), 0);
  const heat = drops.map((d) => (largest > 0 ? Math.max(0, d) / largest : 0));
  return { grid, classIndex: target, baseProbability, drops, heat, patchPx };
}
