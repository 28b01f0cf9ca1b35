/**
 * A project as stored: `ProjectState`, plain JSON (what IndexedDB's project record and a project file's
 * `manifest.json` hold), plus the bytes kept beside it (the images, their thumbnails, the trained
 * classifier's weights). Converting between the studio's state and this form is pure: Node tests cover it.
 */
import type { Dataset } from '../../core/types';
import type { DuplicateReport, ImageLooks } from '../../data/inspect';
import type { BackendName } from '../../engine/backend';
import type { RunSummary } from '../../engine/evaluation';
import type { RunStage, TrainSettings } from '../../engine/training';
import { isActive } from '../run/runState';
import type { DatasetSnapshot } from '../datasetSlice';
import type { IngestOptions, ScanFindings } from '../ingestFlow';
import type { ActiveClassifier, SavedRun, StudioSnapshot, StudioState } from '../studioStore';

/** Version of `ProjectState`; a reader refuses others. */
export const PROJECT_STATE_VERSION = 1;

/** One file the user gave: its path in the chosen folder, size in bytes and MIME type; its bytes are kept apart. */
export interface SavedFile {
  readonly path: string;
  readonly size: number;
  readonly type: string;
}

/** The scan's findings without the thumbnails' bytes (kept apart, by file index). */
export interface SavedScan {
  readonly failed: readonly (readonly [number, string])[];
  readonly hashes: readonly (readonly [number, { readonly sha256: string; readonly dhash: string }])[];
  /** File indices that have a thumbnail. */
  readonly thumbnails: readonly number[];
  /** Size and flatness by file index; absent in projects saved before it was measured. */
  readonly looks?: readonly (readonly [number, ImageLooks])[];
}

/** Everything of a project that is not bytes. */
export interface ProjectState {
  readonly version: typeof PROJECT_STATE_VERSION;
  /** Every file given, in `DatasetItem.fileIndex` order. */
  readonly files: readonly SavedFile[];
  /** Texts of the label files, by path. */
  readonly labelTexts: readonly (readonly [string, string])[];
  readonly ingestOptions: IngestOptions;
  readonly dropDuplicates: boolean;
  /** The dataset as trained on: after the scan, with the user's class renames. */
  readonly dataset: Dataset | null;
  readonly scan: SavedScan | null;
  readonly duplicates: DuplicateReport | null;
  readonly ingestMs: number;
  readonly settings: TrainSettings;
  readonly backendPreference: 'auto' | BackendName;
  /** The last finished run: report, curves, plan (status `done`, `stopped` or `error`). */
  readonly run: SavedRun | null;
  /** The classifier kept with the project, less its weights (kept apart as bytes), or null. */
  readonly classifier: Omit<ActiveClassifier, 'model'> & { readonly model: ClassifierMeta } | null;
  readonly classifierNote: string | null;
  /** Summaries of the project's finished runs, oldest first (absent in projects saved before they were kept). */
  readonly runs?: readonly RunSummary[];
  /**
   * The stage of the run under way when this was saved (absent or null: none was): a project read back with
   * one was closed or reloaded mid-run, and says so even before the run's first checkpoint.
   */
  readonly runUnderWay?: RunStage | null;
}

/** The stage of the studio's run under way, or null when none is (what `ProjectState.runUnderWay` keeps). */
export function runUnderWayOf(run: StudioState['run']): RunStage | null {
  return isActive(run.status) ? (run.stage ?? 'backbone') : null;
}

/** A `ClassifierModel` less its weight bytes. */
export type ClassifierMeta = Omit<ActiveClassifier['model'], 'weightData'> & { readonly weightBytes: number };

/** A project in memory: its state and its bytes. */
export interface ProjectContent {
  readonly state: ProjectState;
  /** `state.files[i]`'s bytes. */
  readonly files: readonly Blob[];
  /** Thumbnails by file index (`state.scan.thumbnails`). */
  readonly thumbnails: ReadonlyMap<number, Blob>;
  /** The classifier's weights (`state.classifier.model.weightBytes` bytes), or null. */
  readonly weights: ArrayBuffer | null;
}

const TERMINAL: readonly string[] = ['done', 'stopped', 'error'];

