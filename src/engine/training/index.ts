/** Front door of engine/training: settings, the head and its loop, stage 2, a whole run, and the training worker. */
export { resolveClassWeights } from './classWeights';
export { startTrainingWorker } from './client';
export type { TrainingHandle } from './client';
export type { BatchMetrics, EpochMetrics, PackedCheckpoint, RunPlan, RunStage } from './events';
export { createHead } from './head';
export type { TrainResponse } from './protocol';
export { DEFAULT_SETTINGS } from './settings';
export type { ClassWeighting, LearningRateSchedule, TrainSettings } from './settings';
export { fineTuneStage } from './stage2';
export { trainHead } from './trainHead';
