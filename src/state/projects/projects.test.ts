import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../core/types';
import { CLASSIFIER_FORMAT } from '../../engine/model';
import type { StudioReport } from '../../engine/evaluation';
import { summarizeRun } from '../../engine/evaluation';
import { DEFAULT_SETTINGS } from '../../engine/training';
import { AUTO_INGEST } from '../ingestFlow';
import { createStudioStore } from '../studioStore';
import type { StudioSnapshot } from '../studioStore';
import { PROJECT_FILE_FORMAT, readProjectFile, writeProjectFile } from './projectFile';
import type { PortableCheckpoint } from './projectFile';
import { testCheckpoint } from '../run/testEvents';
import { datasetKey, toContent, toSnapshot } from './projectState';
import { filesToWrite, sameRefs, saveRefs } from './saveDiff';
import type { ProjectContent } from './projectState';
import { isQuotaError, saveFailureMessage } from './storage';
import { validateContent, validateProjectState } from './validate';

const noWorker = (): never => {
  throw new Error('no training in these tests');
};

const dataset: Dataset = {
  name: 'pets', layout: 'class-folders', classes: ['cat', 'dog'], skipped: [{ file: 'pets/notes.txt', reason: 'not an image' }],
  items: [
    { fileIndex: 0, path: 'pets/cat/1.jpg', classIndex: 0, split: 'train' },
    { fileIndex: 1, path: 'pets/dog/1.jpg', classIndex: 1, split: 'train' },
    { fileIndex: 2, path: 'pets/dog/2.jpg', classIndex: 1, split: 'val' },
  ],
  notes: [{ level: 'warning', code: 'few-images', message: 'few', files: ['cat'] }],
};

const evaluation = {
  split: 'val' as const, accuracy: 1, confusionMatrix: [[0, 0], [0, 1]],
  perClass: [{ class: 'cat', precision: null, recall: null, f1: null, support: 0 }, { class: 'dog', precision: 1, recall: 1, f1: 1, support: 1 }],
  macroAvg: { precision: 0.5, recall: 0.5, f1: 0.5, support: 1 }, weightedAvg: { precision: 1, recall: 1, f1: 1, support: 1 },
};
const history = [{ epoch: 1, loss: 0.7, accuracy: 0.5, valLoss: 0.6, valAccuracy: 1, elapsedMs: 12, learningRate: 0.001, stage: 1 as const }];
const plan = { stage1Epochs: 1, stage2Epochs: 0, fineTune: null, viewsPerImage: 1, classWeights: null, classWeightsReason: 'off', memory: { estimatedBytes: 1, budgetBytes: 2, note: null } };
const report: StudioReport = {
  version: 1, backbone: 'mobilenet_v1_0.25_224', backend: 'wasm', backends: { embed: 'wasm', fineTune: null }, classes: ['cat', 'dog'],
  counts: { train: { cat: 1, dog: 1 }, val: { cat: 0, dog: 1 } }, skipped: [], settings: DEFAULT_SETTINGS, plan, history,
  stages: [{ stage: 1, epochs: 1, bestEpoch: 1, restoredBest: false, stoppedEarly: false, backend: null }], stoppedByUser: false,
  evaluation, evaluations: [evaluation], timings: { ingestMs: 1, embedMs: 2, trainMs: 3, fineTuneMs: 0, totalMs: 6 },
  embedImagesPerSecond: 10, cacheBytes: 100, createdAt: '2026-11-23T00:00:00.000Z',
  predictions: [{ file: 'pets/dog/2.jpg', split: 'val', trueClass: 'dog', predictedClass: 'dog', confidence: 0.9 }], mistakes: { val: [] },
};
const weights = Float32Array.from([1, 2, 3, 4, 5, 6]).buffer;