/** The run as a project keeps it: only a finished one (a run under way is the checkpoints' business). */
export function savedRunOf(run: StudioState['run']): SavedRun | null {
  if (!TERMINAL.includes(run.status)) return null;
  const { status, backend, backendReason, fineTuneBackend, fineTuneBackendReason, plan, epochs, history, skipped, report, message } = run;
  return { status, backend, backendReason, fineTuneBackend, fineTuneBackendReason, plan, epochs, history, skipped, report, message };
}

/**
 * The project form of the studio's state. `run` is the run to keep (see `savedRunOf`: the caller keeps the
 * last finished one while another runs).
 */
export function toContent(studio: StudioState, run: SavedRun | null): ProjectContent {
  const { sources, scan, classifier } = studio;
  const thumbnails = scan ? scan.thumbnails : new Map<number, Blob>();
  const state: ProjectState = {
    version: PROJECT_STATE_VERSION,
    files: sources.map((s) => ({ path: s.path, size: s.file.size, type: s.file.type })),
    labelTexts: [...studio.labelTexts],
    ingestOptions: studio.ingestOptions,
    dropDuplicates: studio.dropDuplicates,
    dataset: studio.dataset,
    scan: scan ? { failed: [...scan.failed], hashes: [...scan.hashes], thumbnails: [...thumbnails.keys()], looks: [...scan.looks] } : null,
    duplicates: studio.duplicates,
    ingestMs: studio.ingestMs,
    settings: studio.settings,
    backendPreference: studio.backendPreference,
    run,
    classifier: classifier ? { ...classifier, model: classifierMeta(classifier.model) } : null,
    classifierNote: studio.classifierNote,
    runs: studio.runs,
    runUnderWay: runUnderWayOf(studio.run),
  };
  return { state, files: sources.map((s) => s.file), thumbnails, weights: classifier?.model.weightData ?? null };
}

function classifierMeta(model: ActiveClassifier['model']): ClassifierMeta {
  const { weightData, ...meta } = model;
  return { ...meta, weightBytes: weightData.byteLength };
}

/** The studio's state from a project (the inverse of `toContent`). */
export function toSnapshot(content: ProjectContent): StudioSnapshot {
  const { state } = content;
  const sources = state.files.map((f, i) => ({ path: f.path, file: content.files[i] as Blob }));
  const scan: ScanFindings | null = state.scan
    ? { failed: new Map(state.scan.failed), hashes: new Map(state.scan.hashes), thumbnails: new Map(content.thumbnails), looks: new Map(state.scan.looks ?? []) }
    : null;
  const dataset: DatasetSnapshot = {
    sources, labelTexts: new Map(state.labelTexts), ingestOptions: state.ingestOptions, dropDuplicates: state.dropDuplicates,
    dataset: state.dataset, scan, duplicates: state.duplicates, ingestMs: state.ingestMs,
  };
  let classifier: ActiveClassifier | null = null;
  if (state.classifier && content.weights) {
    const { weightBytes: _bytes, ...model } = state.classifier.model;
    classifier = { ...state.classifier, model: { ...model, weightData: content.weights } };
  }
  return {
    dataset, settings: state.settings, backendPreference: state.backendPreference, run: state.run, classifier,
    classifierNote: state.classifierNote, runs: state.runs ?? [],
  };
}

/** Bytes a project's content takes (images, thumbnails, weights), without its JSON. */
export function contentBytes(content: ProjectContent): number {
  let bytes = content.weights?.byteLength ?? 0;
  for (const file of content.files) bytes += file.size;
  for (const thumb of content.thumbnails.values()) bytes += thumb.size;
  return bytes;
}

/** A name for a project from its dataset, or `Untitled project`. */
export function defaultProjectName(state: Pick<ProjectState, 'dataset'>): string {
  return state.dataset?.name.trim() || 'Untitled project';
}

/**
 * A short key of what a dataset trains on (classes, and each item's file, class and split): a checkpoint
 * resumes only on the dataset it was made with. FNV-1a over its JSON.
 */
export function datasetKey(dataset: Dataset | null): string {
  if (!dataset) return 'none';
  const text = JSON.stringify([dataset.classes, dataset.items.map((i) => [i.fileIndex, i.path, i.classIndex, i.split])]);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${dataset.items.length}:${hash.toString(16).padStart(8, '0')}`;
}
