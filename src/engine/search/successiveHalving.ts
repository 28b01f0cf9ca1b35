/**
 * Successive halving (Jamieson & Talwalkar, 2016) over a small grid of head settings: draw candidates from the
 * grid with a seeded generator (the user's own settings always first), train every candidate for a few epochs,
 * keep the best `1 / eta`, train those `eta` times longer, and so on until one is left or the epochs reach the
 * run's. Pure control: how a candidate is trained and scored is the caller's `score`.
 */
import { createRng } from '../../core/rng';
import type { SearchTrial, SearchedSettings, SettingsSearchResult } from './searchTypes';

/** The values the search draws from (the studio's defaults sit in the middle of each). */
export const SEARCH_SPACE: SettingsSearchResult['space'] = {
  learningRate: [3e-4, 1e-3, 3e-3],
  dropout: [0, 0.3, 0.5],
  labelSmoothing: [0, 0.1],
  hiddenUnits: [0, 128, 512],
};
/** Candidates in the first rung, the user's settings included. */
export const SEARCH_CANDIDATES = 9;
/** Each rung keeps the best third and trains it three times as long. */
export const SEARCH_ETA = 3;

/** How one candidate did after a rung. */
export interface TrialScore {
  readonly valAccuracy: number;
  readonly valLoss: number;
}

export interface SearchOptions {
  /** The settings the user had: candidate 0 (its values need not be on the grid). */
  readonly start: SearchedSettings;
  /** Epochs of the real run: the last rung trains this long. */
  readonly epochs: number;
  readonly seed: number;
  readonly candidates?: number;
  /** Trains `settings` from scratch for `epochs` and scores the head on validation. */
  score(settings: SearchedSettings, epochs: number, candidate: number): Promise<TrialScore>;
  /** After each trial: trials done and the total planned. */
  onTrial?(done: number, total: number): void;
  now?(): number;
}

/** The rung lengths: from `ceil(epochs / eta^(rungs-1))` up by `eta`, the last one `epochs`. */
export function rungEpochs(epochs: number, candidates: number, eta = SEARCH_ETA): number[] {
  const rungs = Math.max(1, Math.ceil(Math.log(candidates) / Math.log(eta) - 1e-9) + 1);
  const first = Math.max(1, Math.ceil(epochs / eta ** (rungs - 1)));
  return Array.from({ length: rungs }, (_, r) => (r === rungs - 1 ? epochs : Math.min(epochs, first * eta ** r)));
}

/** Candidates kept after each rung: `ceil(n / eta)`, at least one. */
function keptAfter(n: number, eta: number): number {
  return Math.max(1, Math.ceil(n / eta));
}

/** Better first: higher validation accuracy, then lower validation loss, then the earlier candidate. */
export function compareTrials(a: SearchTrial, b: SearchTrial): number {
  if (a.valAccuracy !== b.valAccuracy) return b.valAccuracy - a.valAccuracy;
  const la = Number.isFinite(a.valLoss) ? a.valLoss : Infinity;
  const lb = Number.isFinite(b.valLoss) ? b.valLoss : Infinity;
  if (la !== lb) return la - lb;
  return a.candidate - b.candidate;
}

/** The grid's settings in a fixed order. */
function grid(): SearchedSettings[] {
  const out: SearchedSettings[] = [];
  for (const learningRate of SEARCH_SPACE.learningRate)
    for (const dropout of SEARCH_SPACE.dropout)
      for (const labelSmoothing of SEARCH_SPACE.labelSmoothing)
        for (const hiddenUnits of SEARCH_SPACE.hiddenUnits) out.push({ learningRate, dropout, labelSmoothing, hiddenUnits });
  return out;
}

const sameSettings = (a: SearchedSettings, b: SearchedSettings): boolean =>
  a.learningRate === b.learningRate && a.dropout === b.dropout && a.labelSmoothing === b.labelSmoothing && a.hiddenUnits === b.hiddenUnits;

/** `count` candidates: `start`, then grid points drawn without replacement by a generator seeded with `seed`. */
export function drawCandidates(start: SearchedSettings, count: number, seed: number): SearchedSettings[] {
  const pool = grid().filter((s) => !sameSettings(s, start));
  createRng(seed).shuffle(pool);
  return [start, ...pool.slice(0, Math.max(0, count - 1))];
}

/** Runs the search; deterministic for a seed when `score` is. */
export async function successiveHalving(options: SearchOptions): Promise<SettingsSearchResult> {
  const now = options.now ?? (() => performance.now());
  const startMs = now();
  const eta = SEARCH_ETA;
  const candidates = drawCandidates(options.start, options.candidates ?? SEARCH_CANDIDATES, options.seed);
  const rungs = rungEpochs(options.epochs, candidates.length, eta);
  let total = 0;
  for (let r = 0, n = candidates.length; r < rungs.length; r++, n = keptAfter(n, eta)) total += n;
  const trials: SearchTrial[] = [];
  let alive = candidates.map((_, i) => i);
  for (let rung = 0; rung < rungs.length; rung++) {
    const epochs = rungs[rung] as number;
    const results: SearchTrial[] = [];
    for (const candidate of alive) {
      const settings = candidates[candidate] as SearchedSettings;
      const trialStart = now();
      const score = await options.score(settings, epochs, candidate);
      results.push({ candidate, settings, rung, epochs, ...score, ms: now() - trialStart });
      trials.push(results.at(-1) as SearchTrial);
      options.onTrial?.(trials.length, total);
    }
    const ranked = [...results].sort(compareTrials);
    alive = rung === rungs.length - 1 ? [] : ranked.slice(0, keptAfter(results.length, eta)).map((t) => t.candidate);
    if (rung === rungs.length - 1) {
      return {
        method: 'successive-halving', space: SEARCH_SPACE, eta, seed: options.seed, rungEpochs: rungs, trials,
        best: ranked[0] as SearchTrial, judgedOn: 'val', ms: now() - startMs,
      };
    }
  }
  throw new Error('internal: the search ended without a rung');
}