function snapshot(): StudioSnapshot {
  const bytes = (text: string, type = 'image/jpeg'): Blob => new Blob([text], { type });
  const sources = [
    { path: 'pets/cat/1.jpg', file: bytes('cat one') }, { path: 'pets/dog/1.jpg', file: bytes('dog one!') },
    { path: 'pets/dog/2.jpg', file: bytes('dog two, a comma') }, { path: 'pets/notes.txt', file: bytes('hello', 'text/plain') },
  ];
  return {
    dataset: {
      sources, labelTexts: new Map([['pets/labels.csv', 'a,b\n']]), ingestOptions: { ...AUTO_INGEST, layout: 'class-folders' },
      dropDuplicates: true, dataset, ingestMs: 42,
      scan: {
        failed: new Map([[3, 'not an image']]), hashes: new Map([[0, { sha256: 'aa', dhash: 'bb' }]]),
        thumbnails: new Map([[0, bytes('thumb 0')], [2, bytes('thumb 2')]]),
        looks: new Map([[0, { width: 640, height: 480, spread: 41.5 }]]),
      },
      duplicates: { withinClass: [], acrossClasses: [], acrossSplits: [], nearAcrossSplits: [] },
    },
    settings: { ...DEFAULT_SETTINGS, epochs: 3, backboneId: 'mobilenet_v1_0.25_224' },
    backendPreference: 'wasm',
    run: { status: 'done', backend: 'wasm', backendReason: 'r', fineTuneBackend: null, fineTuneBackendReason: null, plan, epochs: 1, history, skipped: [], report, message: null },
    classifier: {
      origin: 'trained', name: 'pets', report,
      model: { format: CLASSIFIER_FORMAT, labels: ['cat', 'dog'], imageSizePx: 224, backbone: 'mobilenet_v1_0.25_224', modelTopology: { a: 1 }, weightSpecs: [{ name: 'w', shape: [2, 3], dtype: 'float32' }], weightData: weights },
    },
    classifierNote: null,
    runs: [summarizeRun(report), summarizeRun({ ...report, settings: { ...report.settings, inputSizePx: 160 }, createdAt: '2026-11-23T01:00:00.000Z' })],
  };
}

/** The studio's content after restoring `snap` into a fresh store (what a save would write). */
function contentOf(snap: StudioSnapshot): ProjectContent {
  const studio = createStudioStore(noWorker);
  expect(studio.getState().restoreProject(snap)).toBe(true);
  const state = studio.getState();
  return toContent(state, snap.run);
}

const texts = (blobs: Iterable<Blob>): Promise<string[]> => Promise.all([...blobs].map((b) => b.text()));

