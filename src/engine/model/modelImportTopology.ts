/**
 * Reading a LayersModel's input shape and number of outputs from its JSON topology (`model.json`'s
 * `modelTopology`), without building it: Sequential and functional models (`Model`, `Functional`), nested
 * ones included, in the Keras/tfjs-layers serialisation that tfjs writes and Teachable Machine exports.
 */

type Json = Record<string, unknown>;

const isRecord = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Layers whose output has the shape of their input: the output size is that of the layer before. */
const SHAPE_PRESERVING = new Set([
  'Activation', 'Softmax', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Dropout', 'SpatialDropout1D',
  'SpatialDropout2D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'BatchNormalization', 'LayerNormalization',
  'Rescaling',
]);
const CONTAINERS = new Set(['Sequential', 'Model', 'Functional']);

/** A Keras H5 conversion nests the model under `model_config`; tfjs reads either. */
function modelConfigOf(topology: Json): Json {
  return isRecord(topology.model_config) ? topology.model_config : topology;
}

/** The layers of a container's config (old Sequential configs are the bare list). */
function layersOf(model: Json): Json[] {
  const config = model.config;
  const layers = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  return Array.isArray(layers) ? layers.filter(isRecord) : [];
}

/** `[batch, ...dims]` a layer declares for its input, when it declares one. */
function declaredInputShape(layer: Json): (number | null)[] | null {
  const config = layer.config;
  if (!isRecord(config)) return null;
  const shape = config.batch_input_shape ?? config.batchInputShape ?? config.batch_shape;
  return Array.isArray(shape) ? (shape as (number | null)[]) : null;
}

/** The name of the layer feeding `layer`'s first input in a functional config, when there is one. */
function firstInboundName(layer: Json): string | null {
  const nodes = layer.inbound_nodes;
  const first = Array.isArray(nodes) ? nodes[0] : undefined;
  const tensor = Array.isArray(first) ? first[0] : undefined;
  return Array.isArray(tensor) && typeof tensor[0] === 'string' ? tensor[0] : null;
}

/** Name of the layer at `[layerName, node, tensor]` (how `input_layers` / `output_layers` list them). */
function endpointName(list: unknown): string | null {
  const first = Array.isArray(list) ? list[0] : undefined;
  return Array.isArray(first) && typeof first[0] === 'string' ? first[0] : null;
}

const layerNamed = (layers: readonly Json[], name: string | null): Json | undefined =>
  name === null ? undefined : layers.find((l) => (l.name ?? (isRecord(l.config) ? l.config.name : undefined)) === name);

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
    current = layerNamed(layers, firstInboundName(current));
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
