/**
 * Checks a `ProjectState` read from a project file (or from storage) before anything uses it: every field
 * the studio reads has the right type, every index points at something that exists, every size matches the
 * bytes that came with it. Settings missing from an older project take their defaults. Pure (Node-tested).
 */
import { DATASET_LAYOUTS, SPLIT_NAMES } from '../../core/types';
import type { Dataset, DatasetReading, SplitName } from '../../core/types';
import { BACKEND_ORDER } from '../../engine/backend';
import { ALL_BACKBONES, CUSTOM_ID_PREFIX } from '../../engine/backbones';
import { CLASSIFIER_FORMAT, checkCalibration } from '../../engine/model';
import { checkHistory, checkReport, checkSkipped } from '../../engine/evaluation';
import type { RunSummary } from '../../engine/evaluation';
import { DEFAULT_SETTINGS, NUMBER_SETTINGS, RUN_STAGES, SETTING_CHOICES } from '../../engine/training';
import type { NumberSettingSpec, TrainSettings } from '../../engine/training';
import type { SavedRun } from '../studioStore';
import { ShapeError, array, boolean, integer, nullable, number, object, oneOf, string, strings } from '../../core/check';
import type { Rec } from '../../core/check';
import { PROJECT_STATE_VERSION } from './projectState';
import type { ClassifierMeta, ProjectContent, ProjectState, SavedScan } from './projectState';

const LAYOUTS = ['auto', ...DATASET_LAYOUTS] as const;
const SPLITS = SPLIT_NAMES as readonly SplitName[];

/** path -> class name, or null (left out). */
function checkLabelEdits(value: unknown, where: string): Record<string, string | null> {
  const edits = object(value, where);
  return Object.fromEntries(Object.entries(edits).map(([path, name]) => [path, nullable(name, (s) => string(s, `${where}[${JSON.stringify(path)}]`))]));
}

/** The state, checked; throws a `ShapeError` (a `UserFacingError`) naming the first problem. */
export function validateProjectState(value: unknown, where = 'state'): ProjectState {
  const v = object(value, where);
  if (v.version !== PROJECT_STATE_VERSION) throw new ShapeError(`${where}.version`, `is ${String(v.version)}; this studio reads version ${PROJECT_STATE_VERSION}`);
  const files = array(v.files, `${where}.files`).map((f, i) => {
    const file = object(f, `${where}.files[${i}]`);
    return { path: string(file.path, `${where}.files[${i}].path`), size: integer(file.size, `${where}.files[${i}].size`), type: string(file.type, `${where}.files[${i}].type`) };
  });
  const options = object(v.ingestOptions, `${where}.ingestOptions`);
  const dataset = nullable(v.dataset, (d) => checkDataset(d, `${where}.dataset`, files.length));
  const settings = checkSettings(v.settings, `${where}.settings`);
  return {
    version: PROJECT_STATE_VERSION,
    files,
    labelTexts: array(v.labelTexts, `${where}.labelTexts`).map((pair, i) => {
      const [path, text] = array(pair, `${where}.labelTexts[${i}]`);
      return [string(path, `${where}.labelTexts[${i}][0]`), string(text, `${where}.labelTexts[${i}][1]`)] as const;
    }),
    ingestOptions: {
      layout: oneOf(options.layout, LAYOUTS, `${where}.ingestOptions.layout`),
      labelFile: nullable(options.labelFile, (s) => string(s, `${where}.ingestOptions.labelFile`)),
      fileColumn: nullable(options.fileColumn, (s) => string(s, `${where}.ingestOptions.fileColumn`)),
      labelColumn: nullable(options.labelColumn, (s) => string(s, `${where}.ingestOptions.labelColumn`)),
      ...(options.mergeCaseVariants !== undefined && {
        mergeCaseVariants: boolean(options.mergeCaseVariants, `${where}.ingestOptions.mergeCaseVariants`),
      }),
      ...(options.labelEdits !== undefined && { labelEdits: checkLabelEdits(options.labelEdits, `${where}.ingestOptions.labelEdits`) }),
      ...(options.splitEdits !== undefined && {
        splitEdits: Object.fromEntries(Object.entries(object(options.splitEdits, `${where}.ingestOptions.splitEdits`)).map(([path, split]) => [
          path, oneOf(split, SPLITS, `${where}.ingestOptions.splitEdits[${JSON.stringify(path)}]`),
        ])),
      }),
    },
    dropDuplicates: boolean(v.dropDuplicates, `${where}.dropDuplicates`),
    dataset,
    scan: nullable(v.scan, (s) => checkScan(s, `${where}.scan`, files.length)),
    duplicates: nullable(v.duplicates, (d) => {
      const dup = object(d, `${where}.duplicates`);
      for (const key of ['withinClass', 'acrossClasses', 'acrossSplits', 'nearAcrossSplits']) array(dup[key], `${where}.duplicates.${key}`);
      return dup as unknown as ProjectState['duplicates'];
    }),
    ingestMs: number(v.ingestMs, `${where}.ingestMs`),
    settings,
    backendPreference: oneOf(v.backendPreference, ['auto', ...BACKEND_ORDER] as const, `${where}.backendPreference`),
    run: nullable(v.run, (r) => checkRun(r, `${where}.run`)),
    classifier: nullable(v.classifier, (c) => checkClassifier(c, `${where}.classifier`)),
    classifierNote: nullable(v.classifierNote, (s) => string(s, `${where}.classifierNote`)),
    runs: v.runs === undefined ? [] : array(v.runs, `${where}.runs`).map((r, i) => checkRunSummary(r, `${where}.runs[${i}]`)),
    ...(v.runUnderWay !== undefined && { runUnderWay: nullable(v.runUnderWay, (stage) => oneOf(stage, RUN_STAGES, `${where}.runUnderWay`)) }),
  };
}

