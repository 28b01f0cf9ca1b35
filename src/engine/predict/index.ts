/** Front door of engine/predict: classifying images with a trained classifier, their occlusion heatmaps, and the prediction worker. */
export { createPredictor } from './client';
export type { ClassScore, FilePrediction, HeatmapAnswer, HeatmapSource, Predictor } from './client';
export { DEFAULT_OCCLUSION_GRID } from './occlusion';
