/**
 * Reading a model a person gives as files: a folder (or several files) or a `.zip` of `model.json` and its
 * weight shards. The IOHandler reads Blobs, not `File`s, so it works in the training worker (Blobs cross
 * `postMessage` by structured clone) and in Node tests alike; `tf.io.browserFiles` needs `File` objects and
 * one flat list.
 */
import * as tf from '@tensorflow/tfjs';
import { UserFacingError } from '../../core/errors';
import { readZip } from '../../data/ingest';
import { findModelJson } from './customBackbone';
import type { ModelFile } from './customBackbone';

/** Joins a path relative to `model.json`'s folder, resolving `.` and `..`. */
function resolvePath(folder: string, relative: string): string {
  const parts = folder === '' ? [] : folder.split('/');
  for (const segment of relative.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return parts.join('/');
}

const folderOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/**
 * The file a weight path of the manifest names: beside `model.json` (relative paths resolved), else the only
 * file of that name anywhere among `files`. Throws a `UserFacingError` naming the missing file.
 */
function weightFile(files: readonly ModelFile[], modelJsonPath: string, weightPath: string): ModelFile {
  const wanted = resolvePath(folderOf(modelJsonPath), weightPath);
  const exact = files.find((f) => f.path === wanted);
  if (exact) return exact;
  const sameName = files.filter((f) => baseName(f.path) === baseName(weightPath));
  if (sameName.length === 1) return sameName[0] as ModelFile;
  throw new UserFacingError(
    `model.json names the weight file "${weightPath}", which is not among the files given (${files.length} files): give the whole model folder.`,
  );
}

/** The parsed `model.json` among `files` (at `modelJsonPath`). Throws a `UserFacingError` when it is not JSON. */
export async function readModelJson(files: readonly ModelFile[], modelJsonPath: string): Promise<unknown> {
  const file = files.find((f) => f.path === modelJsonPath);
  if (!file) throw new UserFacingError(`${modelJsonPath} is not among the files given.`);
  try {
    return JSON.parse(await file.blob.text()) as unknown;
  } catch (error) {
    throw new UserFacingError(`${modelJsonPath} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * An `IOHandler` that loads the model whose `model.json` is `files[modelJsonPath]`, its weight shards read
 * from the other files in manifest order and concatenated. Every field of `model.json` (format, signature,
 * user metadata, initializer...) is passed through by `tf.io.getModelArtifactsForJSON`. A missing shard
 * rejects `load()` with its name.
 */
export function filesIOHandler(files: readonly ModelFile[], modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const modelJson = (await readModelJson(files, modelJsonPath)) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          for (const path of group.paths) buffers.push(await weightFile(files, modelJsonPath, path).blob.arrayBuffer());
        }
        return [tf.io.getWeightSpecs(manifest), tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/**
 * The model files among what was picked or dropped: a `.zip` is unpacked (its entries under the archive's
 * name), other files are kept as they are. Returns the files and the path of their `model.json`
 * (`findModelJson`); rejects with a `UserFacingError` when there is no single one.
 */
export async function collectModelFiles(
  picked: readonly { readonly path: string; readonly file: Blob }[],
): Promise<{ files: ModelFile[]; modelJsonPath: string }> {
  const files: ModelFile[] = [];
  for (const { path, file } of picked) {
    if (!path.toLowerCase().endsWith('.zip')) {
      files.push({ path, blob: file });
      continue;
    }
    const prefix = path.replace(/\.zip$/i, '');
    for (const entry of await readZip(file)) files.push({ path: `${prefix}/${entry.path}`, blob: entry.blob });
  }
  return { files, modelJsonPath: findModelJson(files) };
}

/** The name a person knows a model folder or archive by: the folder holding `model.json`, else the archive's name. */
export function modelName(modelJsonPath: string): string {
  const parts = modelJsonPath.split('/');
  return parts.length >= 2 ? (parts[parts.length - 2] as string) : 'model';
}