/** One line of the "Runs compared" table. */
function checkRunSummary(value: unknown, where: string): RunSummary {
  const r = object(value, where);
  const perSplit = (v: unknown, at: string): Partial<Record<SplitName, number>> => {
    const o = object(v, at);
    const out: Partial<Record<SplitName, number>> = {};
    for (const split of SPLITS) if (o[split] !== undefined) out[split] = number(o[split], `${at}.${split}`);
    return out;
  };
  return {
    createdAt: string(r.createdAt, `${where}.createdAt`),
    backbone: string(r.backbone, `${where}.backbone`),
    inputSizePx: integer(r.inputSizePx, `${where}.inputSizePx`, 1, 4096),
    fineTuneBlocks: integer(r.fineTuneBlocks, `${where}.fineTuneBlocks`, 0, 1000),
    epochs: integer(r.epochs, `${where}.epochs`, 0, 100_000),
    viewsPerImage: integer(r.viewsPerImage, `${where}.viewsPerImage`, 0, 1000),
    backend: string(r.backend, `${where}.backend`),
    embedImagesPerSecond: number(r.embedImagesPerSecond, `${where}.embedImagesPerSecond`),
    embedMs: number(r.embedMs, `${where}.embedMs`),
    trainMs: number(r.trainMs, `${where}.trainMs`),
    totalMs: number(r.totalMs, `${where}.totalMs`),
    images: perSplit(r.images, `${where}.images`),
    accuracy: perSplit(r.accuracy, `${where}.accuracy`),
    stoppedByUser: boolean(r.stoppedByUser, `${where}.stoppedByUser`),
  };
}

/** A project's content with its state checked (see `validateProjectState`) and its bytes checked against it. */
export function checkedContent(raw: Omit<ProjectContent, 'state'> & { readonly state: unknown }, where = 'state'): ProjectContent {
  const content = { ...raw, state: validateProjectState(raw.state, where) };
  validateContent(content);
  return content;
}

/** Checks that the bytes match the state: one blob per file of its size, the thumbnails listed, the weights' length. */
export function validateContent(content: ProjectContent): void {
  const { state } = content;
  if (content.files.length !== state.files.length) {
    throw new ShapeError('files', `has ${content.files.length} entries; the project lists ${state.files.length}`);
  }
  state.files.forEach((f, i) => {
    const size = content.files[i]?.size;
    if (size !== f.size) throw new ShapeError(`file ${i} (${f.path})`, `has ${size ?? 0} bytes; the project says ${f.size}`);
  });
  for (const index of state.scan?.thumbnails ?? []) {
    if (!content.thumbnails.has(index)) throw new ShapeError(`thumbnail ${index}`, 'is missing');
  }
  const meta = state.classifier?.model;
  if (meta) {
    const size = content.weights?.byteLength;
    if (size !== meta.weightBytes) throw new ShapeError('the model weights', `have ${size ?? 0} bytes; the model says ${meta.weightBytes}`);
  } else if (content.weights) {
    throw new ShapeError('the model weights', 'came without a model');
  }
}

