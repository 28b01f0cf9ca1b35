/**
 * The projects database (IndexedDB through `idb`). Stores:
 * - `projects`: one record per project, its JSON state (`ProjectState`), keyed by id;
 * - `blobs`: the images and thumbnails, keyed `[projectId, 'file' | 'thumb', index]`;
 * - `models`: the project's classifier weights (an ArrayBuffer), keyed by project id;
 * - `checkpoints`: the run under way, after its last completed epoch, keyed by project id;
 * - `meta`: `current`, the id of the project open last.
 * Every change of a project is one readwrite transaction: when it fails (a full quota), IndexedDB rolls all
 * of it back and the project stays as it was last saved.
 */
import { openDB } from 'idb';
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { BackendName } from '../../engine/backend';
import type { PackedCheckpoint } from '../../engine/training';
import type { TrainSettings } from '../../engine/training';
import type { ProjectState } from './projectState';

export const DB_NAME = 'fine-tune-studio';
const DB_VERSION = 1;

export type BlobKind = 'file' | 'thumb';
export type BlobKey = [projectId: string, kind: BlobKind, index: number];

/** A project as stored. */
export interface ProjectRecord {
  readonly id: string;
  readonly name: string;
  /** True while the name follows the dataset's (the user has not named the project). */
  readonly autoName: boolean;
  /** ISO times. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Bytes of its images, thumbnails and weights. */
  readonly bytes: number;
  readonly state: ProjectState;
  /** Saves of the project so far (absent: 0); a save says which one it follows (`ProjectWrite.follows`). */
  readonly revision?: number;
}

/** The run under way after its last completed epoch, with what it needs to go on. */
export interface StoredCheckpoint {
  readonly projectId: string;
  readonly savedAt: string;
  readonly checkpoint: PackedCheckpoint;
  /** The run's settings and backend choice: a resumed run must use the same. */
  readonly settings: TrainSettings;
  readonly backendPreference: 'auto' | BackendName;
  /** `datasetKey` of the dataset trained on: a resume needs the same dataset. */
  readonly datasetKey: string;
}

interface StudioDb extends DBSchema {
  projects: { key: string; value: ProjectRecord };
  blobs: { key: BlobKey; value: Blob };
  models: { key: string; value: ArrayBuffer };
  checkpoints: { key: string; value: StoredCheckpoint };
  meta: { key: string; value: string };
}

export type ProjectsDb = IDBPDatabase<StudioDb>;
type WriteTx = IDBPTransaction<StudioDb, StoreNames<StudioDb>[], 'readwrite'>;

const STORES: StoreNames<StudioDb>[] = ['projects', 'blobs', 'models', 'checkpoints', 'meta'];

/** Opens (creating on first use) the database `name`. */
export function openProjectsDb(name = DB_NAME): Promise<ProjectsDb> {
  return openDB<StudioDb>(name, DB_VERSION, {
    upgrade(db) {
      db.createObjectStore('projects');
      db.createObjectStore('blobs');
      db.createObjectStore('models');
      db.createObjectStore('checkpoints');
      db.createObjectStore('meta');
    },
  });
}

/** Keys of `kind` blobs of a project from index `from` on. */
const blobRange = (id: string, kind: BlobKind, from = 0): IDBKeyRange => IDBKeyRange.bound([id, kind, from], [id, kind, []]);

/** What one save changes; `undefined` parts are left as stored. */
export interface ProjectWrite {
  readonly record: ProjectRecord;
  /** The images: all replaced (`from` 0), or those from `from` on replaced (earlier ones kept). */
  readonly files?: { readonly from: number; readonly blobs: readonly Blob[] };
  /** Every thumbnail, replacing the stored ones. */
  readonly thumbnails?: ReadonlyMap<number, Blob>;
  /** The classifier's weights; null deletes them. */
  readonly weights?: ArrayBuffer | null;
  /** The checkpoint of the run under way; null deletes it. */
  readonly checkpoint?: StoredCheckpoint | null;
  /** Makes this project the one opened next time. */
  readonly makeCurrent?: boolean;
  /**
   * The revision this write follows: the write is refused (`StaleProjectError`, nothing written) unless the
   * stored project is at that revision (0 for one not stored yet). Absent: written whatever is stored.
   */
  readonly follows?: number;
}

