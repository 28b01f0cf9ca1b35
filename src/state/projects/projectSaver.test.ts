import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashingPool } from '../testing/hashingPool';
import { CLASSIFIER_FORMAT } from '../../engine/model';
import type { PickedFile } from '../ingestFlow';
import { createStudioStore } from '../studioStore';
import type { StudioStore } from '../studioStore';
import { loadProject, openProjectsDb, writeCheckpoint, writeProject } from './db';
import type { ProjectWrite, ProjectsDb } from './db';
import { createProjectSaver } from './projectSaver';
import type { ProjectIdentity, ProjectSaver, SaverClock, SaverDatabase, SaverState } from './projectSaver';
import { testCheckpoint } from '../run/testEvents';
import { toSnapshot } from './projectState';
import { checkedContent } from './validate';

const DEBOUNCE_MS = 300;

const { pool } = hashingPool((sha256) => new Blob([`thumb of ${sha256}`]));
const file = (path: string): PickedFile => ({ file: new Blob([`bytes of ${path}`]), path });
const FILES = ['pets/cats/1.jpg', 'pets/cats/2.jpg', 'pets/dogs/1.jpg', 'pets/dogs/2.jpg'].map(file);
const PROJECT: ProjectIdentity = { id: 'p1', name: 'Untitled project', autoName: true, createdAt: '2026-12-01T00:00:00.000Z' };

/** A clock that moves only when told: `advance` runs the timers that fall due, in order. */
function fakeClock() {
  let nowMs = Date.parse('2026-12-02T10:00:00.000Z');
  let timers: { atMs: number; run: () => void }[] = [];
  const clock: SaverClock = {
    nowIso: () => new Date(nowMs).toISOString(),
    schedule(run, ms) {
      const timer = { atMs: nowMs + ms, run };
      timers.push(timer);
      return () => {
        timers = timers.filter((t) => t !== timer);
      };
    },
  };
  const advance = (ms: number): void => {
    const until = nowMs + ms;
    for (let due = timers.find((t) => t.atMs <= until); due; due = timers.find((t) => t.atMs <= until)) {
      const timer = due;
      timers = timers.filter((t) => t !== timer);
      nowMs = timer.atMs;
      timer.run();
    }
    nowMs = until;
  };
  return { clock, advance, pendingTimers: () => timers.length };
}

/** The real `db.ts` writes, recorded; `hold()` makes the next project write wait until the returned release is called. */
function recordingDatabase(db: ProjectsDb) {
  const writes: ProjectWrite[] = [];
  let gate: Promise<void> | null = null;
  const database: SaverDatabase = {
    async writeProject(write) {
      writes.push(write);
      const waiting = gate;
      gate = null;
      if (waiting) await waiting;
      await writeProject(db, write);
    },
    writeCheckpoint: (id, checkpoint) => writeCheckpoint(db, id, checkpoint),
  };
  const hold = (): (() => void) => {
    let release: () => void = () => undefined;
    gate = new Promise((resolve) => {
      release = resolve;
    });
    return release;
  };
  return { database, writes, hold };
}

let dbCount = 0;
let db: ProjectsDb;

beforeEach(async () => {
  db = await openProjectsDb(`saver-test-${++dbCount}`);
});
afterEach(() => db.close());

/** A studio with a dataset of four images, a saver of project `p1` over it (saved once), and what it wrote. */
async function setUp(): Promise<{
  studio: StudioStore; saver: ProjectSaver; writes: ProjectWrite[]; hold: () => () => void; advance: (ms: number) => void; state: () => SaverState;
  pendingTimers: () => number;
}> {
  const studio = createStudioStore(() => {
    throw new Error('no training in these tests');
  }, () => pool);
  await studio.getState().ingest(FILES);
  expect(studio.getState().ingestError).toBeNull();
  const { clock, advance, pendingTimers } = fakeClock();
  const { database, writes, hold } = recordingDatabase(db);
  let state: SaverState = { current: null, projects: [], save: { status: 'idle', savedAt: null, error: null }, pending: false, resumable: null, checkpointEpoch: null };
  const saver = createProjectSaver({
    studio, database, clock, debounceMs: DEBOUNCE_MS, get: () => state,
    set: (patch) => {
      state = { ...state, ...patch };
    },
    afterSave: () => undefined, afterFailure: () => undefined,
  });
  saver.began(PROJECT);
  expect(await saver.save()).toBe(true);
  studio.subscribe(saver.onStudioChange);
  return { studio, saver, writes, hold, advance, state: () => state, pendingTimers };
}

