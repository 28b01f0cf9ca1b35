/**
 * The embedding map's 2-D layout: UMAP (McInnes et al.) of the images' features, from `umap-js` (PAIR's port,
 * the reference implementation's algorithm) with cosine distance and a seeded random source, so the same
 * features give the same map. Plain TypeScript: the map worker runs it, Node tests it.
 */
import { UMAP } from 'umap-js';
import { CancelledError } from '../../core/errors';
import { createRng } from '../../core/rng';

export interface ProjectionOptions {
  readonly seed: number;
  /** Neighbours each point is tied to (UMAP's `n_neighbors`, default 15). */
  readonly neighbours?: number;
  /** Called now and then with the optimisation epochs done of all. */
  onProgress?(done: number, total: number): void;
  /** Checked between epochs. */
  readonly signal?: AbortSignal;
}

/** Cosine distance (umap-js has one, but its package entry does not export it). */
function cosine(x: number[], y: number[]): number {
  let dot = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i] ?? 0;
    const b = y[i] ?? 0;
    dot += a * b;
    xx += a * a;
    yy += b * b;
  }
  return xx === 0 || yy === 0 ? 1 : 1 - dot / Math.sqrt(xx * yy);
}

/**
 * `values.length / dim` points in 2-D, `[x0, y0, x1, y1, ...]`, each coordinate scaled into [0, 1] (the
 * longer axis fills it, the other is centred). Fewer than 3 points are placed on a line.
 */
export function projectFeatures(values: Float32Array, dim: number, options: ProjectionOptions): Float32Array {
  const n = dim > 0 ? values.length / dim : 0;
  if (!Number.isInteger(n)) throw new RangeError(`${values.length} values are not rows of ${dim}`);
  if (n < 3) return Float32Array.from({ length: n * 2 }, (_, i) => (i % 2 === 0 ? (n === 1 ? 0.5 : i / 2) : 0.5));
  const rows = Array.from({ length: n }, (_, i) => Array.from(values.subarray(i * dim, (i + 1) * dim)));
  const rng = createRng(options.seed);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(options.neighbours ?? 15, n - 1), minDist: 0.1, distanceFn: cosine, random: () => rng.next() });
  const epochs = umap.initializeFit(rows);
  const every = Math.max(1, Math.round(epochs / 50));
  for (let epoch = 0; epoch < epochs; epoch++) {
    if (options.signal?.aborted) throw new CancelledError();
    umap.step();
    if (epoch % every === 0 || epoch === epochs - 1) options.onProgress?.(epoch + 1, epochs);
  }
  return normalise(umap.getEmbedding());
}

/** Points scaled into [0, 1] keeping their aspect ratio. */
function normalise(points: readonly number[][]): Float32Array {
  const xs = points.map((p) => p[0] ?? 0);
  const ys = points.map((p) => p[1] ?? 0);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(maxX - minX, maxY - minY) || 1;
  const offX = (1 - (maxX - minX) / span) / 2;
  const offY = (1 - (maxY - minY) / span) / 2;
  const out = new Float32Array(points.length * 2);
  points.forEach((_, i) => {
    out[2 * i] = offX + ((xs[i] ?? 0) - minX) / span;
    out[2 * i + 1] = offY + ((ys[i] ?? 0) - minY) / span;
  });
  return out;
}