/** A save refused because another save of the project (another tab's) came after the one this tab knows. */
export class StaleProjectError extends Error {
  constructor(name: string) {
    super(
      `another tab saved "${name}" after this tab opened it, so this tab's changes were not written over it. ` +
        'Reload the page to see the saved version, or export this tab\'s version first to keep it.',
    );
    this.name = 'StaleProjectError';
  }
}

/**
 * Writes `write` in one transaction: everything or (on any failure, a full quota included) nothing.
 * Rejects with the transaction's error (e.g. a `QuotaExceededError` DOMException).
 */
export async function writeProject(db: ProjectsDb, write: ProjectWrite): Promise<void> {
  const tx = db.transaction(STORES, 'readwrite');
  const id = write.record.id;
  if (write.follows !== undefined) {
    // Read in the write's own transaction: no other save can come between the check and the write.
    const stored = await tx.objectStore('projects').get(id);
    if ((stored?.revision ?? 0) !== write.follows) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new StaleProjectError(stored?.name ?? write.record.name);
    }
  }
  const ops: (() => Promise<unknown>)[] = [() => tx.objectStore('projects').put(write.record, id)];
  const blobs = tx.objectStore('blobs');
  if (write.files) {
    const { from, blobs: files } = write.files;
    ops.push(() => blobs.delete(blobRange(id, 'file', from)));
    files.forEach((blob, i) => ops.push(() => blobs.put(blob, [id, 'file', from + i])));
  }
  if (write.thumbnails) {
    const thumbnails = write.thumbnails;
    ops.push(() => blobs.delete(blobRange(id, 'thumb')));
    for (const [index, blob] of thumbnails) ops.push(() => blobs.put(blob, [id, 'thumb', index]));
  }
  const weights = write.weights;
  if (weights !== undefined) ops.push(() => (weights ? tx.objectStore('models').put(weights, id) : tx.objectStore('models').delete(id)));
  const checkpoint = write.checkpoint;
  if (checkpoint !== undefined) ops.push(() => putCheckpoint(tx, id, checkpoint));
  if (write.makeCurrent) ops.push(() => tx.objectStore('meta').put(id, 'current'));
  await inChunks(tx, ops);
}

const putCheckpoint = (tx: WriteTx, id: string, checkpoint: StoredCheckpoint | null): Promise<unknown> =>
  checkpoint ? tx.objectStore('checkpoints').put(checkpoint, id) : tx.objectStore('checkpoints').delete(id);

type AnyTx = { done: Promise<void>; abort(): void; error: DOMException | null };

/**
 * Queues every request of a change with `queue` (synchronously, before any await, so the transaction cannot
 * commit half-way), then waits for the transaction. A request that throws while being queued (a value that
 * cannot be stored, a full disk) aborts the whole transaction: nothing queued before it is written.
 */
async function inOneGo(tx: AnyTx, queue: (requests: Promise<unknown>[]) => void): Promise<void> {
  const requests: Promise<unknown>[] = [];
  try {
    queue(requests);
  } catch (error) {
    return abandon(tx, requests, error);
  }
  await settle(tx, requests);
}

/** Requests queued in one go by `inChunks`: a save of a few thousand images then holds the page's thread for about 15 ms at a time (250 at a time took 60-75 ms here), not for half a second. */
const CHUNK = 50;

/**
 * `inOneGo` for many requests: queues them `CHUNK` at a time, each chunk once the last request of the one
 * before has succeeded (the transaction stays active while its success is handled), so each chunk is a task
 * of its own. Still one transaction: a request that fails or throws aborts all of it.
 */
async function inChunks(tx: AnyTx, ops: readonly (() => Promise<unknown>)[]): Promise<void> {
  const requests: Promise<unknown>[] = [];
  for (let start = 0; start < ops.length; start += CHUNK) {
    try {
      for (const op of ops.slice(start, start + CHUNK)) requests.push(op());
    } catch (error) {
      return abandon(tx, requests, error);
    }
    if (start + CHUNK >= ops.length) break;
    // A failed request aborts the transaction; `settle` reports why.
    const failed = await requests[requests.length - 1]?.then(() => false, () => true);
    if (failed) break;
  }
  await settle(tx, requests);
}

