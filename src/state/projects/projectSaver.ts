/**
 * The project saver: watches the studio, gathers its changes for `debounceMs`, then writes the open project
 * in one transaction with only the parts that changed (see `saveDiff`); saves and checkpoints wait in one
 * queue, so a save asked while another runs writes the state of its own time after it. A failed save (a full
 * quota) writes nothing, keeps the last saved version, says so, and is tried again at the next change.
 *
 * Its database and its clock are passed in, so Node tests drive it with a fake clock and a fake IndexedDB.
 */
import { isActive } from '../run/runState';
import type { SavedRun, StudioState, StudioStore } from '../studioStore';
import { writeCheckpoint, writeProject } from './db';
import type { ProjectRecord, ProjectWrite, ProjectsDb, StoredCheckpoint } from './db';
import { filesToWrite, sameRefs, saveRefs } from './saveDiff';
import type { SaveRefs } from './saveDiff';
import { contentBytes, datasetKey, defaultProjectName, savedRunOf, toContent } from './projectState';
import { saveFailureMessage } from './storage';

/**
 * Whether the studio's state can be saved now: not while files are being read or unzipped (the list of files
 * is not there yet); while they are checked, yes: the files and the dataset as listed are kept, so a reload
 * during the check brings the folder back and checks it again (the scan saves again when it ends).
 */
const savable = (s: StudioState): boolean => s.ingestTask === null || (s.ingestTask.stage === 'scanning' && s.sources.length > 0);

/** A project in the list. */
export interface ProjectSummary {
  readonly id: string;
  readonly name: string;
  readonly updatedAt: string;
  readonly bytes: number;
  readonly images: number;
  readonly classes: number;
  readonly hasModel: boolean;
}

/** How the last save went. */
export interface SaveState {
  readonly status: 'idle' | 'saving' | 'saved' | 'failed';
  /** ISO time of the last successful save. */
  readonly savedAt: string | null;
  readonly error: string | null;
}

/** A run interrupted (tab closed, crashed, reloaded) that can go on from its last completed epoch. */
export interface Resumable {
  readonly epoch: number;
  readonly epochs: number;
  readonly savedAt: string;
}

/** The part of the projects store's state that the saver keeps up to date. */
export interface SaverState {
  readonly current: { readonly id: string; readonly name: string } | null;
  readonly projects: readonly ProjectSummary[];
  readonly save: SaveState;
  /** True while changes wait for (or are in) a save. */
  readonly pending: boolean;
  readonly resumable: Resumable | null;
  /** The epoch of the last checkpoint written during the run under way (null before the first). */
  readonly checkpointEpoch: number | null;
}

/** The open project's identity, as saved. */
export interface ProjectIdentity {
  readonly id: string;
  readonly name: string;
  /** True while the name follows the dataset's (the user has not named the project). */
  readonly autoName: boolean;
  /** ISO time. */
  readonly createdAt: string;
}

/** What the saver writes with: the two writes of `db.ts`, on one database. */
export interface SaverDatabase {
  writeProject(write: ProjectWrite): Promise<void>;
  writeCheckpoint(projectId: string, checkpoint: StoredCheckpoint | null): Promise<void>;
}

/** The saver's clock: the time for `updatedAt`, and the timer of the debounce. */
export interface SaverClock {
  /** The time now, ISO 8601. */
  nowIso(): string;
  /** Calls `run` in `ms`; returns what cancels it. */
  schedule(run: () => void, ms: number): () => void;
}

