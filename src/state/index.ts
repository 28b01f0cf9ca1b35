/** Front door of src/state for the UI: the studio store, its flows and the progress arithmetic. */
export type { IngestTask } from './datasetSlice';
export type { IngestOptions, ScanFindings } from './ingestFlow';
export { formatDuration, trainingFraction } from './progress';
export type { BatchLossPoint } from './progress';
export { studioStore } from './store';
export { createStudioStore, isActive } from './studioStore';
export type { ActiveClassifier, PickedFile, RunState, StudioState } from './studioStore';
