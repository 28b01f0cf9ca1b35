/**
 * The trained classifier as an ONNX file (opset 13): the same fused network as the TensorFlow.js export
 * (input scaling to the backbone's range, backbone, pooling, head, softmax), converted layer by layer from
 * the loaded model. Input `image` is [batch, S, S, 3] float32, channels-last like the other exports, scaled
 * as `p / 127 - 1`; output `probabilities` is [batch, classes]. Labels, input size and scaling travel in the
 * model's metadata properties. Needs tfjs (the model is loaded to read its graph).
 */
import * as tf from '@tensorflow/tfjs';
import { loadClassifier } from '../../model/classifierModel';
import type { ClassifierModel } from '../../model/classifierModel';
import { GRAPH_INPUT, layerGraph } from '../layerGraph';
import { OnnxBuilder } from './onnxBuilder';
import { convertLayer } from './onnxLayers';

/** Input and output names of every exported ONNX model. */
export const ONNX_INPUT = 'image';
export const ONNX_OUTPUT = 'probabilities';

/** The ONNX metadata keys the export writes (values are strings; `labels` is a JSON array). */
export const ONNX_METADATA_KEYS = ['labels', 'imageSize', 'inputScaling', 'layout', 'backbone', 'calibration'] as const;

/** Converts a loaded fused classifier; throws a readable error naming a layer that has no ONNX mapping. */
export function layersModelToOnnx(model: tf.LayersModel, info: Pick<ClassifierModel, 'labels' | 'imageSizePx' | 'backbone' | 'calibration'>, name: string): Uint8Array {
  const graph = layerGraph(model);
  const inputShape = graph.input.shape;
  if (inputShape.length !== 4 || inputShape[3] !== 3) throw new Error(`ONNX export: the model's input is [${inputShape.join(', ')}], not an RGB image`);
  const b = new OnnxBuilder();
  b.fresh(ONNX_INPUT);
  b.fresh(ONNX_OUTPUT);
  b.node('Transpose', [ONNX_INPUT], GRAPH_INPUT, { perm: [0, 3, 1, 2] });
  for (const step of graph.steps) convertLayer(b, step);
  const outputShape = graph.output.shape;
  if (outputShape.length !== 2) throw new Error(`ONNX export: the model's output is [${outputShape.join(', ')}], not [batch, classes]`);
  b.node('Identity', [graph.output.name], ONNX_OUTPUT);
  const size = info.imageSizePx;
  return b.encode({
    name,
    docString: `Fine-Tune Studio image classifier (${info.backbone}): ${info.labels.length} classes`,
    input: { name: ONNX_INPUT, dims: ['batch', size, size, 3] },
    output: { name: ONNX_OUTPUT, dims: ['batch', info.labels.length] },
    metadata: {
      labels: JSON.stringify(info.labels),
      imageSize: String(size),
      inputScaling: 'x/127-1',
      layout: 'NHWC',
      backbone: info.backbone,
      ...(info.calibration && { calibration: JSON.stringify(info.calibration) }),
    },
  });
}

/** The classifier as `.onnx` bytes (loads it with tfjs, converts, frees it). */
export async function classifierToOnnx(model: ClassifierModel, name: string): Promise<Uint8Array> {
  const loaded = await loadClassifier(model);
  try {
    return layersModelToOnnx(loaded, model, name);
  } finally {
    loaded.dispose();
  }
}
