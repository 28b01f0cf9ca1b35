/**
 * A project as one file: a zip (fflate) holding `manifest.json` (format, name, `ProjectState`) and the bytes
 * the state lists: `files/<i>` (the images and label files, in `state.files` order), `thumbnails/<i>` (by
 * file index), `model/weights.bin` (the classifier's weights) and, for a run interrupted mid-way,
 * `checkpoint.json` with its tensors in `checkpoint/<k>`. Written as a stream: each file's bytes pass through
 * in chunks and the output is folded into Blobs as it grows, so the page never holds the whole project in its
 * heap. Reading checks everything before anything is kept: the archive, the manifest's format and schema,
 * every entry listed and present with its size, and no entry the manifest does not list. Runs in the page and
 * in Node.
 */
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';
import { UserFacingError, errorMessage } from '../../core/errors';
import { readZip } from '../../data/ingest';
import { array, integer, object, oneOf, string } from '../../core/check';
import { BACKEND_ORDER } from '../../engine/backend';
import { mapTensors } from '../../engine/training';
import type { PackedCheckpoint, RunCheckpoint } from '../../engine/training';
import type { StoredCheckpoint } from './db';
import type { ProjectContent } from './projectState';
import { checkSettings, validateContent, validateProjectState } from './validate';

/** `manifest.json`'s `format`: names this file kind and its version. */
export const PROJECT_FILE_FORMAT = 'fine-tune-studio/project@1';
/** Project files larger than this are refused before reading (IndexedDB would not take them either). */
export const MAX_PROJECT_FILE_BYTES = 8 * 1024 ** 3;
/** The manifest is JSON without images: a dataset of 100,000 images needs well under this. */
export const MAX_MANIFEST_BYTES = 256 * 1024 ** 2;
/** Output gathered in the heap before it is folded into a Blob (which the browser may keep on disk). */
const FOLD_BYTES = 16 * 1024 ** 2;

const MANIFEST = 'manifest.json';
const WEIGHTS = 'model/weights.bin';
const CHECKPOINT = 'checkpoint.json';
const fileEntry = (index: number): string => `files/${index}`;
const thumbEntry = (index: number): string => `thumbnails/${index}`;
const tensorEntry = (index: number): string => `checkpoint/${index}`;

/** The checkpoint a project file carries: the stored one, less the id of the project it was stored under. */
export type PortableCheckpoint = Omit<StoredCheckpoint, 'projectId'>;

/** Adds `blob` to `zip` as a stored entry, read in chunks (never whole in the heap). */
async function addBlobEntry(zip: Zip, path: string, blob: Blob): Promise<void> {
  const entry = new ZipPassThrough(path);
  zip.add(entry);
  const reader = blob.stream().getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) entry.push(read.value, false);
  entry.push(new Uint8Array(0), true);
}

/** Collects the zip's output, folding it into one Blob every `FOLD_BYTES`. */
function blobSink() {
  let folded = new Blob([]);
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const fold = (): void => {
    folded = new Blob([folded, ...(pending as BlobPart[])]);
    pending = [];
    pendingBytes = 0;
  };
  return {
    push(chunk: Uint8Array): void {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= FOLD_BYTES) fold();
    },
    blob(type: string): Blob {
      fold();
      return new Blob([folded], { type });
    },
  };
}
/**
 * Writes the project file (images stored as they are, the manifest and weights deflated), with `checkpoint`
 * when a run was interrupted mid-way, streaming every Blob through (see the file comment).
 */
export async function writeProjectFile(name: string, content: ProjectContent, checkpoint: PortableCheckpoint | null = null): Promise<Blob> {
  const sink = blobSink();
  let failure: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) failure = error;
    else sink.push(data);
  });
  const addBytes = (path: string, bytes: Uint8Array, deflate: boolean): void => {
    const entry = deflate ? new ZipDeflate(path, { level: 6 }) : new ZipPassThrough(path);
    zip.add(entry);
    entry.push(bytes, true);
  };
  const addBlob = (path: string, blob: Blob): Promise<void> => addBlobEntry(zip, path, blob);
  const manifest = { format: PROJECT_FILE_FORMAT, name, exportedAt: new Date().toISOString(), state: content.state };
  addBytes(MANIFEST, strToU8(JSON.stringify(manifest)), true);
  for (const [i, file] of content.files.entries()) await addBlob(fileEntry(i), file);
  for (const [index, thumb] of content.thumbnails) await addBlob(thumbEntry(index), thumb);
  if (content.weights) addBytes(WEIGHTS, new Uint8Array(content.weights), true);
  if (checkpoint) {
    const tensors: Blob[] = [];
    const described = mapTensors(checkpoint.checkpoint, (t) => ({ ...t, data: { entry: tensorEntry(tensors.push(t.data) - 1), bytes: t.data.size } }));
    addBytes(CHECKPOINT, strToU8(JSON.stringify({ ...checkpoint, checkpoint: described })), true);
    for (const [k, tensor] of tensors.entries()) await addBlob(tensorEntry(k), tensor);
  }
  zip.end();
  if (failure) throw failure;
  return sink.blob('application/zip');
}

/**
 * What can be saved of a project that cannot be read back: its stored files as a plain zip, each under the
 * path its state lists when that can be read (`file-<i>` otherwise), streamed as a project file is.
 */
export async function writeFilesZip(files: readonly Blob[], paths: readonly (string | undefined)[]): Promise<Blob> {
  const sink = blobSink();
  let failure: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) failure = error;
    else sink.push(data);
  });
  const taken = new Set<string>();
  for (const [i, file] of files.entries()) {
    const given = paths[i]?.replace(/^[/\\]+/, '').replace(/\.\.(?=[/\\]|$)/g, '_');
    const path = given && !taken.has(given) && !given.endsWith('/') ? given : `file-${i}`;
    taken.add(path);
    await addBlobEntry(zip, path, file);
  }
  zip.end();
  if (failure) throw failure;
  return sink.blob('application/zip');
}