describe('project saver', () => {
  it('saves a new project whole, under the name of its dataset, and makes it the current one', async () => {
    const { writes, state } = await setUp();
    expect(writes).toHaveLength(1);
    const [first] = writes;
    expect(first?.files).toEqual({ from: 0, blobs: FILES.map((f) => f.file) });
    expect(first?.thumbnails?.size).toBe(4);
    expect(first?.weights).toBeNull();
    expect(state()).toMatchObject({ current: { id: 'p1', name: 'pets' }, save: { status: 'saved', savedAt: '2026-12-02T10:00:00.000Z' } });
    const loaded = await loadProject(db, 'p1');
    expect(loaded?.record.name).toBe('pets');
    expect(await Promise.all(loaded?.files.map((f) => f.text()) ?? [])).toEqual(FILES.map((f) => `bytes of ${f.path}`));
  });

  it('debounces: several changes in a row make one save, of the last state, once they stop for debounceMs', async () => {
    const { studio, saver, writes, advance, state } = await setUp();
    studio.getState().updateSettings({ epochs: 2 });
    expect(state().pending).toBe(true);
    advance(DEBOUNCE_MS - 100);
    studio.getState().updateSettings({ epochs: 3 });
    advance(DEBOUNCE_MS - 100);
    studio.getState().updateSettings({ epochs: 4 });
    advance(DEBOUNCE_MS - 1);
    expect(writes).toHaveLength(1);
    advance(1);
    // The save is queued: one more behind it resolves once it is written (and writes nothing: nothing changed).
    expect(await saver.save()).toBe(true);
    expect(writes).toHaveLength(2);
    expect(writes[1]?.record.state.settings.epochs).toBe(4);
    expect(state()).toMatchObject({ pending: false, save: { status: 'saved', savedAt: '2026-12-02T10:00:00.700Z' } });
    expect((await loadProject(db, 'p1'))?.record.state.settings.epochs).toBe(4);
  });

  it('queues: a save asked while one is writing waits for it, then writes the latest state', async () => {
    const { studio, saver, writes, hold, pendingTimers } = await setUp();
    const release = hold();
    studio.getState().updateSettings({ epochs: 5 });
    const first = saver.flush();
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
    studio.getState().updateSettings({ epochs: 6 });
    studio.getState().updateSettings({ epochs: 7 });
    expect(pendingTimers()).toBe(1);
    const second = saver.flush();
    expect(pendingTimers()).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    // The second save has not started: the first is still writing.
    expect(writes).toHaveLength(2);
    release();
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    expect(writes.slice(1).map((w) => w.record.state.settings.epochs)).toEqual([5, 7]);
    expect((await loadProject(db, 'p1'))?.record.state.settings.epochs).toBe(7);
  });

  it('writes only what changed: no images for a settings change, the appended ones after captures, the weights with a classifier', async () => {
    const { studio, saver, writes, advance } = await setUp();
    studio.getState().updateSettings({ epochs: 8 });
    advance(DEBOUNCE_MS);
    await saver.save();
    const settingsWrite = writes.at(-1);
    expect(settingsWrite?.files).toBeUndefined();
    expect(settingsWrite).not.toHaveProperty('thumbnails');
    expect(settingsWrite).not.toHaveProperty('weights');

    const frames = [new Blob(['frame a']), new Blob(['frame b'])];
    await studio.getState().addCaptures('cats', frames);
    advance(DEBOUNCE_MS);
    await saver.save();
    const captureWrite = writes.at(-1);
    expect(captureWrite?.files).toEqual({ from: 4, blobs: frames });
    expect(captureWrite?.thumbnails?.size).toBe(6);
    expect(captureWrite).not.toHaveProperty('weights');

    const weightData = Float32Array.from([1, 2, 3, 4, 5, 6]).buffer;
    studio.getState().setClassifier({
      origin: 'imported', name: 'pets', report: null,
      model: { format: CLASSIFIER_FORMAT, labels: ['cats', 'dogs'], imageSizePx: 224, backbone: 'mobilenet_v1_0.25_224', modelTopology: { a: 1 }, weightSpecs: [{ name: 'w', shape: [2, 3], dtype: 'float32' }], weightData },
    });
    advance(DEBOUNCE_MS);
    await saver.save();
    const classifierWrite = writes.at(-1);
    expect(classifierWrite?.files).toBeUndefined();
    expect(classifierWrite).not.toHaveProperty('thumbnails');
    expect(classifierWrite?.weights).toBe(weightData);

    const loaded = await loadProject(db, 'p1');
    expect(await Promise.all(loaded?.files.map((f) => f.text()) ?? [])).toEqual([...FILES.map((f) => `bytes of ${f.path}`), 'frame a', 'frame b']);
    expect(loaded?.thumbnails.size).toBe(6);
    expect(new Float32Array(loaded?.weights ?? new ArrayBuffer(0))).toEqual(new Float32Array(weightData));
  });

  it('keeps the last saved version when a write fails, says so, and saves again at the next change', async () => {
    const { studio, saver, writes, advance, state } = await setUp();
    const failing = writes.length;
    studio.getState().updateSettings({ epochs: 9 });
    // A value IndexedDB cannot store makes the real transaction fail, as a full quota would.
    studio.getState().setClassifier({
      origin: 'imported', name: 'x', report: null,
      model: { format: CLASSIFIER_FORMAT, labels: ['cats', 'dogs'], imageSizePx: 224, backbone: 'b', modelTopology: { f: () => undefined }, weightSpecs: [], weightData: new ArrayBuffer(0) },
    });
    advance(DEBOUNCE_MS);
    // The save behind the failed one finds the change unsaved and tries again, in vain.
    expect(await saver.save()).toBe(false);
    expect(writes).toHaveLength(failing + 2);
    expect(state().save.status).toBe('failed');
    expect(state().save.error).toMatch(/^Could not save the project/);
    expect((await loadProject(db, 'p1'))?.record.state.settings.epochs).not.toBe(9);

    studio.getState().setClassifier(null);
    advance(DEBOUNCE_MS);
    await saver.save();
    expect(state().save.status).toBe('saved');
    expect((await loadProject(db, 'p1'))?.record.state.settings.epochs).toBe(9);
  });

  it('never writes over a newer save: a second tab that opened an older revision is refused, and one told it may not write does not try', async () => {
    const { studio, saver, advance, state } = await setUp();
    // Tab 2 opens the project as saved now (revision 1), with the same images.
    const studio2 = createStudioStore(() => {
      throw new Error('no training in these tests');
    }, () => pool);
    await studio2.getState().ingest(FILES);
    let state2: SaverState = { current: null, projects: [], save: { status: 'idle', savedAt: null, error: null }, pending: false, resumable: null, checkpointEpoch: null };
    let mayWrite = true;
    const { database: database2, writes: writes2 } = recordingDatabase(db);
    const saver2 = createProjectSaver({
      studio: studio2, database: database2, clock: fakeClock().clock, debounceMs: DEBOUNCE_MS, get: () => state2,
      set: (patch) => {
        state2 = { ...state2, ...patch };
      },
      afterSave: () => undefined, afterFailure: () => undefined, mayWrite: () => mayWrite,
    });
    expect((await loadProject(db, 'p1'))?.record.revision).toBe(1);
    saver2.opened(PROJECT, null, null, 1);

    // Tab 1 saves a change (revision 2); tab 2's change, made on revision 1, is refused and nothing of it is written.
    studio.getState().updateSettings({ epochs: 9 });
    advance(DEBOUNCE_MS);
    expect(await saver.save()).toBe(true);
    expect(state().save.status).toBe('saved');
    studio2.getState().updateSettings({ epochs: 3 });
    expect(await saver2.save()).toBe(false);
    expect(state2.save.error).toMatch(/another tab saved "pets" after this tab opened it/);
    const stored = await loadProject(db, 'p1');
    expect(stored?.record.revision).toBe(2);
    expect(stored?.record.state.settings.epochs).toBe(9);

    // While another tab holds the project, this one does not even try (its change stays pending).
    mayWrite = false;
    const tried = writes2.length;
    studio2.getState().updateSettings({ epochs: 4 });
    expect(await saver2.save()).toBe(true);
    expect(writes2).toHaveLength(tried);
  });

  it('writes each new checkpoint of the run under way, in the same queue', async () => {
    const { studio, saver, state } = await setUp();
    const checkpoint = testCheckpoint(2);
    studio.setState({ run: { ...studio.getState().run, status: 'running', checkpoint } });
    await saver.save();
    expect(state().checkpointEpoch).toBe(2);
    expect(saver.checkpoint?.checkpoint).toBe(checkpoint);
    expect((await loadProject(db, 'p1'))?.checkpoint?.savedAt).toBe('2026-12-02T10:00:00.000Z');
  });

  it('saves the stage of a run under way, so a project reloaded mid-run knows it was interrupted, and clears it when the run ends', async () => {
    const { studio, saver } = await setUp();
    const idle = studio.getState().run;
    studio.setState({ run: { ...idle, status: 'running', stage: 'embed' } });
    expect(await saver.flush()).toBe(true);
    expect((await loadProject(db, 'p1'))?.record.state.runUnderWay).toBe('embed');
    studio.setState({ run: { ...idle, status: 'stopped', stage: null } });
    expect(await saver.flush()).toBe(true);
    expect((await loadProject(db, 'p1'))?.record.state.runUnderWay).toBeNull();
  });

  it('saves while the images are checked (files and listing, no scan; progress does not postpone it), and the project checks them again when restored', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slowPool = { ...pool, scan: async (blob: Blob) => gate.then(() => pool.scan(blob)) };
    const studio = createStudioStore(() => {
      throw new Error('no training in these tests');
    }, () => slowPool);
    const { database, writes } = recordingDatabase(db);
    let state: SaverState = { current: null, projects: [], save: { status: 'idle', savedAt: null, error: null }, pending: false, resumable: null, checkpointEpoch: null };
    const { clock, advance } = fakeClock();
    const saver = createProjectSaver({
      studio, database, clock, debounceMs: DEBOUNCE_MS, get: () => state,
      set: (patch) => {
        state = { ...state, ...patch };
      },
      afterSave: () => undefined, afterFailure: () => undefined,
    });
    saver.began(PROJECT);
    studio.subscribe(saver.onStudioChange);
    const ingested = studio.getState().ingest(FILES);
    await expect.poll(() => studio.getState().ingestTask?.stage).toBe('scanning');
    // Progress every 200 ms (under the debounce) does not hold the save back.
    for (let done = 1; done <= 3; done++) {
      studio.setState({ ingestTask: { stage: 'scanning', done, total: 4 } });
      advance(200);
    }
    await expect.poll(() => writes.length).toBe(1);
    expect(writes[0]?.files?.blobs).toHaveLength(4);
    expect(await saver.flush()).toBe(true);
    const saved = await loadProject(db, 'p1');
    expect(saved?.record.state.scan).toBeNull();
    expect(saved?.record.state.dataset?.items).toHaveLength(4);

    // Another studio (the reloaded tab) opens it: the check starts again, and ends with every image checked.
    release();
    await ingested;
    const reopened = createStudioStore(() => {
      throw new Error('no training in these tests');
    }, () => pool);
    if (!saved) throw new Error('not saved');
    const content = checkedContent({ state: saved.record.state, files: saved.files, thumbnails: saved.thumbnails, weights: saved.weights });
    expect(reopened.getState().restoreProject(toSnapshot(content))).toBe(true);
    expect(reopened.getState().ingestTask?.stage).toBe('scanning');
    await expect.poll(() => reopened.getState().ingestTask).toBeNull();
    expect(reopened.getState().scan?.hashes.size).toBe(4);
    expect(reopened.getState().dataset?.items).toHaveLength(4);
  });
});
