/**
 * Projects: the studio's state saved to IndexedDB as it changes and put back on reload; several projects
 * listed, opened, renamed, deleted, exported and imported; a checkpoint of the run under way after every
 * epoch, offered for resuming after a reload. A vanilla zustand store the UI renders (`ProjectsBar`); the
 * saving itself (debounce, queue, what changed) is the saver's (see `projectSaver`).
 */
import { createStore } from 'zustand/vanilla';
import { UserFacingError, errorMessage } from '../../core/errors';
import { isActive } from '../run/runState';
import type { StudioStore } from '../studioStore';
import { currentProjectId, deleteProject, listProjects, loadProject, openProjectsDb, setCurrentProject, writeProject } from './db';
import type { LoadedProject, ProjectRecord, ProjectWrite, ProjectsDb } from './db';
import { readProjectFile, writeFilesZip, writeProjectFile } from './projectFile';
import { SYSTEM_CLOCK, createProjectSaver, resumableOf, saverDatabase, summaryOf } from './projectSaver';
import type { ProjectSaver, SaverClock, SaverState } from './projectSaver';
import { contentBytes, datasetKey, defaultProjectName, toContent, toSnapshot } from './projectState';
import { UNKNOWN_STORAGE, askPersistence, readStorage, saveFailureMessage } from './storage';
import type { StorageInfo } from './storage';
import { projectLocks } from './projectLock';
import type { ProjectLocks } from './projectLock';
import type { PickedFile } from '../ingestFlow';
import type { RunStage } from '../../engine/training';
import { checkedContent } from './validate';

/** The projects store: the saver's state (the open project, the list, the last save), the storage, and the actions. */
export interface ProjectsState extends SaverState {
  /** False until the last project is back (or a new one made). */
  readonly ready: boolean;
  /** False when this browser cannot keep projects (no IndexedDB): `message` says why. */
  readonly available: boolean;
  readonly storage: StorageInfo;
  /** What the projects bar is doing (opening, importing...), or null. */
  readonly busy: string | null;
  /** The last action's failure, for the person. */
  readonly message: string | null;
  /** What the last action did that the person should know (a new project started for a new folder), or null. */
  readonly notice: string | null;
  /** True while another tab holds the open project (see `projectLock`): this tab does not save it. */
  readonly heldElsewhere: boolean;
  /**
   * A run the project was saved in the middle of (tab closed or reloaded) with no checkpoint to resume from:
   * its stage and when it was saved. Cleared when a run starts or the person dismisses it.
   */
  readonly interrupted: { readonly stage: RunStage; readonly savedAt: string } | null;
  /** A stored project that could not be read back (kept as it is, never replaced): its id and name. */
  readonly unreadable: { readonly id: string; readonly name: string } | null;
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
  /**
   * Reads `files` as the dataset. A folder given while the open project holds images starts a new project
   * (the open one is saved and kept in the list, its model with it); into an empty project it goes directly.
   */
  ingestFolder(files: readonly PickedFile[], name?: string): Promise<void>;
  /** Takes the open project over from the tab that holds it: its latest saved version, saved from this tab on. */
  takeOver(): Promise<void>;
  discardCheckpoint(): Promise<void>;
  /** Hides the note of an interrupted run (`interrupted`). */
  dismissInterrupted(): void;
  /** The files the `unreadable` project holds, as a zip (each under its listed path where that can be read), or null. */
  recoverUnreadable(): Promise<{ fileName: string; blob: Blob } | null>;
  /** Saves pending changes now; resolves false when that failed. */
  flush(): Promise<boolean>;
}

/**
 * Creates the projects store for `studio`, kept in the database `dbName`; `debounceMs` and `clock` time the
 * saves (see `createProjectSaver`).
 */