function checkDataset(value: unknown, where: string, fileCount: number): Dataset {
  const d = object(value, where);
  const classes = strings(d.classes, `${where}.classes`);
  if (new Set(classes).size !== classes.length) throw new ShapeError(`${where}.classes`, 'has a name twice');
  const items = array(d.items, `${where}.items`).map((it, i) => {
    const item = object(it, `${where}.items[${i}]`);
    return {
      fileIndex: integer(item.fileIndex, `${where}.items[${i}].fileIndex`, 0, fileCount - 1),
      path: string(item.path, `${where}.items[${i}].path`),
      classIndex: integer(item.classIndex, `${where}.items[${i}].classIndex`, 0, classes.length - 1),
      split: oneOf(item.split, SPLITS, `${where}.items[${i}].split`),
    };
  });
  const notes = d.notes === undefined ? undefined : array(d.notes, `${where}.notes`).map((n, i) => {
    const note = object(n, `${where}.notes[${i}]`);
    string(note.message, `${where}.notes[${i}].message`);
    oneOf(note.level, ['info', 'warning', 'error'] as const, `${where}.notes[${i}].level`);
    if (note.files !== undefined) strings(note.files, `${where}.notes[${i}].files`);
    return note;
  });
  return {
    ...(d as unknown as Dataset),
    name: string(d.name, `${where}.name`),
    layout: oneOf(d.layout, DATASET_LAYOUTS, `${where}.layout`),
    classes,
    items,
    skipped: checkSkipped(d.skipped, `${where}.skipped`),
    ...(notes ? { notes: notes as unknown as Dataset['notes'] } : {}),
    ...(d.reading !== undefined && { reading: checkReading(d.reading, `${where}.reading`) }),
    ...(d.unlabelled !== undefined && {
      unlabelled: array(d.unlabelled, `${where}.unlabelled`).map((u, i) => {
        const image = object(u, `${where}.unlabelled[${i}]`);
        return {
          fileIndex: integer(image.fileIndex, `${where}.unlabelled[${i}].fileIndex`, 0, fileCount - 1),
          path: string(image.path, `${where}.unlabelled[${i}].path`),
        };
      }),
    }),
  };
}

/** How the files were read: its other readings must be layouts with a title (they become buttons). */
function checkReading(value: unknown, where: string): DatasetReading {
  const r = object(value, where);
  array(r.alternatives, `${where}.alternatives`).forEach((a, i) => {
    const alt = object(a, `${where}.alternatives[${i}]`);
    oneOf(alt.layout, DATASET_LAYOUTS, `${where}.alternatives[${i}].layout`);
    string(alt.title, `${where}.alternatives[${i}].title`);
    if (alt.labelFile !== undefined) string(alt.labelFile, `${where}.alternatives[${i}].labelFile`);
  });
  return r as unknown as DatasetReading;
}

function checkScan(value: unknown, where: string, fileCount: number): SavedScan {
  const s = object(value, where);
  const index = (v: unknown, at: string): number => integer(v, at, 0, fileCount - 1);
  return {
    failed: array(s.failed, `${where}.failed`).map((p, i) => {
      const [at, reason] = array(p, `${where}.failed[${i}]`);
      return [index(at, `${where}.failed[${i}][0]`), string(reason, `${where}.failed[${i}][1]`)] as const;
    }),
    hashes: array(s.hashes, `${where}.hashes`).map((p, i) => {
      const [at, hash] = array(p, `${where}.hashes[${i}]`);
      const h = object(hash, `${where}.hashes[${i}][1]`);
      return [index(at, `${where}.hashes[${i}][0]`), { sha256: string(h.sha256, `${where}.hashes[${i}][1].sha256`), dhash: string(h.dhash, `${where}.hashes[${i}][1].dhash`) }] as const;
    }),
    thumbnails: array(s.thumbnails, `${where}.thumbnails`).map((t, i) => index(t, `${where}.thumbnails[${i}]`)),
    ...(s.looks !== undefined && {
      looks: array(s.looks, `${where}.looks`).map((p, i) => {
        const [at, look] = array(p, `${where}.looks[${i}]`);
        const l = object(look, `${where}.looks[${i}][1]`);
        const size = (v: unknown, key: string) => integer(v, `${where}.looks[${i}][1].${key}`, 1);
        const spread = number(l.spread, `${where}.looks[${i}][1].spread`);
        return [index(at, `${where}.looks[${i}][0]`), { width: size(l.width, 'width'), height: size(l.height, 'height'), spread }] as const;
      }),
    }),
  };
}

/**
 * Settings over the defaults: each saved one must have the default's type, a choice listed in
 * `SETTING_CHOICES`, a count within `NUMBER_SETTINGS[key].saved`; unknown keys are dropped.
 */
