/**
 * Projects: the studio's state saved to IndexedDB as it changes and put back on reload; several projects
 * listed, opened, renamed, deleted, exported and imported; a checkpoint of the run under way after every
 * epoch, offered for resuming after a reload. A vanilla zustand store the UI renders (`ProjectsBar`).
 *
 * Saving: changes are gathered for `debounceMs`, then written in one transaction (see `writeProject`) with
 * only the parts that changed (images, thumbnails, weights). A failed save (a full quota) writes nothing,
 * keeps the last saved version, says so, and is tried again at the next change.
 */
import { createStore } from 'zustand/vanilla';
import { UserFacingError, errorMessage } from '../../core/errors';
import { isActive } from '../studioStore';
import type { SavedRun, StudioState, StudioStore } from '../studioStore';
import { currentProjectId, deleteProject, listProjects, loadProject, openProjectsDb, writeCheckpoint, writeProject } from './db';
import type { LoadedProject, ProjectRecord, ProjectWrite, ProjectsDb, StoredCheckpoint } from './db';
import { readProjectFile, writeProjectFile } from './projectFile';
import { filesToWrite, sameRefs, saveRefs } from './saveDiff';
import type { SaveRefs } from './saveDiff';
import { contentBytes, datasetKey, defaultProjectName, savedRunOf, toContent, toSnapshot } from './projectState';
import { UNKNOWN_STORAGE, askPersistence, readStorage, saveFailureMessage } from './storage';
import type { StorageInfo } from './storage';
import { checkedContent } from './validate';

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

export interface ProjectsState {
  /** False until the last project is back (or a new one made). */
  readonly ready: boolean;
  /** False when this browser cannot keep projects (no IndexedDB): `message` says why. */
  readonly available: boolean;
  readonly current: { readonly id: string; readonly name: string } | null;
  readonly projects: readonly ProjectSummary[];
  readonly save: SaveState;
  /** True while changes wait for (or are in) a save. */
  readonly pending: boolean;
  readonly storage: StorageInfo;
  readonly resumable: Resumable | null;
  /** The epoch of the last checkpoint written during the run under way (null before the first). */
  readonly checkpointEpoch: number | null;
  /** What the projects bar is doing (opening, importing...), or null. */
  readonly busy: string | null;
  /** The last action's failure, for the person. */
  readonly message: string | null;
  start(): Promise<void>;
  newProject(): Promise<void>;
  openProject(id: string): Promise<void>;
  renameCurrent(name: string): void;
  deleteProject(id: string): Promise<void>;
  /** The current project as one file, or null (with `message`) when it cannot be made. */
  exportCurrent(): Promise<{ fileName: string; blob: Blob } | null>;
  importFile(file: Blob, fileName: string): Promise<void>;
  askPersistence(): Promise<void>;
  resumeTraining(): void;
  discardCheckpoint(): Promise<void>;
  /** Saves pending changes now; resolves false when that failed. */
  flush(): Promise<boolean>;
}

/** What the resume banner says of a checkpoint: its last epoch, of the epochs the run planned (both stages). */
const resumableOf = (c: StoredCheckpoint): Resumable => ({
  epoch: c.checkpoint.history.at(-1)?.epoch ?? 0,
  epochs: c.settings.epochs + (c.settings.fineTune ? c.settings.fineTuneEpochs : 0),
  savedAt: c.savedAt,
});

const summaryOf = (record: ProjectRecord): ProjectSummary => ({
  id: record.id, name: record.name, updatedAt: record.updatedAt, bytes: record.bytes,
  images: record.state.dataset?.items.length ?? 0, classes: record.state.dataset?.classes.length ?? 0,
  hasModel: record.state.classifier !== null,
});

