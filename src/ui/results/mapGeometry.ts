/**
 * The embedding map's arithmetic, apart from React and the canvas: where a point is drawn, the point under
 * the pointer, the points inside a lasso, and the class colours. Points are `[x0, y0, x1, y1, ...]` in [0, 1].
 */

/** Space (CSS px) between the canvas edge and the outermost points. */
export const MAP_PAD_PX = 12;

/** Twelve colours that stay apart for the usual few classes (Tableau's palette); more classes cycle. */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac', '#1f77b4', '#8c564b'];

export const classColour = (classIndex: number): string => (classIndex < 0 ? '#9ca3af' : (PALETTE[classIndex % PALETTE.length] ?? '#000'));

/** Point `i` in CSS px on a `size`-px square canvas. */
export function toScreen(points: Float32Array, i: number, size: number): [number, number] {
  const span = size - 2 * MAP_PAD_PX;
  return [MAP_PAD_PX + (points[2 * i] ?? 0) * span, MAP_PAD_PX + (points[2 * i + 1] ?? 0) * span];
}

/** The point nearest to (x, y) within `radius` px, or -1. */
export function nearestPoint(points: Float32Array, size: number, x: number, y: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  for (let i = 0; i < points.length / 2; i++) {
    const [px, py] = toScreen(points, i, size);
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d <= bestD) [best, bestD] = [i, d];
  }
  return best;
}

/** Whether (x, y) is inside `polygon` (even-odd rule). */
export function insidePolygon(polygon: readonly (readonly [number, number])[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as readonly [number, number];
    const [xj, yj] = polygon[j] as readonly [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Indices of the points inside `polygon` (CSS px on a `size`-px canvas). */
export function pointsInLasso(points: Float32Array, size: number, polygon: readonly (readonly [number, number])[]): number[] {
  if (polygon.length < 3) return [];
  const out: number[] = [];
  for (let i = 0; i < points.length / 2; i++) {
    const [x, y] = toScreen(points, i, size);
    if (insidePolygon(polygon, x, y)) out.push(i);
  }
  return out;
}
