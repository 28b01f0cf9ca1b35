/**
 * Front door of engine/convert: the trained classifier in other runtimes' formats (ONNX), each file
 * checked in its own runtime against the studio's answers.
 */
export { convertAndCheck } from './convertClient';
export type { ConvertCallbacks } from './convertClient';
export { classifierToOnnx, layersModelToOnnx, ONNX_INPUT, ONNX_OUTPUT } from './onnx/onnxExport';
export { ONNX_FILES, onnxReadme, onnxZip } from './onnx/onnxPackage';
export { addParityBatch, NO_PARITY, scaledBatch } from './parity';
export type { ParityFigures, ProbabilityFn } from './parity';
export type { ConvertFormat, ConvertRequest } from './protocol';