/** A request threw while being queued: aborts the transaction (nothing queued is written), waits for its end and rethrows. */
async function abandon(tx: AnyTx, requests: readonly Promise<unknown>[], error: unknown): Promise<never> {
  for (const request of requests) request.catch(() => undefined);
  abort(tx);
  await tx.done.catch(() => undefined);
  throw error;
}

function abort(tx: AnyTx): void {
  try {
    tx.abort();
  } catch {
    // Already aborted by IndexedDB itself.
  }
}

/** Waits for the transaction; a failed request aborts it and the transaction's error is what rejects. */
async function settle(tx: AnyTx, requests: Promise<unknown>[]): Promise<void> {
  const failed = Promise.all(requests).catch((error: unknown) => {
    abort(tx);
    throw error;
  });
  const [outcome] = await Promise.allSettled([tx.done, failed]);
  if (outcome.status === 'rejected') throw tx.error ?? outcome.reason;
  await failed;
}

/** Writes (or with null deletes) a project's checkpoint alone, in one transaction. */
export async function writeCheckpoint(db: ProjectsDb, id: string, checkpoint: StoredCheckpoint | null): Promise<void> {
  const tx = db.transaction(['checkpoints'], 'readwrite');
  const store = tx.objectStore('checkpoints');
  await inOneGo(tx, (requests) => requests.push(checkpoint ? store.put(checkpoint, id) : store.delete(id)));
}

/** A stored project with its bytes and checkpoint, or null when there is no such project. */
export interface LoadedProject {
  readonly record: ProjectRecord;
  readonly files: Blob[];
  readonly thumbnails: Map<number, Blob>;
  readonly weights: ArrayBuffer | null;
  readonly checkpoint: StoredCheckpoint | null;
}

/** Reads a project in one transaction. */
export async function loadProject(db: ProjectsDb, id: string): Promise<LoadedProject | null> {
  const tx = db.transaction(['projects', 'blobs', 'models', 'checkpoints'], 'readonly');
  const blobs = tx.objectStore('blobs');
  const [record, files, thumbKeys, thumbs, weights, checkpoint] = await Promise.all([
    tx.objectStore('projects').get(id),
    blobs.getAll(blobRange(id, 'file')),
    blobs.getAllKeys(blobRange(id, 'thumb')),
    blobs.getAll(blobRange(id, 'thumb')),
    tx.objectStore('models').get(id),
    tx.objectStore('checkpoints').get(id),
  ]);
  await tx.done;
  if (!record) return null;
  const thumbnails = new Map(thumbKeys.map((key, i) => [key[2], thumbs[i] as Blob]));
  return { record, files, thumbnails, weights: weights ?? null, checkpoint: checkpoint ?? null };
}

/** Every project record (states included), most recently changed first. */
export async function listProjects(db: ProjectsDb): Promise<ProjectRecord[]> {
  const all = await db.getAll('projects');
  return all.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}

/** Deletes a project and everything stored with it, in one transaction. */
export async function deleteProject(db: ProjectsDb, id: string): Promise<void> {
  const tx = db.transaction(STORES, 'readwrite');
  const current = await tx.objectStore('meta').get('current');
  await inOneGo(tx, (requests) => {
    requests.push(
      tx.objectStore('projects').delete(id),
      tx.objectStore('blobs').delete(IDBKeyRange.bound([id], [id, []])),
      tx.objectStore('models').delete(id),
      tx.objectStore('checkpoints').delete(id),
    );
    if (current === id) requests.push(tx.objectStore('meta').delete('current'));
  });
}

/** Id of the project opened last, or null. */
export async function currentProjectId(db: ProjectsDb): Promise<string | null> {
  return (await db.get('meta', 'current')) ?? null;
}

/** Makes `id` the project opened next time (what a save with `makeCurrent` does, without a save). */
export async function setCurrentProject(db: ProjectsDb, id: string): Promise<void> {
  await db.put('meta', id, 'current');
}
