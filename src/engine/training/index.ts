/** Front door of engine/training: settings, the head and its loop, stage 2, a whole run, and the training worker. */
export { resolveClassWeights } from './classWeights';
export { startTrainingWorker } from './client';
export type { TrainingHandle } from './client';
export type { PackedCheckpoint, RunCheckpoint, SavedTensor } from './checkpoint';
export { mapTensors } from './checkpoint';
export type { RunStage } from './events';
export { RUN_STAGES } from './events';
export type { BatchMetrics, EpochMetrics, RunPlan } from './metrics';
export { createHead } from './head';
export type { RunTuning, TrainResponse } from './protocol';
export { AUGMENT_FIELDS, DEFAULT_SETTINGS, NUMBER_SETTINGS, SETTING_CHOICES, settingField } from './settings';
export type {
  AugmentNumberKey, ClassWeighting, LearningRateSchedule, NumberFieldBounds, NumberSettingKey, NumberSettingSpec, OptimizerName, TrainSettings,
} from './settings';
export { fineTuneStage } from './stage2';
export { trainHead } from './trainHead';
