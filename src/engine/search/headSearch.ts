/**
 * The settings search of a run, on the run's cached features: every candidate head is trained on the `train`
 * rows and judged on the `val` rows. Only those two splits are read; the `test` split is never looked at, so
 * the search cannot tune on it (`headSearch.test.ts` proves it with a cache map that refuses `test`).
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError } from '../../core/errors';
import type { SplitName } from '../../core/types';
import { nll, topOf } from '../evaluation/calibration';
import type { SplitCache } from '../features/extract';
import { trainHead } from '../training/trainHead';
import type { HeadTrainSettings } from '../training/trainHead';
import { successiveHalving } from './successiveHalving';
import type { TrialScore } from './successiveHalving';
import type { SearchedSettings, SettingsSearchResult } from './searchTypes';

/** The caches as the search reads them: `get('train')` and `get('val')`, nothing else. */
export interface SearchCaches {
  get(split: SplitName): SplitCache | undefined;
}

export interface HeadSearchArgs {
  readonly caches: SearchCaches;
  readonly numClasses: number;
  /** The run's settings; the search varies `SearchedSettings` and keeps the rest. */
  readonly settings: HeadTrainSettings;
  /** The run's class weights (the same for every candidate). */
  readonly classWeights: readonly number[] | null;
  readonly signal?: AbortSignal;
  readonly waitWhilePaused?: () => Promise<void>;
  onTrial?(done: number, total: number): void;
  now?(): number;
}

/** The settings the search varies, as they are in `settings`. */
export function searchedOf(settings: SearchedSettings): SearchedSettings {
  const { learningRate, dropout, labelSmoothing, hiddenUnits } = settings;
  return { learningRate, dropout, labelSmoothing, hiddenUnits };
}

/** Accuracy and mean cross-entropy of `probabilities` [n, classes] against `labels`. */
export function scoreProbabilities(probabilities: Float32Array, labels: Int32Array, classes: number): TrialScore {
  const n = labels.length;
  if (n === 0) return { valAccuracy: 0, valLoss: NaN };
  const { predicted } = topOf(probabilities, classes);
  const correct = labels.reduce((sum, label, i) => sum + (predicted[i] === label ? 1 : 0), 0);
  return { valAccuracy: correct / n, valLoss: nll(probabilities, classes, labels, 1) };
}

/**
 * Searches the head's learning rate, dropout, label smoothing and hidden units by successive halving on the
 * cached features (`successiveHalving.ts`), seeded by `settings.seed`; each candidate's head is seeded alike,
 * so the same caches and seed give the same trials. Leaves no tensors behind.
 */
export async function searchHeadSettings(args: HeadSearchArgs): Promise<SettingsSearchResult> {
  const train = args.caches.get('train');
  const val = args.caches.get('val');
  if (!train || train.rows.length === 0 || !val || val.rows.length === 0) {
    throw new Error('The settings search needs training and validation images.');
  }
  const featureSize = train.features.rowLength;
  const yTrain = Int32Array.from(train.rows, (r) => r.item.classIndex);
  const yVal = Int32Array.from(val.rows, (r) => r.item.classIndex);
  const xTrain = tf.tensor2d(train.features.gather(train.rows.map((_, i) => i)), [train.rows.length, featureSize]);
  const xVal = tf.tensor2d(val.features.gather(val.rows.map((_, i) => i)), [val.rows.length, featureSize]);
  try {
    return await successiveHalving({
      start: searchedOf(args.settings),
      epochs: args.settings.epochs,
      seed: args.settings.seed,
      now: args.now,
      onTrial: args.onTrial,
      score: async (candidate, epochs) => {
        const result = await trainHead({
          xTrain, yTrain, xVal, yVal, numClasses: args.numClasses, classWeights: args.classWeights,
          settings: { ...args.settings, ...candidate, epochs }, signal: args.signal, waitWhilePaused: args.waitWhilePaused, now: args.now,
        });
        try {
          if (result.stopped) throw new CancelledError();
          const probabilities = tf.tidy(() => (result.model.predict(xVal) as tf.Tensor2D).dataSync() as Float32Array);
          return scoreProbabilities(probabilities, yVal, args.numClasses);
        } finally {
          result.model.dispose();
        }
      },
    });
  } finally {
    xTrain.dispose();
    xVal.dispose();
  }
}

/** What `searchForRun` needs from the run. */
export interface RunSearchArgs extends Omit<HeadSearchArgs, 'onTrial'> {
  readonly settings: HeadTrainSettings & { readonly searchSettings: boolean };
  /** The run's events: the search sends `progress` events of stage `search`, trials done of all. */
  onProgress(done: number, total: number): void;
}

/**
 * A run's search, when its settings ask for one: the result and the settings with the winner's values (the
 * run trains its head with those); else null and the settings as they were.
 */
export async function searchForRun<S extends RunSearchArgs['settings']>(
  args: RunSearchArgs & { readonly settings: S },
): Promise<{ readonly search: SettingsSearchResult | null; readonly settings: S }> {
  if (!args.settings.searchSettings) return { search: null, settings: args.settings };
  args.onProgress(0, 1);
  const search = await searchHeadSettings({ ...args, onTrial: args.onProgress });
  return { search, settings: { ...args.settings, ...search.best.settings } };
}
