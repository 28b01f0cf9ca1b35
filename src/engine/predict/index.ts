/** Front door of engine/predict: classifying images with a trained classifier, and the prediction worker. */
export { createPredictor } from './client';
export type { ClassScore, FilePrediction, Predictor } from './client';