export function checkSettings(value: unknown, where: string): TrainSettings {
  const s = object(value, where);
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  const numbers: Readonly<Record<string, NumberSettingSpec>> = NUMBER_SETTINGS;
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const saved = s[key];
    if (saved === undefined) continue;
    const range = numbers[key]?.nullable ? numbers[key].saved : undefined;
    if (range) out[key] = nullable(saved, (b) => integer(b, `${where}.${key}`, range.min, range.max));
    else if (key === 'augment') out[key] = { ...DEFAULT_SETTINGS.augment, ...sameTypes(object(saved, `${where}.augment`), DEFAULT_SETTINGS.augment, `${where}.augment`) };
    else if (typeof saved !== typeof fallback || (typeof saved === 'number' && !Number.isFinite(saved))) throw new ShapeError(`${where}.${key}`, `is not a ${typeof fallback}`);
    else out[key] = saved;
  }
  const settings = out as unknown as TrainSettings;
  // A model of the user's own is kept by id; its files are not part of the project, so it is chosen again.
  if (!settings.backboneId.startsWith(CUSTOM_ID_PREFIX)) oneOf(settings.backboneId, ALL_BACKBONES.map((b) => b.id), `${where}.backboneId`);
  for (const [key, choices] of Object.entries(SETTING_CHOICES)) oneOf(out[key], choices, `${where}.${key}`);
  for (const [key, spec] of Object.entries(numbers)) {
    if (spec.saved && !spec.nullable) integer(out[key], `${where}.${key}`, spec.saved.min, spec.saved.max);
  }
  return settings;
}

function sameTypes(saved: Rec, defaults: object, where: string): Rec {
  const out: Record<string, unknown> = {};
  for (const [key, fallback] of Object.entries(defaults)) {
    if (saved[key] === undefined) continue;
    if (typeof saved[key] !== typeof fallback) throw new ShapeError(`${where}.${key}`, `is not a ${typeof fallback}`);
    out[key] = saved[key];
  }
  return out;
}

function checkRun(value: unknown, where: string): SavedRun {
  const r = object(value, where);
  return {
    status: oneOf(r.status, ['done', 'stopped', 'error'] as const, `${where}.status`),
    backend: nullable(r.backend, (s) => string(s, `${where}.backend`)),
    backendReason: nullable(r.backendReason, (s) => string(s, `${where}.backendReason`)),
    fineTuneBackend: nullable(r.fineTuneBackend, (s) => string(s, `${where}.fineTuneBackend`)),
    fineTuneBackendReason: nullable(r.fineTuneBackendReason, (s) => string(s, `${where}.fineTuneBackendReason`)),
    plan: nullable(r.plan, (p) => object(p, `${where}.plan`) as unknown as SavedRun['plan']),
    epochs: integer(r.epochs, `${where}.epochs`),
    history: checkHistory(r.history, `${where}.history`),
    skipped: checkSkipped(r.skipped, `${where}.skipped`),
    report: nullable(r.report, (rep) => checkReport(rep, `${where}.report`)),
    message: nullable(r.message, (s) => string(s, `${where}.message`)),
  };
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

function checkClassifier(value: unknown, where: string): NonNullable<ProjectState['classifier']> {
  const c = object(value, where);
  const m = object(c.model, `${where}.model`);
  if (m.format !== CLASSIFIER_FORMAT) throw new ShapeError(`${where}.model.format`, `is not ${CLASSIFIER_FORMAT}`);
  let bytes = 0;
  const specs = array(m.weightSpecs, `${where}.model.weightSpecs`).map((s, i) => {
    const at = `${where}.model.weightSpecs[${i}]`;
    const spec = object(s, at);
    if (spec.quantization !== undefined) throw new ShapeError(at, 'is quantized (not supported here)');
    const shape = array(spec.shape, `${at}.shape`).map((d, k) => integer(d, `${at}.shape[${k}]`));
    const dtype = oneOf(spec.dtype, Object.keys(DTYPE_BYTES), `${at}.dtype`);
    bytes += shape.reduce((a, b) => a * b, 1) * (DTYPE_BYTES[dtype] ?? 4);
    return { name: string(spec.name, `${at}.name`), shape, dtype: dtype as 'float32' };
  });
  const weightBytes = integer(m.weightBytes, `${where}.model.weightBytes`);
  if (weightBytes !== bytes) throw new ShapeError(`${where}.model.weightBytes`, `is ${weightBytes}; the weight specs need ${bytes}`);
  const labels = strings(m.labels, `${where}.model.labels`);
  let model: ClassifierMeta = {
    format: CLASSIFIER_FORMAT,
    labels,
    imageSizePx: integer(m.imageSizePx, `${where}.model.imageSizePx`, 1, 4096),
    backbone: string(m.backbone, `${where}.model.backbone`),
    modelTopology: object(m.modelTopology, `${where}.model.modelTopology`),
    weightSpecs: specs,
    weightBytes,
  };
  const calibration = checkCalibration(m.calibration, `${where}.model.calibration`);
  if (calibration) model = { ...model, calibration };
  return {
    origin: oneOf(c.origin, ['trained', 'imported'] as const, `${where}.origin`),
    name: string(c.name, `${where}.name`),
    report: nullable(c.report, (r) => checkReport(r, `${where}.report`)),
    model,
  };
}
