/** Front door of engine/labels: likely mislabelled images, judged out of fold on the cached features. */
export { checkCachedLabels, MAX_LABEL_CHECK_IMAGES } from './fromCaches';
export { findLabelIssues, LABEL_CHECK_FOLDS } from './labelIssues';
export type { LabelIssue, LabelIssuesMethod, LabelIssuesResult } from './labelIssues';
export { mapInWorker } from './mapClient';
export type { RunEmbeddings } from './fromCaches';
export { leastSure, margin } from './uncertainty';
