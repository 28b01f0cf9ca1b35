/**
 * Test-time augmentation: the fixed views a held-out image is also embedded in when the run asks for it
 * (`settings.testTimeAugmentation`), besides its plain view. Its predictions are the mean of the class
 * probabilities over the plain view and these (`evaluation/heldOut.ts`).
 */
import type { AugmentParams } from '../../data/images';

const PLAIN = { flip: false, rotationDeg: 0, brightness: 1, contrast: 1, saturation: 1 } as const;
const WHOLE = { x: 0, y: 0, width: 1, height: 1 } as const;
/** Side of the crops, as a share of the fitted square's side. */
const CROP = 0.85;

/** Held-out views besides the plain one, in order: mirrored, centre crop, top-left crop, bottom-right crop. */
export const TTA_VIEWS: readonly AugmentParams[] = Object.freeze([
  { ...PLAIN, crop: WHOLE, flip: true },
  { ...PLAIN, crop: { x: (1 - CROP) / 2, y: (1 - CROP) / 2, width: CROP, height: CROP } },
  { ...PLAIN, crop: { x: 0, y: 0, width: CROP, height: CROP } },
  { ...PLAIN, crop: { x: 1 - CROP, y: 1 - CROP, width: CROP, height: CROP } },
]);

/** The views in words, for the report and the results. */
export const TTA_VIEW_NAMES: readonly string[] = ['plain', 'mirrored', `centre ${CROP * 100}% crop`, `top-left ${CROP * 100}% crop`, `bottom-right ${CROP * 100}% crop`];

/** In `report.json`: the test-time views of a run and what they cost. */
export interface TestTimeAugmentation {
  /** Every view averaged, the plain one first. */
  readonly views: readonly string[];
  /** Held-out rows embedded for the extra views. */
  readonly extraRows: number;
  /** Of the run's feature extraction time, the share of the extra rows (rows embed at one rate). */
  readonly embedMs: number;
  /** Classifying the extra rows and averaging, on every held-out split. */
  readonly evaluateMs: number;
}

/**
 * The report's summary of a run's test-time views: `extraRows` held-out rows of `totalRows` embedded in
 * `embedMs`, and `evaluateMs` spent classifying and averaging them.
 */
export function ttaSummary(extraRows: number, totalRows: number, embedMs: number, evaluateMs: number): TestTimeAugmentation {
  return { views: TTA_VIEW_NAMES, extraRows, embedMs: totalRows > 0 ? (embedMs * extraRows) / totalRows : 0, evaluateMs };
}
