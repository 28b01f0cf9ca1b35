/**
 * The benchmark page (`/src/bench/bench.html` in the built app): the studio's engine and stores, and
 * Teachable Machine's trainer, behind a few functions on `window.bench` that the Playwright suite
 * (`e2e/bench/suite.bench.ts`) calls. Folders arrive through the page's folder input, as in the studio.
 */
import { initBackend, WASM_PATHS } from '../engine/backend';
import type { BackendName } from '../engine/backend';
import type { TrainSettings } from '../engine/training';
import type { PickedFile } from '../state';
import { measureDecode } from './decodeBench';
import type { DecodeResult } from './decodeBench';
import { describeEnvironment } from './environment';
import { generateImages } from './generate';
import type { EnvironmentInfo } from './environment';
import { openStudio } from './studioRun';
import type { IngestResult, StudioRunResult, StudioSession, TrainOptions } from './studioRun';
import { prepareTeachableBase, runTeachable } from './teachable';
import type { TeachableResult } from './teachable';
import { runThroughput } from './throughputClient';
import type { ThroughputSummary } from './throughputClient';
import type { ThroughputRequest } from './throughputProtocol';

/** The functions the suite calls through `page.evaluate`. */
export interface BenchApi {
  environment(): Promise<EnvironmentInfo>;
  /** Keeps the files now in the folder input under `key`, at most `perFolder` from each folder (0: all); returns how many. */
  keepFolder(key: string, perFolder: number): number;
  /** Keeps under `toKey` at most `perFolder` files of each directory of folder `fromKey`; returns how many. */
  subset(fromKey: string, toKey: string, perFolder: number): number;
  /** Makes a folder of `count` generated JPEGs (see `generateImages`) under `key`; returns the ms it took. */
  generate(key: string, count: number, classes: number, sizesPx: number | readonly number[]): Promise<number>;
  throughput(request: ThroughputRequest, deadlineMs: number): Promise<ThroughputSummary>;
  /** Decode + augment throughput on `count` training images of folder `key`. */
  decode(key: string, count: number, sizePx: number, runs: number): Promise<DecodeResult[]>;
  /** Reads folder `key` into a new studio store (the UI's ingest, scan included), ending the previous one. */
  ingest(key: string): Promise<IngestResult>;
  /** Trains on the folder `ingest` read last, with the studio's defaults changed by `settings`. */
  train(settings: Partial<TrainSettings>, backend: 'auto' | BackendName, options?: TrainOptions): Promise<StudioRunResult>;
  /**
   * Teachable Machine on the folder `ingest` read last, split as the studio split it: the held-out images are
   * its `test` split (else `val`), the examples all the others.
   */
  teachable(epochs: number, backend: BackendName): Promise<TeachableResult & { readonly baseLayers: number }>;
}

declare global {
  interface Window {
    bench?: BenchApi;
  }
}

const folders = new Map<string, PickedFile[]>();
let session: StudioSession | null = null;

function folderInput(): HTMLInputElement {
  const input = document.querySelector<HTMLInputElement>('#folder');
  if (!input) throw new Error('the bench page has no #folder input');
  return input;
}

/** At most `perFolder` files (in path order) from each directory; every file when `perFolder` is 0. */
function limitPerFolder(files: PickedFile[], perFolder: number): PickedFile[] {
  if (perFolder <= 0) return files;
  const taken = new Map<string, number>();
  return [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).filter((f) => {
    const dir = f.path.slice(0, f.path.lastIndexOf('/'));
    const n = taken.get(dir) ?? 0;
    taken.set(dir, n + 1);
    return n < perFolder;
  });
}

function folder(key: string): PickedFile[] {
  const files = folders.get(key);
  if (!files) throw new Error(`no folder "${key}": call keepFolder first`);
  return files;
}

const api: BenchApi = {
  environment: describeEnvironment,

  keepFolder(key, perFolder) {
    const files = [...(folderInput().files ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
    const kept = limitPerFolder(files, perFolder);
    folders.set(key, kept);
    return kept.length;
  },

  subset(fromKey, toKey, perFolder) {
    const kept = limitPerFolder(folder(fromKey), perFolder);
    folders.set(toKey, kept);
    return kept.length;
  },

  async generate(key, count, classes, sizesPx) {
    const startMs = performance.now();
    folders.set(key, await generateImages(key, count, classes, sizesPx));
    return performance.now() - startMs;
  },

  throughput: runThroughput,

  async decode(key, count, sizePx, runs) {
    const images = folder(key).filter((f) => /\.(jpe?g|png)$/i.test(f.path));
    // Spread over the folders (classes) rather than the first class only.
    const step = Math.max(1, Math.floor(images.length / count));
    const chosen = images.filter((_, i) => i % step === 0).slice(0, count).map((f) => f.file);
    return measureDecode(chosen, sizePx, runs);
  },

  async ingest(key) {
    session?.dispose();
    session = null;
    session = await openStudio(key, folder(key));
    return session.ingest;
  },

  train(settings, backend, options) {
    if (!session) throw new Error('ingest a folder first');
    return session.train(settings, backend, options);
  },

  async teachable(epochs, backend) {
    if (!session) throw new Error('ingest a folder first: Teachable Machine gets the studio\'s split of it');
    const { dataset, files } = session;
    const info = await initBackend({ preference: backend, wasmPaths: WASM_PATHS });
    if (info.name !== backend) throw new Error(`${backend} did not initialise on the page (${info.reason})`);
    const base = await prepareTeachableBase();
    const heldOutSplit = dataset.items.some((i) => i.split === 'test') ? 'test' : 'val';
    const labelled = (inHeldOut: boolean) =>
      dataset.items.filter((i) => (i.split === heldOutSplit) === inHeldOut).flatMap((i) => {
        const file = files[i.fileIndex];
        return file ? [{ file, classIndex: i.classIndex }] : [];
      });
    const result = await runTeachable({ classes: dataset.classes, train: labelled(false), heldOut: labelled(true), epochs, seed: '42' });
    return { ...result, baseLayers: base.layers };
  },
};

window.bench = api;
document.body.dataset['ready'] = 'true';