export function createProjectsStore(
  studio: StudioStore,
  options: { dbName?: string; debounceMs?: number; clock?: SaverClock; locks?: ProjectLocks } = {},
) {
  const debounceMs = options.debounceMs ?? 300;
  const locks = options.locks ?? projectLocks();
  const clock = options.clock ?? SYSTEM_CLOCK;
  let db: ProjectsDb | null = null;
  let started: Promise<void> | null = null;
  /** Made once the database is open: before, there is nothing to save to (and no project open). */
  let saver: ProjectSaver | null = null;
  let askedPersistence = false;

  const store = createStore<ProjectsState>()((set, get) => {
    const afterSave = async (write: ProjectWrite): Promise<void> => {
      if (!askedPersistence && (write.files?.blobs.length ?? 0) > 0 && get().storage.persisted === false) {
        askedPersistence = true;
        await askPersistence();
      }
      set({ storage: await readStorage() });
    };

    const makeSaver = (open: ProjectsDb): ProjectSaver => createProjectSaver({
      studio, database: saverDatabase(open), clock, debounceMs, get, set,
      afterSave: (write) => void afterSave(write),
      afterFailure: () => void readStorage().then((storage) => set({ storage })),
      mayWrite: () => !get().heldElsewhere,
    });

    /** Makes this tab the owner of project `id` if no other tab is (or, with `takeOver`, anyway). */
    const own = async (id: string, takeOver = false): Promise<void> => {
      const held = await locks.hold(id, {
        takeOver,
        onLost: () => {
          if (saver?.project?.id === id) set({ heldElsewhere: true });
        },
      });
      set({ heldElsewhere: !held });
    };

    /** Puts a loaded project into the studio; false (with a message) when it cannot be read. */
    const apply = (active: ProjectSaver, loaded: LoadedProject): boolean => {
      let snapshot;
      try {
        snapshot = toSnapshot(checkedContent({ state: loaded.record.state, files: loaded.files, thumbnails: loaded.thumbnails, weights: loaded.weights }));
      } catch (error) {
        set({
          message: `The project "${loaded.record.name}" could not be read back: ${errorMessage(error)}. It is kept as it is; its images and label files can be downloaded.`,
          unreadable: { id: loaded.record.id, name: loaded.record.name },
        });
        return false;
      }
      if (!active.restoring(() => studio.getState().restoreProject(snapshot))) return false;
      const { record } = loaded;
      active.opened({ id: record.id, name: record.name, autoName: record.autoName, createdAt: record.createdAt }, snapshot.run, loaded.checkpoint, record.revision ?? 0);
      const now = studio.getState();
      const resumable = loaded.checkpoint && loaded.checkpoint.datasetKey === datasetKey(now.dataset) ? resumableOf(loaded.checkpoint) : null;
      const underWay = record.state.runUnderWay ?? null;
      const interrupted = resumable === null && underWay !== null ? { stage: underWay, savedAt: record.updatedAt } : null;
      set({ current: { id: record.id, name: record.name }, resumable, interrupted, checkpointEpoch: null, pending: false, save: { status: 'saved', savedAt: record.updatedAt, error: null } });
      return true;
    };

    /** Starts a new, empty project (or one holding what the studio shows now, when `keep`). */
    const begin = async (active: ProjectSaver, keep: boolean, saveNow = true): Promise<void> => {
      if (!keep) active.restoring(() => studio.getState().restoreProject(null));
      const project = { id: crypto.randomUUID(), name: 'Untitled project', autoName: true, createdAt: clock.nowIso() };
      active.began(project);
      await own(project.id);
      set({ current: { id: project.id, name: project.name }, resumable: null, interrupted: null, checkpointEpoch: null, save: { status: 'idle', savedAt: null, error: null } });
      if (saveNow) await active.save();
    };

    /** Runs `action` unless a run is under way or pending changes cannot be saved first. */
    const guarded = async (label: string, action: (db: ProjectsDb, saver: ProjectSaver) => Promise<void>): Promise<void> => {
      if (!db || !saver) return;
      if (isActive(studio.getState().run.status)) {
        set({ message: 'Training is running: stop it (or let it finish) first.' });
        return;
      }
      if (studio.getState().ingestTask !== null) {
        set({ message: 'The images are being read or checked: wait for that (or cancel it) first.' });
        return;
      }
      set({ busy: label, message: null, notice: null });
      try {
        await action(db, saver);
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

    const openLoaded = async (open: ProjectsDb, active: ProjectSaver, id: string): Promise<boolean> => {
      const loaded = await loadProject(open, id);
      if (!loaded) throw new UserFacingError('That project no longer exists.');
      if (!apply(active, loaded)) return false;
      await own(id);
      // Opened next time too, even before this tab saves a change to it.
      await setCurrentProject(open, id);
      return true;
    };

    return {
      ready: false, available: true, current: null, projects: [], save: { status: 'idle', savedAt: null, error: null }, pending: false,
      storage: UNKNOWN_STORAGE, resumable: null, checkpointEpoch: null, busy: null, message: null, notice: null, heldElsewhere: false, interrupted: null, unreadable: null,

      start() {
        started ??= (async () => {
          let open: ProjectsDb;
          try {
            open = await openProjectsDb(options.dbName);
          } catch (error) {
            set({ ready: true, available: false, message: `Projects cannot be kept in this browser: ${errorMessage(error)}` });
            return;
          }
          db = open;
          const active = makeSaver(open);
          saver = active;
          const records = await listProjects(open);
          set({ projects: records.map(summaryOf), storage: await readStorage() });
          // Files given before the last project is back are kept, as a new project, rather than replaced.
          const now = studio.getState();
          const pristine = now.sources.length === 0 && now.ingestTask === null && !isActive(now.run.status);
          const id = (await currentProjectId(open)) ?? records[0]?.id ?? null;
          const loaded = pristine && id ? await loadProject(open, id) : null;
          if (loaded && apply(active, loaded)) await own(loaded.record.id);
          else await begin(active, true);
          studio.subscribe(active.onStudioChange);
          studio.subscribe((s) => {
            if (isActive(s.run.status) && get().interrupted !== null) set({ interrupted: null });
          });
          // Changes still waiting for the debounce when the tab goes away: start their save at once.
          globalThis.addEventListener?.('pagehide', () => void get().flush());
          set({ ready: true });
        })();
        return started;
      },

      flush() {
        return saver ? saver.flush() : Promise.resolve(true);
      },

      newProject: () => guarded('Creating a project…', async (_db, active) => {
        if (await flushOrExplain()) await begin(active, false);
      }),

      openProject: (id) => guarded('Opening…', async (open, active) => {
        if (id === active.project?.id || !(await flushOrExplain())) return;
        await openLoaded(open, active, id);
      }),

      renameCurrent(name) {
        const trimmed = name.trim();
        const project = saver?.project;
        if (!saver || !project || !trimmed || trimmed === project.name) return;
        saver.renamed(trimmed);
        set({ current: { id: project.id, name: trimmed } });
        void saver.save();
      },

      deleteProject: (id) => guarded('Deleting…', async (open, active) => {
        await deleteProject(open, id);
        set({ projects: get().projects.filter((p) => p.id !== id), storage: await readStorage() });
        if (id !== active.project?.id) return;
        active.closed();
        const next = get().projects[0];
        if (!next || !(await openLoaded(open, active, next.id))) await begin(active, false);
      }),

      async exportCurrent() {
        const s = studio.getState();
        const project = saver?.project;
        if (!saver || !project) return null;
        try {
          const content = toContent(s, saver.keptRun(s));
          const name = project.autoName ? defaultProjectName(content.state) : project.name;
          // The checkpoint of an interrupted run goes with it, so the run can be resumed where the file is opened.
          const stored = saver.checkpoint;
          const checkpoint = stored && !isActive(s.run.status) ? { savedAt: stored.savedAt, checkpoint: stored.checkpoint, settings: stored.settings, backendPreference: stored.backendPreference, datasetKey: stored.datasetKey } : null;
          return { fileName: `${name.replace(/[^\w.-]+/g, '_') || 'project'}.ftsproject.zip`, blob: await writeProjectFile(name, content, checkpoint) };
        } catch (error) {
          set({ message: `Could not export the project: ${errorMessage(error)}` });
          return null;
        }
      },

      importFile: (file, fileName) => guarded('Importing…', async (open, active) => {
        if (!(await flushOrExplain())) return;
        const { name, content, checkpoint } = await readProjectFile(file, fileName);
        const taken = new Set(get().projects.map((p) => p.name));
        const nowIso = clock.nowIso();
        const record: ProjectRecord = {
          id: crypto.randomUUID(), name: taken.has(name) ? `${name} (imported)` : name, autoName: false, createdAt: nowIso,
          updatedAt: nowIso, bytes: contentBytes(content), state: content.state,
        };
        try {
          await writeProject(open, {
            record, files: { from: 0, blobs: content.files }, thumbnails: content.thumbnails, weights: content.weights, makeCurrent: true,
            ...(checkpoint && { checkpoint: { ...checkpoint, projectId: record.id } }),
          });
        } catch (error) {
          throw new UserFacingError(saveFailureMessage(`the imported project "${record.name}"`, error));
        }
        set({ projects: [summaryOf(record), ...get().projects], storage: await readStorage() });
        await openLoaded(open, active, record.id);
      }),

      async askPersistence() {
        await askPersistence();
        set({ storage: await readStorage() });
      },

      resumeTraining() {
        const stored = saver?.checkpoint ?? null;
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

      async ingestFolder(files, name) {
        const s = studio.getState();
        const active = saver;
        // A project whose images are still being checked is saved too (it checks them again when opened).
        const reading = s.ingestTask !== null && s.ingestTask.stage !== 'scanning';
        if (active && db && s.sources.length > 0 && !reading && !isActive(s.run.status)) {
          const previous = active.project?.name ?? 'the previous project';
          if (!(await flushOrExplain())) return;
          // Not written until the folder is: a save that fails (a full quota) leaves no empty project behind.
          await begin(active, false, false);
          set({ notice: `This folder is a new project; "${previous}" is kept, with its images and model, under Projects.` });
        }
        await studio.getState().ingest(files, name);
      },

      takeOver: () => guarded('Taking over…', async (open, active) => {
        const id = active.project?.id;
        if (!id) return;
        await own(id, true);
        // What the other tab saved last: this tab's view of the project may be older.
        await openLoaded(open, active, id);
      }),

      discardCheckpoint: () => guarded('Discarding…', async (_db, active) => {
        if (!active.project) return;
        await active.discardCheckpoint();
        set({ resumable: null });
      }),

      dismissInterrupted: () => set({ interrupted: null }),

      async recoverUnreadable() {
        const target = get().unreadable;
        if (!db || !target) return null;
        const loaded = await loadProject(db, target.id);
        if (!loaded) return null;
        const listed: unknown = (loaded.record.state as { files?: unknown } | undefined)?.files;
        const paths = Array.isArray(listed) ? listed.map((f: unknown) => (typeof (f as { path?: unknown } | null)?.path === 'string' ? (f as { path: string }).path : undefined)) : [];
        const blob = await writeFilesZip(loaded.files, paths);
        return { fileName: `${target.name.replace(/[^\w.-]+/g, '_') || 'project'}-files.zip`, blob };
      },
    };
  });
  return store;
}

/** A projects store, as `createProjectsStore` makes it. */
export type ProjectsStore = ReturnType<typeof createProjectsStore>;
