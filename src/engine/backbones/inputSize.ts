/**
 * Feeding a LayersModel images of another size than its topology fixes: the input shapes in model.json are
 * rewritten before the model is built, so the same weights run at the catalog's `inputSizePx` (see
 * `BackboneEntry.inputSizes`).
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Loads a LayersModel whose topology may fix another input size, fed `sizePx` x `sizePx` images: every input
 * shape `[n, h, w, 3]` in its topology (the model's, and those of models nested in it) becomes
 * `[n, sizePx, sizePx, 3]`, then the model is built from memory with the same weights. Only for networks
 * whose layers do not depend on the size (see `BackboneEntry.inputSizes`).
 */
export async function loadLayersAtSize(from: string | tf.io.IOHandler, sizePx: number): Promise<tf.LayersModel> {
  const io = typeof from === 'string' ? (tf.io.getLoadHandlers(from)[0] ?? tf.io.browserHTTPRequest(from)) : from;
  if (!io.load) throw new Error('the model cannot be read');
  const artifacts = await io.load();
  const topology = artifacts.modelTopology;
  if (!topology || topology instanceof ArrayBuffer) throw new Error('model.json has no Keras topology');
  return tf.loadLayersModel(tf.io.fromMemory({ ...artifacts, modelTopology: withInputSize(topology, sizePx) }));
}

/**
 * A copy of a Keras topology (JSON) in which every `batch_input_shape` (and Sequential `build_input_shape`)
 * of the form `[n, h, w, 3]` is `[n, sizePx, sizePx, 3]`.
 */
export function withInputSize<T>(topology: T, sizePx: number): T {
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const isImageShape = Array.isArray(v) && v.length === 4 && v[3] === 3;
      out[key] = (key === 'batch_input_shape' || key === 'build_input_shape') && isImageShape ? [v[0], sizePx, sizePx, 3] : visit(v);
    }
    return out;
  };
  return visit(topology) as T;
}
