/** Front door of engine/evaluation: held-out metrics, the report and its check, the per-run summary and the CSV of predictions. */
export { predictionsCsv, toCsv } from './csv';
export type { Evaluation, Prediction, RunProfile, StudioReport } from './report';
export { checkHistory, checkReport, checkSkipped } from './reportCheck';
export { cellPredictions, listMistakes, rowNormalise } from './results';
export { appendRun, summarizeRun } from './runSummary';
export { MIN_VALIDATION_PER_CLASS, runWarnings } from './runWarnings';
export type { RunWarning, RunWarningCode } from './report';
export type { RunSummary } from './runSummary';
export type { ReliabilityBin, SplitCalibration } from './calibration';
