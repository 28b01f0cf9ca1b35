/**
 * Reading a LayersModel's input shape and number of outputs from its JSON topology (`model.json`'s
 * `modelTopology`), without building it: Sequential and functional models (`Model`, `Functional`), nested
 * ones included, in the Keras/tfjs-layers serialisation that tfjs writes and Teachable Machine exports
 * (read with the backbones' topology reader, `kerasTopology.ts`).
 */

import { isRecord } from '../../core/check';
import { CONTAINERS, declaredInputShape, inboundNames, layerName, layersOf, modelConfigOf } from '../backbones/kerasTopology';
import type { Json } from '../backbones/kerasTopology';

/** Layers whose output has the shape of their input: the output size is that of the layer before. */
const SHAPE_PRESERVING = new Set([
  'Activation', 'Softmax', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'SpatialDropout1D',
  'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'BatchNormalization', 'LayerNormalization',
  'Rescaling',
]);

/** Name of the layer at `[layerName, node, tensor]` (how `input_layers` / `output_layers` list them). */
function endpointName(list: unknown): string | null {
  const first = Array.isArray(list) ? list[0] : undefined;
  return Array.isArray(first) && typeof first[0] === 'string' ? first[0] : null;
}

const layerNamed = (layers: readonly Json[], name: string | null): Json | undefined =>
  name === null ? undefined : layers.find((l) => layerName(l) === name);

/** Input shape `[batch, ...]` of a layer or a container (recursing into a nested model), or null. */
function inputShapeOf(layer: Json, depth = 0): (number | null)[] | null {
  if (depth > 32) return null;
  const declared = declaredInputShape(layer);
  if (declared) return declared;
  if (!CONTAINERS.has(String(layer.class_name))) return null;
  const layers = layersOf(layer);
  if (layer.class_name === 'Sequential') {
    const first = layers[0];
    return first ? inputShapeOf(first, depth + 1) : null;
  }
  const config = layer.config;
  const input = isRecord(config) ? layerNamed(layers, endpointName(config.input_layers)) : undefined;
  return input ? inputShapeOf(input, depth + 1) : null;
}

/** Last-axis size of a layer's (or container's) output: a Dense layer's units, found through nested models. */
function outputUnitsOf(layer: Json, depth: number): number | null {
  if (depth > 32) return null;
  const config = isRecord(layer.config) ? layer.config : {};
  const className = String(layer.class_name);
  if (className === 'Dense') return typeof config.units === 'number' ? config.units : null;
  const layers = layersOf(layer);
  if (className === 'Sequential') {
    // Walk back over layers that keep the shape (softmax, dropout, ...) to the one that sets it.
    const last = layers.findLast((l) => !SHAPE_PRESERVING.has(String(l.class_name)));
    return last ? outputUnitsOf(last, depth + 1) : null;
  }
  if (!CONTAINERS.has(className)) return null;
  let current = layerNamed(layers, endpointName(config.output_layers));
  for (let steps = 0; current && SHAPE_PRESERVING.has(String(current.class_name)) && steps < layers.length; steps++) {
    current = layerNamed(layers, inboundNames(current)[0] ?? null);
  }
  return current ? outputUnitsOf(current, depth + 1) : null;
}

/** `[batch, ...dims]` the model takes (e.g. `[null, 224, 224, 3]`), or null when the topology does not say. */
export function topologyInputShape(topology: Json): (number | null)[] | null {
  return inputShapeOf(modelConfigOf(topology));
}

/** Size of the model's output's last axis (its classes), or null when it cannot be read from the topology. */
export function topologyOutputUnits(topology: Json): number | null {
  return outputUnitsOf(modelConfigOf(topology), 0);
}