/** Creates the projects store for `studio`, kept in the database `dbName`. */
export function createProjectsStore(studio: StudioStore, options: { dbName?: string; debounceMs?: number } = {}) {
  const debounceMs = options.debounceMs ?? 300;
  let db: ProjectsDb | null = null;
  let started: Promise<void> | null = null;
  /** The open project's identity, as saved. */
  let meta: { id: string; name: string; autoName: boolean; createdAt: string } | null = null;
  let saved: SaveRefs | null = null;
  /** The last finished run: kept (and saved) while another run is under way. */
  let keptRun: { from: StudioState['run'] | null; saved: SavedRun | null } = { from: null, saved: null };
  let storedCheckpoint: StoredCheckpoint | null = null;
  let lastCheckpoint: unknown = null;
  let restoring = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let askedPersistence = false;

  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  };

  const store = createStore<ProjectsState>()((set, get) => {
    const runToKeep = (s: StudioState): SavedRun | null => {
      if (isActive(s.run.status)) return keptRun.saved;
      if (keptRun.from !== s.run) keptRun = { from: s.run, saved: savedRunOf(s.run) };
      return keptRun.saved;
    };
    const refsOf = (s: StudioState): SaveRefs => saveRefs(s, runToKeep(s), meta);

    /** Saves the studio's state now if it changed; throws what the transaction threw. */
    const saveNow = async (): Promise<void> => {
      const s = studio.getState();
      if (!db || !meta || s.ingestTask !== null || restoring) return;
      const refs = refsOf(s);
      if (sameRefs(saved, refs)) return;
      const content = toContent(s, refs.run);
      const nowIso = new Date().toISOString();
      const name = meta.autoName ? defaultProjectName(content.state) : meta.name;
      const record: ProjectRecord = { ...meta, name, updatedAt: nowIso, bytes: contentBytes(content), state: content.state };
      // A checkpoint of another dataset, or of a run that has ended, is no longer resumable.
      const ended = s.run.status === 'done' || s.run.status === 'stopped';
      const stale = storedCheckpoint !== null && !isActive(s.run.status) && (ended || storedCheckpoint.datasetKey !== datasetKey(s.dataset));
      const write: ProjectWrite = {
        record, files: filesToWrite(saved?.sources, refs.sources), makeCurrent: true,
        ...(saved?.scan !== refs.scan ? { thumbnails: content.thumbnails } : {}),
        ...(saved?.classifier !== refs.classifier ? { weights: content.weights } : {}),
        ...(stale ? { checkpoint: null } : {}),
      };
      set({ save: { ...get().save, status: 'saving' } });
      await writeProject(db, write);
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
      void afterSave(write);
    };

    const afterSave = async (write: ProjectWrite): Promise<void> => {
      if (!askedPersistence && (write.files?.blobs.length ?? 0) > 0 && get().storage.persisted === false) {
        askedPersistence = true;
        await askPersistence();
      }
      set({ storage: await readStorage() });
    };

    /** Queues a save; resolves false (and shows why) when it failed. */
    const save = (): Promise<boolean> =>
      enqueue(async () => {
        try {
          await saveNow();
          return true;
        } catch (error) {
          set({ save: { ...get().save, status: 'failed', error: saveFailureMessage('the project', error) } });
          void readStorage().then((storage) => set({ storage }));
          return false;
        } finally {
          if (!timer) set({ pending: false });
        }
      });

    const saveCheckpoint = (s: StudioState): void => {
      const checkpoint = s.run.checkpoint;
      if (!db || !meta || !checkpoint) return;
      const stored: StoredCheckpoint = {
        projectId: meta.id, savedAt: new Date().toISOString(), checkpoint, settings: s.settings,
        backendPreference: s.backendPreference, datasetKey: datasetKey(s.dataset),
      };
      const epoch = checkpoint.history.at(-1)?.epoch ?? null;
      const target = db;
      void enqueue(async () => {
        try {
          await writeCheckpoint(target, stored.projectId, stored);
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
      if (!db || !meta || restoring) return;
      if (s.run.checkpoint && s.run.checkpoint !== lastCheckpoint) {
        lastCheckpoint = s.run.checkpoint;
        saveCheckpoint(s);
      }
      // A run that failed (the worker crashed, the backend gave up) can go on from its last checkpoint.
      if (s.run.status === 'error' && storedCheckpoint && !get().resumable && storedCheckpoint.datasetKey === datasetKey(s.dataset)) {
        set({ resumable: resumableOf(storedCheckpoint) });
      }
      if (sameRefs(saved, refsOf(s))) return;
      if (!get().pending) set({ pending: true });
      // Saved once the images are checked: the scan still changes the dataset.
      if (s.ingestTask !== null) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        void save();
      }, debounceMs);
    };

    /** Puts a loaded project into the studio; false (with a message) when it cannot be read. */
    const apply = (loaded: LoadedProject): boolean => {
      let snapshot;
      try {
        snapshot = toSnapshot(checkedContent({ state: loaded.record.state, files: loaded.files, thumbnails: loaded.thumbnails, weights: loaded.weights }));
      } catch (error) {
        set({ message: `The project "${loaded.record.name}" could not be read back: ${errorMessage(error)}` });
        return false;
      }
      restoring = true;
      try {
        if (!studio.getState().restoreProject(snapshot)) return false;
      } finally {
        restoring = false;
      }
      const { record } = loaded;
      meta = { id: record.id, name: record.name, autoName: record.autoName, createdAt: record.createdAt };
      const now = studio.getState();
      keptRun = { from: now.run, saved: snapshot.run };
      saved = refsOf(now);
      storedCheckpoint = loaded.checkpoint;
      lastCheckpoint = null;
      const resumable = loaded.checkpoint && loaded.checkpoint.datasetKey === datasetKey(now.dataset) ? resumableOf(loaded.checkpoint) : null;
      set({ current: { id: record.id, name: record.name }, resumable, checkpointEpoch: null, pending: false, save: { status: 'saved', savedAt: record.updatedAt, error: null } });
      return true;
    };

    /** Starts a new, empty project (or one holding what the studio shows now, when `keep`). */
    const begin = async (keep: boolean): Promise<void> => {
      if (!keep) {
        restoring = true;
        try {
          studio.getState().restoreProject(null);
        } finally {
          restoring = false;
        }
      }
      meta = { id: crypto.randomUUID(), name: 'Untitled project', autoName: true, createdAt: new Date().toISOString() };
      saved = null;
      storedCheckpoint = null;
      set({ current: { id: meta.id, name: meta.name }, resumable: null, checkpointEpoch: null, save: { status: 'idle', savedAt: null, error: null } });
      await save();
    };

    /** Runs `action` unless a run is under way or pending changes cannot be saved first. */
    const guarded = async (label: string, action: () => Promise<void>): Promise<void> => {
      if (!db) return;
      if (isActive(studio.getState().run.status)) {
        set({ message: 'Training is running: stop it (or let it finish) first.' });
        return;
      }
      if (studio.getState().ingestTask !== null) {
        set({ message: 'The images are being read or checked: wait for that (or cancel it) first.' });
        return;
      }
      set({ busy: label, message: null });
      try {
        await action();
      } catch (error) {
        set({ message: error instanceof UserFacingError ? error.message : `${label.replace(/…$/, '')} failed: ${errorMessage(error)}` });
      } finally {
        set({ busy: null });
      }
    };

    const flushOrExplain = async (): Promise<boolean> => {
      if (await get().flush()) return true;
      set({ message: 'This project has changes that could not be saved (see above): export it or free space first, so nothing is lost.' });
      return false;
    };

    const openLoaded = async (id: string): Promise<boolean> => {
      const loaded = db ? await loadProject(db, id) : null;
      if (!loaded) throw new UserFacingError('That project no longer exists.');
      return apply(loaded);
    };

    return {
      ready: false, available: true, current: null, projects: [], save: { status: 'idle', savedAt: null, error: null }, pending: false,
      storage: UNKNOWN_STORAGE, resumable: null, checkpointEpoch: null, busy: null, message: null,

      start() {
        started ??= (async () => {
          try {
            db = await openProjectsDb(options.dbName);
          } catch (error) {
            set({ ready: true, available: false, message: `Projects cannot be kept in this browser: ${errorMessage(error)}` });
            return;
          }
          const records = await listProjects(db);
          set({ projects: records.map(summaryOf), storage: await readStorage() });
          // Files given before the last project is back are kept, as a new project, rather than replaced.
          const now = studio.getState();
          const pristine = now.sources.length === 0 && now.ingestTask === null && !isActive(now.run.status);
          const id = (await currentProjectId(db)) ?? records[0]?.id ?? null;
          const loaded = pristine && id ? await loadProject(db, id) : null;
          if (!loaded || !apply(loaded)) await begin(true);
          studio.subscribe(onStudioChange);
          // Changes still waiting for the debounce when the tab goes away: start their save at once.
          globalThis.addEventListener?.('pagehide', () => void get().flush());
          set({ ready: true });
        })();
        return started;
      },

      flush() {
        if (timer) clearTimeout(timer);
        timer = null;
        return save();
      },

      newProject: () => guarded('Creating a project…', async () => {
        if (await flushOrExplain()) await begin(false);
      }),

      openProject: (id) => guarded('Opening…', async () => {
        if (id === meta?.id || !(await flushOrExplain())) return;
        await openLoaded(id);
      }),

      renameCurrent(name) {
        const trimmed = name.trim();
        if (!meta || !trimmed || trimmed === meta.name) return;
        meta = { ...meta, name: trimmed, autoName: false };
        set({ current: { id: meta.id, name: trimmed } });
        void save();
      },

      deleteProject: (id) => guarded('Deleting…', async () => {
        if (!db) return;
        await deleteProject(db, id);
        set({ projects: get().projects.filter((p) => p.id !== id), storage: await readStorage() });
        if (id !== meta?.id) return;
        saved = null;
        meta = null;
        const next = get().projects[0];
        if (!next || !(await openLoaded(next.id))) await begin(false);
      }),

      async exportCurrent() {
        const s = studio.getState();
        if (!meta) return null;
        try {
          const content = toContent(s, refsOf(s).run);
          const name = meta.autoName ? defaultProjectName(content.state) : meta.name;
          return { fileName: `${name.replace(/[^\w.-]+/g, '_') || 'project'}.ftsproject.zip`, blob: await writeProjectFile(name, content) };
        } catch (error) {
          set({ message: `Could not export the project: ${errorMessage(error)}` });
          return null;
        }
      },

      importFile: (file, fileName) => guarded('Importing…', async () => {
        if (!db || !(await flushOrExplain())) return;
        const { name, content } = await readProjectFile(file, fileName);
        const taken = new Set(get().projects.map((p) => p.name));
        const nowIso = new Date().toISOString();
        const record: ProjectRecord = {
          id: crypto.randomUUID(), name: taken.has(name) ? `${name} (imported)` : name, autoName: false, createdAt: nowIso,
          updatedAt: nowIso, bytes: contentBytes(content), state: content.state,
        };
        try {
          await writeProject(db, { record, files: { from: 0, blobs: content.files }, thumbnails: content.thumbnails, weights: content.weights, makeCurrent: true });
        } catch (error) {
          throw new UserFacingError(saveFailureMessage(`the imported project "${record.name}"`, error));
        }
        set({ projects: [summaryOf(record), ...get().projects], storage: await readStorage() });
        await openLoaded(record.id);
      }),

      async askPersistence() {
        await askPersistence();
        set({ storage: await readStorage() });
      },

      resumeTraining() {
        const stored = storedCheckpoint;
        const s = studio.getState();
        if (!stored || isActive(s.run.status) || !get().resumable) return;
        if (stored.datasetKey !== datasetKey(s.dataset)) {
          set({ message: 'The dataset changed since that run: it cannot be resumed.', resumable: null });
          return;
        }
        s.updateSettings(stored.settings);
        s.setBackendPreference(stored.backendPreference);
        studio.getState().train(stored.checkpoint);
        if (isActive(studio.getState().run.status)) set({ resumable: null, message: null });
        else set({ message: 'Training could not start: is the dataset still being checked?' });
      },

      discardCheckpoint: () => guarded('Discarding…', async () => {
        if (!db || !meta) return;
        await writeCheckpoint(db, meta.id, null);
        storedCheckpoint = null;
        set({ resumable: null });
      }),
    };
  });
  return store;
}

export type ProjectsStore = ReturnType<typeof createProjectsStore>;
