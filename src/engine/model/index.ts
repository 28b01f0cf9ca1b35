/** Front door of engine/model: the fused classifier, its export (weights, zip) and import. */
export { CLASSIFIER_FORMAT, calibratedRow, checkCalibration } from './classifierModel';
export type { ClassifierModel, ModelCalibration } from './classifierModel';
export { measureExportSizes } from './exportSizesClient';
export { exportZip, quantizedClassifier } from './modelExport';
export type { ExportSize } from './modelExport';
export { WEIGHT_DTYPES } from './modelExportWeights';
export type { WeightDtype } from './modelExportWeights';
export { filesFromZip, importModel, looksLikeZip } from './modelImport';
export type { ImportedModel, ModelFile } from './modelImport';