describe('project state', () => {
  it('round-trips the studio: restore, then save, gives back the same state and bytes', async () => {
    const snap = snapshot();
    const content = contentOf(snap);
    expect(validateProjectState(JSON.parse(JSON.stringify(content.state)))).toEqual(content.state);
    validateContent(content);
    const back = toSnapshot(content);
    expect(back.settings).toEqual(snap.settings);
    expect(back.run).toEqual(snap.run);
    expect(back.dataset?.dataset).toEqual(dataset);
    expect(back.dataset?.scan?.failed).toEqual(snap.dataset?.scan?.failed);
    expect(back.dataset?.scan?.looks).toEqual(snap.dataset?.scan?.looks);
    expect(back.dataset?.labelTexts).toEqual(snap.dataset?.labelTexts);
    expect(back.dataset?.sources.map((s) => s.path)).toEqual(snap.dataset?.sources.map((s) => s.path));
    expect(await texts(back.dataset?.sources.map((s) => s.file) ?? [])).toEqual(await texts(snap.dataset?.sources.map((s) => s.file) ?? []));
    expect(back.classifier?.model.weightData).toBe(weights);
    expect(back.classifier?.model.labels).toEqual(['cat', 'dog']);
    expect(back.runs).toEqual(snap.runs);
    expect(back.runs?.map((r) => r.inputSizePx)).toEqual([224, 160]);
  });

  it('keys a dataset by what it trains on: renaming a class or moving an image changes the key', () => {
    const key = datasetKey(dataset);
    expect(datasetKey({ ...dataset, name: 'other' })).toBe(key);
    expect(datasetKey({ ...dataset, classes: ['kitten', 'dog'] })).not.toBe(key);
    expect(datasetKey({ ...dataset, items: dataset.items.map((i) => ({ ...i, split: 'val' as const })) })).not.toBe(key);
    expect(datasetKey(null)).toBe('none');
  });

  it('rejects states it cannot use, saying where', () => {
    const state = JSON.parse(JSON.stringify(contentOf(snapshot()).state)) as Record<string, unknown> & { dataset: Dataset };
    const bad = (patch: object): unknown => ({ ...state, ...patch });
    expect(() => validateProjectState(bad({ version: 2 }))).toThrow('state.version is 2; this studio reads version 1');
    expect(() => validateProjectState(bad({ files: 'x' }))).toThrow('state.files is not a list');
    expect(() => validateProjectState(bad({ dataset: { ...state.dataset, items: [{ ...state.dataset.items[0], fileIndex: 9 }] } })))
      .toThrow('state.dataset.items[0].fileIndex is not a whole number in [0, 3]');
    expect(() => validateProjectState(bad({ dataset: { ...state.dataset, classes: ['a', 'a'] } }))).toThrow('has a name twice');
    expect(() => validateProjectState(bad({ settings: { ...DEFAULT_SETTINGS, epochs: 'many' } }))).toThrow('state.settings.epochs is not a number');
    expect(() => validateProjectState(bad({ settings: { ...DEFAULT_SETTINGS, backboneId: 'resnet' } }))).toThrow('state.settings.backboneId is not one of');
    expect(() => validateProjectState(bad({ run: { ...(state.run as object), report: { ...report, evaluation: { ...evaluation, confusionMatrix: [[1]] } } } })))
      .toThrow('state.run.report.evaluation.confusionMatrix has 1 rows for 2 classes');
    const classifier = state.classifier as { model: object };
    expect(() => validateProjectState(bad({ classifier: { ...classifier, model: { ...classifier.model, weightBytes: 8 } } })))
      .toThrow('state.classifier.model.weightBytes is 8; the weight specs need 24');
    expect(() => validateProjectState(bad({ runs: [{ ...(state.runs as object[])[0], accuracy: { val: 'high' } }] }))).toThrow('state.runs[0].accuracy.val is not a number');
    // A project saved before runs were kept has none.
    const { runs: _runs, ...withoutRuns } = state;
    expect(validateProjectState(withoutRuns).runs).toEqual([]);
    // Settings added after a project was saved take their defaults.
    const { photoFit: _fit, ...older } = DEFAULT_SETTINGS;
    expect(validateProjectState(bad({ settings: older })).settings.photoFit).toBe(DEFAULT_SETTINGS.photoFit);
  });
});

