/**
 * The one reader of a LayersModel's JSON topology (`model.json`'s `modelTopology`, the Keras/tfjs-layers
 * serialisation tfjs writes and Teachable Machine exports): its config, the layers of a container, a layer's
 * name, declared input shape and inbound layers. Used for a backbone of the user's own
 * (`customBackboneTopology.ts`) and for a model opened from a file (`model/modelImportTopology.ts`).
 */
import { isRecord } from '../../core/check';

/** A JSON object of the topology. */
export type Json = Record<string, unknown>;

/** Class names of layers that hold other layers. */
export const CONTAINERS: ReadonlySet<string> = new Set(['Sequential', 'Model', 'Functional']);

/** The model config of a topology (a Keras H5 conversion nests it under `model_config`; tfjs reads either). */
export function modelConfigOf(topology: Json): Json {
  return isRecord(topology.model_config) ? topology.model_config : topology;
}

/** The layers of a container's config (old Sequential configs are the bare list). */
export function layersOf(model: Json): Json[] {
  const config = model.config;
  const layers = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  return Array.isArray(layers) ? layers.filter(isRecord) : [];
}

/** A layer's name (top level or in its config). */
export const layerName = (layer: Json): string => String(layer.name ?? (isRecord(layer.config) ? layer.config.name : '') ?? '');

/** `[batch, ...dims]` a layer declares for its input, when it declares one (unknown dims are null). */
export function declaredInputShape(layer: Json): (number | null)[] | null {
  const config = isRecord(layer.config) ? layer.config : {};
  const shape = config.batch_input_shape ?? config.batchInputShape ?? config.batch_shape;
  return Array.isArray(shape) ? shape.map((d) => (typeof d === 'number' ? d : null)) : null;
}

/**
 * The layer names a functional layer's first call reads: the old `[[[name, node, tensor, kwargs], ...]]`
 * form and Keras 3's `[{ args: [{ config: { keras_history: [name, node, tensor] } }] }]` alike.
 */
export function inboundNames(layer: Json): string[] {
  const first: unknown = Array.isArray(layer.inbound_nodes) ? layer.inbound_nodes[0] : undefined;
  const names: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6) return;
    if (Array.isArray(value)) {
      if (typeof value[0] === 'string' && typeof value[1] === 'number') names.push(value[0]);
      else value.forEach((v) => visit(v, depth + 1));
    } else if (isRecord(value)) {
      const history = isRecord(value.config) ? value.config.keras_history : undefined;
      if (Array.isArray(history) && typeof history[0] === 'string') names.push(history[0]);
      else Object.values(value).forEach((v) => visit(v, depth + 1));
    }
  };
  visit(first, 0);
  return [...new Set(names)];
}
