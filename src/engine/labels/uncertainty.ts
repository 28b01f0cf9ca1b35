/**
 * The images a model most needs labelled: those it is least sure of, by the margin between its two likeliest
 * classes (Scheffer et al.'s margin sampling). Labelling those first teaches it most per image.
 */

/** One image's class probabilities, best first (at least the two best). */
export interface RankedScores {
  readonly top: readonly { readonly probability: number }[];
}

/** p(best) - p(second) of `top` (1 when there is one class). */
export const margin = (top: RankedScores['top']): number => (top[0]?.probability ?? 0) - (top[1]?.probability ?? 0);

/** Indices of `rows`, least sure first (smallest margin; ties in input order), at most `count`. */
export function leastSure(rows: readonly RankedScores[], count: number): number[] {
  return rows
    .map((row, index) => ({ index, m: margin(row.top) }))
    .sort((a, b) => a.m - b.m || a.index - b.index)
    .slice(0, Math.max(0, count))
    .map((x) => x.index);
}