describe('project file', () => {
  it('exports and imports a project: same state, same bytes', async () => {
    const content = contentOf(snapshot());
    const file = await writeProjectFile('My pets', content);
    const { name, content: back } = await readProjectFile(file, 'pets.ftsproject.zip');
    expect(name).toBe('My pets');
    expect(back.state).toEqual(content.state);
    expect(await texts(back.files)).toEqual(await texts(content.files));
    expect(back.files.map((f) => f.type)).toEqual(content.files.map((f) => f.type));
    expect(await texts(back.thumbnails.values())).toEqual(await texts(content.thumbnails.values()));
    expect([...back.thumbnails.keys()]).toEqual([0, 2]);
    expect(new Float32Array(back.weights as ArrayBuffer)).toEqual(new Float32Array(weights));
  });

  it('rejects malformed files with a message that says what is wrong', async () => {
    const content = contentOf(snapshot());
    const good = await writeProjectFile('p', content);
    const entries = (await import('../../data/ingest')).readZip(good);
    const parts = Object.fromEntries(await Promise.all((await entries).map(async (e) => [e.path, new Uint8Array(await e.blob.arrayBuffer())] as const)));
    const manifest = JSON.parse(new TextDecoder().decode(parts['manifest.json'])) as { format: string; state: Record<string, unknown> };
    const zip = (files: Record<string, Uint8Array>): Blob => new Blob([zipSync(files) as BlobPart]);
    const withManifest = (m: unknown, rest = parts): Blob => zip({ ...rest, 'manifest.json': strToU8(JSON.stringify(m)) });
    const reject = (blob: Blob, message: string | RegExp): Promise<void> => expect(readProjectFile(blob, 'x.zip')).rejects.toThrow(message);

    await reject(new Blob(['not a zip at all']), /x.zip is not a project this studio can open: it is not a readable zip archive/);
    await reject(zip({ 'a.txt': strToU8('hi') }), 'it has no manifest.json');
    await reject(zip({ ...parts, 'manifest.json': strToU8('{ nope') }), /its manifest.json is not valid JSON/);
    await reject(withManifest({ ...manifest, format: 'something/else@1' }), `manifest.format is "something/else@1", not ${PROJECT_FILE_FORMAT}`);
    await reject(withManifest({ ...manifest, state: { ...manifest.state, dropDuplicates: 'yes' } }), 'manifest.state.dropDuplicates is not true or false');
    const { 'files/1': _missing, ...withoutFile } = parts;
    await reject(withManifest(manifest, withoutFile), 'files/1 (pets/dog/1.jpg) is missing');
    await reject(zip({ ...parts, 'files/1': strToU8('short') }), 'file 1 (pets/dog/1.jpg) has 5 bytes; the project says 8');
    await reject(zip({ ...parts, 'model/weights.bin': new Uint8Array(8) }), 'the model weights have 8 bytes; the model says 24');
    await reject(zip({ ...parts, 'extra/evil.html': strToU8('<script>') }), 'it holds extra/evil.html, which its manifest does not list');
  });
});

describe('project file: checkpoints and large files', () => {
  const tensor = (name: string, shape: number[], values: number[], dtype: 'float32' | 'int32' = 'float32') => ({
    name, shape, dtype, data: new Blob([dtype === 'int32' ? new Int32Array(values) : new Float32Array(values)]),
  });
  const checkpointOf = (): PortableCheckpoint => {
    const base = testCheckpoint(2);
    return {
      savedAt: '2026-12-03T10:00:00.000Z', settings: { ...DEFAULT_SETTINGS, epochs: 7 }, backendPreference: 'wasm', datasetKey: 'key-1',
      checkpoint: {
        ...base,
        loop: {
          ...base.loop, weights: [tensor('w', [2, 3], [1, 2, 3, 4, 5, 6]), tensor('b', [3], [7, 8, 9])], optimizer: [tensor('step', [], [2], 'int32')],
          best: { ...base.loop.best, weights: [tensor('w', [2, 3], [6, 5, 4, 3, 2, 1]), tensor('b', [3], [0, 0, 1])] },
        },
      },
    };
  };
  const bytesOf = async (c: PortableCheckpoint | null) =>
    Promise.all([...(c?.checkpoint.loop.weights ?? []), ...(c?.checkpoint.loop.optimizer ?? []), ...(c?.checkpoint.loop.best.weights ?? [])].map(async (t) => [...new Uint8Array(await t.data.arrayBuffer())]));

  it('carries the checkpoint of an interrupted run, every tensor intact, and none when there is none', async () => {
    const content = contentOf(snapshot());
    const checkpoint = checkpointOf();
    const back = await readProjectFile(await writeProjectFile('p', content, checkpoint), 'p.zip');
    expect(back.checkpoint?.checkpoint.loop.weights.map((t) => [t.name, t.shape, t.dtype])).toEqual([['w', [2, 3], 'float32'], ['b', [3], 'float32']]);
    expect({ ...back.checkpoint, checkpoint: undefined }).toEqual({ ...checkpoint, checkpoint: undefined });
    expect(await bytesOf(back.checkpoint)).toEqual(await bytesOf(checkpoint));
    expect(back.checkpoint?.checkpoint.history).toEqual(checkpoint.checkpoint.history);
    expect((await readProjectFile(await writeProjectFile('p', content), 'p.zip')).checkpoint).toBeNull();
  });

  it('refuses a checkpoint whose tensor bytes do not fit its shape', async () => {
    const checkpoint = checkpointOf();
    const bad = { ...checkpoint, checkpoint: { ...checkpoint.checkpoint, loop: { ...checkpoint.checkpoint.loop, weights: [tensor('w', [2, 3], [1, 2])] } } };
    await expect(readProjectFile(await writeProjectFile('p', contentOf(snapshot()), bad), 'p.zip')).rejects.toThrow('checkpoint tensor 0 has 8 bytes; its shape needs 24');
  });

  it('streams files larger than what it gathers before folding, byte for byte', async () => {
    const content = contentOf(snapshot());
    const big = new Uint8Array(20 * 1024 ** 2 + 3).map((_, i) => (i * 31) % 251);
    const files = [...content.files.slice(0, 1), new Blob([big], { type: 'image/jpeg' }), ...content.files.slice(2)];
    const withBig = { ...content, files, state: { ...content.state, files: content.state.files.map((f, i) => (i === 1 ? { ...f, size: big.length } : f)) } };
    const back = await readProjectFile(await writeProjectFile('big', withBig), 'big.zip');
    const read = new Uint8Array(await (back.content.files[1] as Blob).arrayBuffer());
    // Compared as a count of differing bytes: a diff of 20 MB arrays would not fit in the test's memory.
    expect(read.length).toBe(big.length);
    expect(read.reduce((n, b, i) => n + (b === big[i] ? 0 : 1), 0)).toBe(0);
  });
});

