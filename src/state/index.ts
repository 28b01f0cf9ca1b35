/** Front door of src/state for the UI: the studio store, its flows and the progress arithmetic. */
export type { IngestTask } from './datasetSlice';
export type { IngestOptions, PickedFile, ScanFindings } from './ingestFlow';
export { formatDuration, trainingFraction } from './progress';
export type { BatchLossPoint } from './progress';
export { isActive } from './run/runState';
export type { RunState } from './run/runState';
export { studioStore } from './store';
export { createStudioStore } from './studioStore';
export type { ActiveClassifier, StudioState } from './studioStore';
