/**
 * A project as one file: a zip (fflate) holding `manifest.json` (format, name, `ProjectState`) and the bytes
 * the state lists: `files/<i>` (the images and label files, in `state.files` order), `thumbnails/<i>` (by
 * file index) and `model/weights.bin` (the classifier's weights). Reading checks everything before anything
 * is kept: the archive, the manifest's format and schema, every entry listed and present with its size, and
 * no entry the manifest does not list. Runs in the page and in Node.
 */
import { Zip, ZipDeflate, ZipPassThrough, strToU8 } from 'fflate';
import { UserFacingError, errorMessage } from '../../core/errors';
import { readZip } from '../../data/ingest';
import { object, string } from '../../core/check';
import type { ProjectContent } from './projectState';
import { validateContent, validateProjectState } from './validate';

/** `manifest.json`'s `format`: names this file kind and its version. */
export const PROJECT_FILE_FORMAT = 'fine-tune-studio/project@1';
/** Project files larger than this are refused before reading (IndexedDB would not take them either). */
export const MAX_PROJECT_FILE_BYTES = 8 * 1024 ** 3;
/** The manifest is JSON without images: a dataset of 100,000 images needs well under this. */
export const MAX_MANIFEST_BYTES = 256 * 1024 ** 2;

const MANIFEST = 'manifest.json';
const WEIGHTS = 'model/weights.bin';
const fileEntry = (index: number): string => `files/${index}`;
const thumbEntry = (index: number): string => `thumbnails/${index}`;

/** Writes the project file (images stored as they are, the manifest deflated). */
export async function writeProjectFile(name: string, content: ProjectContent): Promise<Blob> {
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, data) => {
    if (error) failure = error;
    else chunks.push(data);
  });
  const add = (path: string, bytes: Uint8Array, deflate: boolean): void => {
    const entry = deflate ? new ZipDeflate(path, { level: 6 }) : new ZipPassThrough(path);
    zip.add(entry);
    entry.push(bytes, true);
  };
  const manifest = { format: PROJECT_FILE_FORMAT, name, exportedAt: new Date().toISOString(), state: content.state };
  add(MANIFEST, strToU8(JSON.stringify(manifest)), true);
  for (const [i, file] of content.files.entries()) add(fileEntry(i), new Uint8Array(await file.arrayBuffer()), false);
  for (const [index, thumb] of content.thumbnails) add(thumbEntry(index), new Uint8Array(await thumb.arrayBuffer()), false);
  if (content.weights) add(WEIGHTS, new Uint8Array(content.weights), true);
  zip.end();
  if (failure) throw failure;
  return new Blob(chunks as BlobPart[], { type: 'application/zip' });
}

/**
 * Reads and checks a project file. Rejects with a `UserFacingError` that says what is wrong (not a zip, no
 * manifest, another format, a field of the wrong type, an entry missing or of the wrong size, an extra entry).
 */
export async function readProjectFile(blob: Blob, fileName: string): Promise<{ name: string; content: ProjectContent }> {
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
    const extra = [...byPath.keys()].find((p) => !listed.has(p));
    if (extra !== undefined) throw new UserFacingError(`it holds ${extra}, which its manifest does not list`);
    const content: ProjectContent = { state, files, thumbnails, weights };
    validateContent(content);
    return { name, content };
  } catch (error) {
    throw refuse(errorMessage(error));
  }
}