describe('save diff', () => {
  it('writes no images when they are the same, only the appended ones after captures, else all of them', () => {
    const a = { path: 'a.jpg', file: new Blob(['a']) };
    const b = { path: 'b.jpg', file: new Blob(['b']) };
    const c = { path: 'c.jpg', file: new Blob(['c']) };
    const saved = [a, b];
    expect(filesToWrite(saved, saved)).toBeUndefined();
    expect(filesToWrite(saved, [a, b, c])).toEqual({ from: 2, blobs: [c.file] });
    expect(filesToWrite(saved, [c, a, b])).toEqual({ from: 0, blobs: [c.file, a.file, b.file] });
    expect(filesToWrite(saved, [a])).toEqual({ from: 0, blobs: [a.file] });
    expect(filesToWrite(undefined, [])).toEqual({ from: 0, blobs: [] });
  });

  it('sees a change in any saved part, and none when nothing changed', () => {
    const studio = createStudioStore(noWorker);
    studio.getState().restoreProject(snapshot());
    const name = { name: 'p', autoName: true };
    const before = saveRefs(studio.getState(), null, name);
    expect(sameRefs(null, before)).toBe(false);
    expect(sameRefs(before, saveRefs(studio.getState(), null, name))).toBe(true);
    expect(sameRefs(before, saveRefs(studio.getState(), null, { ...name, name: 'q' }))).toBe(false);
    studio.getState().updateSettings({ epochs: 9 });
    expect(sameRefs(before, saveRefs(studio.getState(), null, name))).toBe(false);
    const settled = saveRefs(studio.getState(), null, name);
    studio.getState().renameClass(0, 'kitten');
    expect(sameRefs(settled, saveRefs(studio.getState(), null, name))).toBe(false);
  });
});

describe('storage messages', () => {
  it('tells a full quota from other failures', () => {
    const quota = Object.assign(new Error('full'), { name: 'QuotaExceededError' });
    expect(isQuotaError(quota)).toBe(true);
    expect(isQuotaError(new Error('other'))).toBe(false);
    expect(saveFailureMessage('the project', quota)).toMatch(/storage for this site is full \(quota exceeded\)\. Nothing was written; the last saved version is kept/);
    expect(saveFailureMessage('the project', new Error('disk on fire'))).toBe('Could not save the project: disk on fire. The last saved version is kept.');
  });
});
