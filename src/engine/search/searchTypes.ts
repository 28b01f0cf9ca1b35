/**
 * The shapes of a settings search and of its place in `report.json` (`settingsSearch`). Plain types with no
 * imports, so the report can name them without importing the search.
 */

/** The head settings the search varies; every other setting stays as the user set it. */
export interface SearchedSettings {
  readonly learningRate: number;
  readonly dropout: number;
  readonly labelSmoothing: number;
  readonly hiddenUnits: number;
}

/** One candidate trained for one rung's epochs, and how it did on the validation split. */
export interface SearchTrial {
  /** Index of the candidate (0: the settings the user had). */
  readonly candidate: number;
  readonly settings: SearchedSettings;
  /** Rung of successive halving (0: every candidate, few epochs). */
  readonly rung: number;
  /** Epochs the candidate trained for in this rung (at most; early stopping may end it sooner). */
  readonly epochs: number;
  /** Accuracy on the validation split of the head as it ended the rung (its best epoch with early stopping). */
  readonly valAccuracy: number;
  /** Mean cross-entropy on the validation split (no label smoothing), the tie-break. */
  readonly valLoss: number;
  readonly ms: number;
}

/** What a settings search did and found: every trial, and the best candidate of the last rung. */
export interface SettingsSearchResult {
  readonly method: 'successive-halving';
  /** The values each searched setting could take. */
  readonly space: { readonly [K in keyof SearchedSettings]: readonly number[] };
  /** Candidates kept after each rung: the best `1 / eta` by validation accuracy, then loss. */
  readonly eta: number;
  readonly seed: number;
  /** Epochs of each rung. */
  readonly rungEpochs: readonly number[];
  /** Every trial, rung by rung, in candidate order within a rung. */
  readonly trials: readonly SearchTrial[];
  /** The winner (the best of the last rung) and its scores there. */
  readonly best: SearchTrial;
  /** The split the trials were judged on: always `val` (the search never reads `test`). */
  readonly judgedOn: 'val';
  readonly ms: number;
}
