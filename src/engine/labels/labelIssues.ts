/**
 * Likely mislabelled images, found in the cached features without embedding anything again: out-of-fold
 * probabilities (see `outOfFold.ts`), judged as in confident learning (Northcutt et al., 2021). Each class's
 * threshold is the mean probability the out-of-fold heads give that class on the images labelled with it. An
 * image is suspect when the heads that never saw it prefer another class, or when another class reaches its own
 * threshold and is the likeliest of those that do (the given one not). Suspects are ranked by the margin
 * between the likeliest other class (the suggestion) and the given one.
 */
import type { SplitName } from '../../core/types';
import { outOfFoldProbabilities } from './outOfFold';

/** One image whose label looks wrong. */
export interface LabelIssue {
  readonly file: string;
  readonly split: SplitName;
  readonly given: string;
  readonly suggested: string;
  /** p(suggested) - p(given) out of fold, in [-1, 1]: higher is more suspect. */
  readonly score: number;
}

/** How the issues were found (in `report.json` as `labelIssuesMethod`). */
export interface LabelIssuesMethod {
  readonly method: 'out-of-fold-confident-learning';
  readonly folds: number;
  /** Images judged (the centre crop of every labelled image of every split). */
  readonly images: number;
  /** Per class: the mean out-of-fold probability of the class on its own images (the confident-learning threshold). */
  readonly thresholds: readonly number[];
  /** Why some or all images were not judged; null when all were. */
  readonly note: string | null;
  readonly ms: number;
}

export interface LabelIssuesResult {
  readonly method: LabelIssuesMethod;
  /** Suspects, most suspect first. */
  readonly issues: LabelIssue[];
}

/** One labelled image to judge. */
export interface LabelledRow {
  readonly file: string;
  readonly split: SplitName;
  readonly classIndex: number;
}

export interface LabelIssuesInput {
  readonly rows: readonly LabelledRow[];
  /** `rows.length` feature rows of `dim` values. */
  readonly features: Float32Array;
  readonly dim: number;
  readonly classes: readonly string[];
  readonly folds?: number;
  readonly seed: number;
  /** Set when the caller left the check out for this many images (see `MAX_LABEL_CHECK_IMAGES`). */
  readonly tooMany?: number;
  now?(): number;
}

export const LABEL_CHECK_FOLDS = 5;

/** The sentence saying why images of small classes were not judged, or why nothing could be. */
function smallClassNote(classes: readonly string[], counts: readonly number[], folds: number): string | null {
  const small = classes.filter((_, c) => (counts[c] ?? 0) > 0 && (counts[c] ?? 0) < folds);
  if (small.length === 0) return null;
  const list = small.map((name) => `"${name}" (${counts[classes.indexOf(name)]})`).join(', ');
  return `Not checked: ${list} ${small.length === 1 ? 'has' : 'have'} fewer images than the ${folds} folds, too few to judge by models that never saw them.`;
}

/**
 * Ranks the labelled images by how unlikely their given label is. Bad input (one class, no rows) gives no
 * issues and a note, never an error.
 */
export function findLabelIssues(input: LabelIssuesInput): LabelIssuesResult {
  const { rows, features, dim, classes, seed } = input;
  const folds = input.folds ?? LABEL_CHECK_FOLDS;
  const now = input.now ?? (() => performance.now());
  const start = now();
  const k = classes.length;
  const counts = classes.map((_, c) => rows.filter((r) => r.classIndex === c).length);
  const withImages = counts.filter((n) => n > 0).length;
  const empty = (note: string): LabelIssuesResult => ({
    method: { method: 'out-of-fold-confident-learning', folds, images: 0, thresholds: [], note, ms: now() - start }, issues: [],
  });
  if (input.tooMany) return empty(`Not checked: ${input.tooMany} images are more than the label check takes in a run.`);
  if (rows.length === 0) return empty('No features yet: train once to check the labels.');
  if (withImages < 2) return empty('Only one class has images: labels can only be checked against other classes.');
  if (rows.length < 2 * folds) return empty(`Only ${rows.length} images: at least ${2 * folds} are needed to check labels with ${folds} folds.`);
  if (features.length !== rows.length * dim) throw new Error(`internal: ${features.length} feature values for ${rows.length} rows of ${dim}`);

  const labels = Int32Array.from(rows, (r) => r.classIndex);
  const p = outOfFoldProbabilities({ features, dim, labels, numClasses: k, folds, seed });
  const thresholds = classes.map((_, c) => {
    let sum = 0;
    rows.forEach((r, i) => {
      if (r.classIndex === c) sum += p[i * k + c] ?? 0;
    });
    return counts[c] ? sum / (counts[c] ?? 1) : 1;
  });
  const judged = (c: number): boolean => (counts[c] ?? 0) >= folds;
  const issues: LabelIssue[] = [];
  rows.forEach((row, i) => {
    const given = row.classIndex;
    if (!judged(given)) return;
    // The likeliest other class, and whether it is suspect: the heads that never saw the image prefer another
    // class, or (confident learning) another class reaches its own threshold and is the likeliest that does.
    let other = -1;
    let confident = -1;
    for (let c = 0; c < k; c++) {
      if (c === given || !judged(c)) continue;
      const pc = p[i * k + c] ?? 0;
      if (other < 0 || pc > (p[i * k + other] ?? 0)) other = c;
      if (pc >= (thresholds[c] ?? 1) && (confident < 0 || pc > (p[i * k + confident] ?? 0))) confident = c;
    }
    if (other < 0) return;
    const pGiven = p[i * k + given] ?? 0;
    const pOther = p[i * k + other] ?? 0;
    const givenConfident = pGiven >= (thresholds[given] ?? 1) && pGiven >= (confident < 0 ? 0 : (p[i * k + confident] ?? 0));
    if (pOther <= pGiven && (confident < 0 || givenConfident)) return;
    issues.push({
      file: row.file,
      split: row.split,
      given: classes[given] ?? String(given),
      suggested: classes[other] ?? String(other),
      score: pOther - pGiven,
    });
  });
  issues.sort((a, b) => b.score - a.score || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return {
    method: { method: 'out-of-fold-confident-learning', folds, images: rows.length, thresholds, note: smallClassNote(classes, counts, folds), ms: now() - start },
    issues,
  };
}