/** The page's clock. */
export const SYSTEM_CLOCK: SaverClock = {
  nowIso: () => new Date().toISOString(),
  schedule(run, ms) {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

/** `db` as the saver writes it, through `db.ts`. */
export const saverDatabase = (db: ProjectsDb): SaverDatabase => ({
  writeProject: (write) => writeProject(db, write),
  writeCheckpoint: (projectId, checkpoint) => writeCheckpoint(db, projectId, checkpoint),
});

/** What the resume banner says of a checkpoint: its last epoch, of the epochs the run planned (both stages). */
export const resumableOf = (c: StoredCheckpoint): Resumable => ({
  epoch: c.checkpoint.history.at(-1)?.epoch ?? 0,
  epochs: c.settings.epochs + (c.settings.fineTune ? c.settings.fineTuneEpochs : 0),
  savedAt: c.savedAt,
});

/** A stored project as the list shows it. */
export const summaryOf = (record: ProjectRecord): ProjectSummary => ({
  id: record.id, name: record.name, updatedAt: record.updatedAt, bytes: record.bytes,
  images: record.state.dataset?.items.length ?? 0, classes: record.state.dataset?.classes.length ?? 0,
  hasModel: record.state.classifier !== null,
});

/** What a saver is made with. */
export interface SaverOptions {
  readonly studio: StudioStore;
  readonly database: SaverDatabase;
  readonly clock: SaverClock;
  readonly debounceMs: number;
  /** The projects store's state, which the saver updates as it saves. */
  readonly get: () => SaverState;
  readonly set: (patch: Partial<SaverState>) => void;
  /** After each save that wrote `write` (the store reads the storage, asks for persistence). */
  readonly afterSave: (write: ProjectWrite) => void;
  /** After a save that failed (the store reads the storage: a full quota is the usual cause). */
  readonly afterFailure: () => void;
  /**
   * Whether this tab may save the open project now: false while another tab holds it (see `projectLock`).
   * Changes made meanwhile stay pending, unsaved. Default: always.
   */
  readonly mayWrite?: () => boolean;
}

/** The saver of the open project; `onStudioChange` is what the studio store's subscription calls. */
export interface ProjectSaver {
  /** The project being saved, as saved, or null when none is open. */
  readonly project: ProjectIdentity | null;
  /** The checkpoint stored for the open project, or null. */
  readonly checkpoint: StoredCheckpoint | null;
  /** The finished run the project keeps for `s`: while another run is under way, the last one. */
  keptRun(s: StudioState): SavedRun | null;
  /** Runs `change` (a restore into the studio) without taking what it changes for the user's changes. */
  restoring<T>(change: () => T): T;
  /**
   * `project` was just put into the studio with its last finished `run`: that is saved already; `checkpoint`
   * is its stored one, `revision` the stored record's (saves follow it; see `ProjectWrite.follows`).
   */
  opened(project: ProjectIdentity, run: SavedRun | null, checkpoint: StoredCheckpoint | null, revision?: number): void;
  /** `project` is new: nothing of it is saved yet, it has no checkpoint. */
  began(project: ProjectIdentity): void;
  /** The user named the project `name`. */
  renamed(name: string): void;
  /** The open project was deleted: nothing is saved until the next is opened or begun. */
  closed(): void;
  onStudioChange(s: StudioState): void;
  /** Queues a save; resolves false (and shows why) when it failed. */
  save(): Promise<boolean>;
  /** Saves pending changes now, without waiting for the debounce; resolves false when that failed. */
  flush(): Promise<boolean>;
  /** Deletes the open project's checkpoint. */
  discardCheckpoint(): Promise<void>;
}

/** Creates the saver; it saves nothing until a project is `opened` or `began`. */
export function createProjectSaver(options: SaverOptions): ProjectSaver {
  const { studio, database, clock, debounceMs, get, set } = options;
  let meta: ProjectIdentity | null = null;
  let saved: SaveRefs | null = null;
  /** The last finished run: kept (and saved) while another run is under way. */
  let keptRun: { from: StudioState['run'] | null; saved: SavedRun | null } = { from: null, saved: null };
  let storedCheckpoint: StoredCheckpoint | null = null;
  /** The stored revision of the open project as this tab last read or wrote it. */
  let revision = 0;
  let lastCheckpoint: unknown = null;
  let restoring = false;
  let cancelTimer: (() => void) | null = null;
  /** The refs the pending save was scheduled for: changes outside them (progress) do not postpone it. */
  let scheduledFor: SaveRefs | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };

  const runToKeep = (s: StudioState): SavedRun | null => {
    if (isActive(s.run.status)) return keptRun.saved;
    if (keptRun.from !== s.run) keptRun = { from: s.run, saved: savedRunOf(s.run) };
    return keptRun.saved;
  };
  const refsOf = (s: StudioState): SaveRefs => saveRefs(s, runToKeep(s), meta);

  /** Saves the studio's state now if it changed; throws what the transaction threw. */
  const saveNow = async (): Promise<void> => {
    const s = studio.getState();
    if (!meta || !savable(s) || restoring || options.mayWrite?.() === false) return;
    const refs = refsOf(s);
    if (sameRefs(saved, refs)) return;
    const content = toContent(s, refs.run);
    const nowIso = clock.nowIso();
    const name = meta.autoName ? defaultProjectName(content.state) : meta.name;
    const record: ProjectRecord = { ...meta, name, updatedAt: nowIso, bytes: contentBytes(content), state: content.state, revision: revision + 1 };
    // A checkpoint of another dataset, or of a run that has ended, is no longer resumable.
    const ended = s.run.status === 'done' || s.run.status === 'stopped';
    const stale = storedCheckpoint !== null && !isActive(s.run.status) && (ended || storedCheckpoint.datasetKey !== datasetKey(s.dataset));
    const write: ProjectWrite = {
      record, files: filesToWrite(saved?.sources, refs.sources), makeCurrent: true, follows: revision,
      ...(saved?.scan !== refs.scan ? { thumbnails: content.thumbnails } : {}),
      ...(saved?.classifier !== refs.classifier ? { weights: content.weights } : {}),
      ...(stale ? { checkpoint: null } : {}),
    };
    set({ save: { ...get().save, status: 'saving' } });
    await database.writeProject(write);
    revision += 1;
    saved = refs;
    meta = { ...meta, name };
    if (stale) {
      storedCheckpoint = null;
      set({ resumable: null });
    }
    set({
      save: { status: 'saved', savedAt: nowIso, error: null }, current: { id: meta.id, name },
      projects: [summaryOf(record), ...get().projects.filter((p) => p.id !== record.id)],
    });
    options.afterSave(write);
  };

  const save = (): Promise<boolean> =>
    enqueue(async () => {
      try {
        await saveNow();
        return true;
      } catch (error) {
        set({ save: { ...get().save, status: 'failed', error: saveFailureMessage('the project', error) } });
        options.afterFailure();
        return false;
      } finally {
        if (!cancelTimer) set({ pending: false });
      }
    });

  const saveCheckpoint = (s: StudioState): void => {
    const checkpoint = s.run.checkpoint;
    if (!meta || !checkpoint) return;
    const stored: StoredCheckpoint = {
      projectId: meta.id, savedAt: clock.nowIso(), checkpoint, settings: s.settings,
      backendPreference: s.backendPreference, datasetKey: datasetKey(s.dataset),
    };
    const epoch = checkpoint.history.at(-1)?.epoch ?? null;
    void enqueue(async () => {
      try {
        await database.writeCheckpoint(stored.projectId, stored);
        if (meta?.id === stored.projectId) {
          storedCheckpoint = stored;
          set({ checkpointEpoch: epoch });
        }
      } catch (error) {
        set({ save: { ...get().save, status: 'failed', error: saveFailureMessage(`the checkpoint of epoch ${epoch ?? '?'}`, error) } });
      }
    });
  };

  const onStudioChange = (s: StudioState): void => {
    if (!meta || restoring) return;
    if (s.run.checkpoint && s.run.checkpoint !== lastCheckpoint) {
      lastCheckpoint = s.run.checkpoint;
      saveCheckpoint(s);
    }
    // A run that failed (the worker crashed, the backend gave up) can go on from its last checkpoint.
    if (s.run.status === 'error' && storedCheckpoint && !get().resumable && storedCheckpoint.datasetKey === datasetKey(s.dataset)) {
      set({ resumable: resumableOf(storedCheckpoint) });
    }
    const refs = refsOf(s);
    if (sameRefs(saved, refs)) return;
    if (!get().pending) set({ pending: true });
    if (!savable(s)) return;
    // Debounced over changes to what is saved; a progress update while the images are checked changes none.
    if (cancelTimer && sameRefs(scheduledFor, refs)) return;
    scheduledFor = refs;
    cancelTimer?.();
    cancelTimer = clock.schedule(() => {
      cancelTimer = null;
      void save();
    }, debounceMs);
  };

  return {
    get project() {
      return meta;
    },
    get checkpoint() {
      return storedCheckpoint;
    },
    keptRun: runToKeep,
    restoring(change) {
      restoring = true;
      try {
        return change();
      } finally {
        restoring = false;
      }
    },
    opened(project, run, checkpoint, stored = 0) {
      meta = project;
      revision = stored;
      const now = studio.getState();
      keptRun = { from: now.run, saved: run };
      saved = refsOf(now);
      storedCheckpoint = checkpoint;
      lastCheckpoint = null;
    },
    began(project) {
      meta = project;
      revision = 0;
      saved = null;
      storedCheckpoint = null;
    },
    renamed(name) {
      if (meta) meta = { ...meta, name, autoName: false };
    },
    closed() {
      saved = null;
      meta = null;
    },
    onStudioChange,
    save,
    flush() {
      cancelTimer?.();
      cancelTimer = null;
      return save();
    },
    async discardCheckpoint() {
      if (!meta) return;
      await database.writeCheckpoint(meta.id, null);
      storedCheckpoint = null;
    },
  };
}
