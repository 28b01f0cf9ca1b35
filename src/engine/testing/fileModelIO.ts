/**
 * Node-only: loads a TensorFlow.js model (`model.json` + weight shards) from disk, for tests and benchmarks.
 * Never imported by app code (it uses `node:fs`), so it stays out of the browser bundle.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * Returns an `IOHandler` whose `load()` reads `modelJsonPath` and the weight files its manifest names
 * (relative to the same folder), concatenated in manifest order into one `ArrayBuffer`.
 *
 * Works for LayersModels and GraphModels alike: every field of `model.json` (`format`, `generatedBy`,
 * `convertedBy`, `signature`, `userDefinedMetadata`, `modelInitializer`, ...) is passed through by
 * `tf.io.getModelArtifactsForJSON`. A missing file rejects `load()` with the path in the message.
 */
export function fileIOHandler(modelJsonPath: string): tf.io.IOHandler {
  const folder = dirname(modelJsonPath);
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const modelJson = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const shard of group.paths) {
            const bytes = readFileSync(join(folder, shard));
            // Copy into a fresh ArrayBuffer: a Node Buffer may be a view into a larger shared pool.
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}