/** The checkpoint of `checkpoint.json`, checked, its tensors taken from their entries (sizes checked). */
function readCheckpoint(value: unknown, take: (path: string, what: string) => Blob): PortableCheckpoint {
  const c = object(value, 'checkpoint');
  const packed = object(c.checkpoint, 'checkpoint.checkpoint');
  if (packed.format !== 'fine-tune-studio/checkpoint@1') throw new UserFacingError(`checkpoint.checkpoint.format is ${JSON.stringify(packed.format) ?? 'missing'}`);
  const loop = object(packed.loop, 'checkpoint.checkpoint.loop');
  for (const key of ['weights', 'optimizer']) array(loop[key], `checkpoint.checkpoint.loop.${key}`);
  array(object(loop.best, 'checkpoint.checkpoint.loop.best').weights, 'checkpoint.checkpoint.loop.best.weights');
  let k = 0;
  const checkpoint = mapTensors(packed as unknown as RunCheckpoint<unknown>, (t) => {
    const where = `checkpoint tensor ${k++}`;
    const tensor = object(t, where);
    const shape = array(tensor.shape, `${where}.shape`).map((d, i) => integer(d, `${where}.shape[${i}]`, 0));
    const data = object(tensor.data, `${where}.data`);
    const blob = take(string(data.entry, `${where}.data.entry`), where);
    const bytes = shape.reduce((n, d) => n * d, 1) * 4;
    if (blob.size !== bytes) throw new UserFacingError(`${where} has ${blob.size} bytes; its shape needs ${bytes}`);
    return { name: string(tensor.name, `${where}.name`), shape, dtype: oneOf(tensor.dtype, ['float32', 'int32'] as const, `${where}.dtype`), data: blob };
  }) as PackedCheckpoint;
  return {
    savedAt: string(c.savedAt, 'checkpoint.savedAt'),
    checkpoint,
    settings: checkSettings(c.settings, 'checkpoint.settings'),
    backendPreference: oneOf(c.backendPreference, ['auto', ...BACKEND_ORDER] as const, 'checkpoint.backendPreference'),
    datasetKey: string(c.datasetKey, 'checkpoint.datasetKey'),
  };
}

/**
 * Reads and checks a project file, and the checkpoint it carries (or null). Rejects with a `UserFacingError`
 * that says what is wrong (not a zip, no manifest, another format, a field of the wrong type, an entry missing
 * or of the wrong size, an extra entry, a checkpoint that does not fit together).
 */
export async function readProjectFile(blob: Blob, fileName: string): Promise<{ name: string; content: ProjectContent; checkpoint: PortableCheckpoint | null }> {
  const refuse = (why: string): UserFacingError => new UserFacingError(`${fileName} is not a project this studio can open: ${why}.`);
  if (blob.size > MAX_PROJECT_FILE_BYTES) throw refuse(`it is ${blob.size} bytes (at most ${MAX_PROJECT_FILE_BYTES})`);
  let entries;
  try {
    entries = await readZip(blob);
  } catch (error) {
    throw refuse(`it is not a readable zip archive (${errorMessage(error)})`);
  }
  const byPath = new Map(entries.map((e) => [e.path, e.blob]));
  const manifestBlob = byPath.get(MANIFEST);
  if (!manifestBlob) throw refuse(`it has no ${MANIFEST}`);
  if (manifestBlob.size > MAX_MANIFEST_BYTES) throw refuse(`its ${MANIFEST} is ${manifestBlob.size} bytes (at most ${MAX_MANIFEST_BYTES})`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await manifestBlob.text());
  } catch (error) {
    throw refuse(`its ${MANIFEST} is not valid JSON (${errorMessage(error)})`);
  }
  try {
    const manifest = object(parsed, 'manifest');
    if (manifest.format !== PROJECT_FILE_FORMAT) {
      throw new UserFacingError(`manifest.format is ${JSON.stringify(manifest.format) ?? 'missing'}, not ${PROJECT_FILE_FORMAT}`);
    }
    const name = string(manifest.name, 'manifest.name').trim().slice(0, 200) || 'Imported project';
    // The schema first: the entries to take are the ones the state lists.
    const state = validateProjectState(manifest.state, 'manifest.state');
    const listed = new Set([MANIFEST]);
    const take = (path: string, what: string): Blob => {
      const found = byPath.get(path);
      if (!found) throw new UserFacingError(`${path} (${what}) is missing`);
      listed.add(path);
      return found;
    };
    const files = state.files.map((f, i) => new Blob([take(fileEntry(i), f.path)], { type: f.type }));
    const thumbnails = new Map((state.scan?.thumbnails ?? []).map((i) => [i, new Blob([take(thumbEntry(i), 'a thumbnail')], { type: 'image/jpeg' })]));
    const weights = state.classifier ? await take(WEIGHTS, 'the model weights').arrayBuffer() : null;
    const checkpointBlob = byPath.get(CHECKPOINT);
    if (checkpointBlob) listed.add(CHECKPOINT);
    const checkpoint = checkpointBlob ? readCheckpoint(JSON.parse(await checkpointBlob.text()), take) : null;
    const extra = [...byPath.keys()].find((p) => !listed.has(p));
    if (extra !== undefined) throw new UserFacingError(`it holds ${extra}, which its manifest does not list`);
    const content: ProjectContent = { state, files, thumbnails, weights };
    validateContent(content);
    return { name, content, checkpoint };
  } catch (error) {
    throw refuse(errorMessage(error));
  }
}
