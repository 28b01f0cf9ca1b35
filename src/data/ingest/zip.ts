/**
 * Reading a dropped or chosen `.zip` of images: fflate's streaming `Unzip` fed chunk by chunk from
 * `blob.stream()`, so the archive is never held in one buffer; only the kept files' bytes are, each as its
 * own Blob. Runs in a page, a Worker or Node 20.
 */
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { CancelledError, UserFacingError } from '../../core/errors';

/** One file of an archive: its `/`-separated path inside the archive, and its bytes. */
export interface ZipEntry {
  readonly path: string;
  readonly blob: Blob;
}

/** Options of `readZip`. */
export interface ReadZipOptions {
  /** Stops reading; `readZip` then rejects with `CancelledError`. */
  readonly signal?: AbortSignal;
  /** Called after each chunk read, with the archive's bytes read so far and its size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** Compression methods unpacked here (APPNOTE 4.4.5): 0 = stored, 8 = deflate. */
const STORED = 0;
const DEFLATE = 8;
/** End of central directory record: signature, fixed size, and the most a trailing comment can add. */
const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Entry count that means "see the zip64 record" (then the count is not checked). */
const ZIP64_COUNT = 0xffff;
const LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];

const DO_IT_YOURSELF = 'unpack it with your system\'s tools and choose the folder instead';

/**
 * The path an archive entry is kept under, or undefined for what is skipped: directories, macOS
 * resource forks (`__MACOSX/`), dotfiles and dot-folders (`.DS_Store`, `._photo.jpg`, `.git/`) and names
 * that climb out of the archive (`..`). Backslashes (some Windows archivers) become `/`; a leading `/` or
 * `./` is dropped.
 */
export function zipEntryPath(name: string): string | undefined {
  if (name.endsWith('/') || name.endsWith('\\')) return undefined;
  const segments = name.split(/[/\\]/).filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return undefined;
  if (segments.some((s) => s.startsWith('.') || s === '__MACOSX')) return undefined;
  return segments.join('/');
}

/**
 * Finds the end of central directory record in the last bytes of an archive.
 * @param tail the archive's last `EOCD_SIZE + 65535` bytes (or all of it, if shorter).
 * @returns null when there is none; else the number of entries the directory lists (undefined for zip64).
 */
export function findDirectoryEnd(tail: Uint8Array): { entries: number | undefined } | null {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = tail.length - EOCD_SIZE; at >= 0; at--) {
    if (view.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    // A real record's comment runs at most to the end of the file (bytes after it are tolerated).
    if (at + EOCD_SIZE + view.getUint16(at + 20, true) > tail.length) continue;
    const entries = view.getUint16(at + 10, true);
    return { entries: entries === ZIP64_COUNT ? undefined : entries };
  }
  return null;
}

const nameOf = (blob: Blob): string => (typeof File !== 'undefined' && blob instanceof File ? `"${blob.name}"` : 'The archive');

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Reads the directory end, or says why the file is no (complete) zip archive. */
async function expectedEntries(blob: Blob): Promise<number | undefined> {
  const tail = new Uint8Array(await blob.slice(Math.max(0, blob.size - EOCD_SIZE - MAX_COMMENT)).arrayBuffer());
  const end = findDirectoryEnd(tail);
  if (end) return end.entries;
  const head = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
  if (LOCAL_HEADER.every((byte, i) => head[i] === byte)) throw truncatedError(blob);
  throw new UserFacingError(`${nameOf(blob)} is not a zip archive (or not one this studio can read): ${DO_IT_YOURSELF}.`);
}

function truncatedError(blob: Blob): UserFacingError {
  return new UserFacingError(
    `${nameOf(blob)} is incomplete: it ends too early, as after an unfinished download or copy. Get it again, or ${DO_IT_YOURSELF}.`,
  );
}

/** The archive is damaged, in the file at `path` when one is known. */
function damagedError(blob: Blob, path: string | undefined, cause: unknown): UserFacingError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const where = path === undefined ? 'it could not be unpacked' : `"${path}" could not be unpacked`;
  return new UserFacingError(
    `${nameOf(blob)} is damaged: ${where} (${detail}; a password-protected archive fails this way too). ` +
      `Re-create the archive, or ${DO_IT_YOURSELF}.`,
    { cause },
  );
}

/**
 * Reads every kept file of a zip archive (see `zipEntryPath` for what is skipped), in archive order.
 * The archive is streamed: fflate's `Unzip` + `UnzipInflate` take it chunk by chunk from `blob.stream()`.
 *
 * @returns `{ path, blob }` per kept file; paths `/`-separated, relative to the archive's root.
 * @throws UserFacingError (rejects) when the file is not a zip archive, is truncated, is damaged, or uses
 *   a compression method other than stored or deflate; CancelledError when `signal` aborts.
 */
export async function readZip(blob: Blob, options: ReadZipOptions = {}): Promise<ZipEntry[]> {
  const { signal, onProgress } = options;
  throwIfAborted(signal);
  const expected = await expectedEntries(blob);
  throwIfAborted(signal);
  const entries: ZipEntry[] = [];
  let seen = 0;
  let unfinished = 0;
  let failure: UserFacingError | undefined;
  const unzip = new Unzip((file: UnzipFile) => {
    seen += 1;
    const path = zipEntryPath(file.name);
    // A file never started is skipped by fflate without being inflated.
    if (path === undefined || failure) return;
    if (file.compression !== STORED && file.compression !== DEFLATE) {
      failure = new UserFacingError(
        `${nameOf(blob)} uses a compression method this studio cannot unpack (method ${file.compression}, in "${file.name}"): ` +
          `re-create it with standard (deflate) compression, or ${DO_IT_YOURSELF}.`,
      );
      return;
    }
    const chunks: BlobPart[] = [];
    unfinished += 1;
    file.ondata = (error, data, final) => {
      if (error) {
        failure ??= damagedError(blob, file.name, error);
        return;
      }
      // fflate's chunks view plain ArrayBuffers (its types just do not say so).
      if (data.length > 0) chunks.push(data as Uint8Array<ArrayBuffer>);
      if (final) {
        unfinished -= 1;
        entries.push({ path, blob: new Blob(chunks) });
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  await feed(blob, unzip, signal, onProgress, () => failure);
  if (failure) throw failure;
  if (unfinished > 0 || (expected !== undefined && seen !== expected)) throw truncatedError(blob);
  return entries;
}

/** Pushes the archive through `unzip` chunk by chunk, stopping at the first failure or on abort. */
async function feed(
  blob: Blob,
  unzip: Unzip,
  signal: AbortSignal | undefined,
  onProgress: ReadZipOptions['onProgress'],
  failed: () => Error | undefined,
): Promise<void> {
  const reader = blob.stream().getReader();
  // Cancelling the stream ends a pending read at once, so an abort need not wait for the next chunk.
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', cancel, { once: true });
  let bytesRead = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      throwIfAborted(signal);
      if (done) break;
      bytesRead += value.length;
      pushChunk(blob, unzip, value, false);
      if (failed()) {
        await reader.cancel();
        return;
      }
      onProgress?.(bytesRead, blob.size);
    }
    pushChunk(blob, unzip, new Uint8Array(0), true);
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
}

function pushChunk(blob: Blob, unzip: Unzip, chunk: Uint8Array, final: boolean): void {
  try {
    unzip.push(chunk, final);
  } catch (error) {
    // fflate code 13: the archive ended inside a file's data.
    if ((error as { code?: number }).code === 13) throw truncatedError(blob);
    throw damagedError(blob, undefined, error);
  }
}
