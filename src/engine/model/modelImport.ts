/**
 * Opening a model in the studio: an export of this studio (a `.zip` or its unpacked folder) or a Teachable
 * Machine image-project export (`model.json`, `weights.bin`, `metadata.json`). The files are checked
 * before anything loads them (JSON, topology, every weight file present and of the size the manifest
 * needs, input `[null, S, S, 3]`, as many outputs as labels) and become a `ClassifierModel`; whatever is
 * wrong is named in a `UserFacingError`. Plain TypeScript with no tfjs at run time, so the page can check a
 * model without loading TensorFlow.js.
 */
import { unzipSync } from 'fflate';
import { ShapeError, isRecord } from '../../core/check';
import { UserFacingError, errorMessage } from '../../core/errors';
import { zipEntryPath } from '../../data/ingest';
import type { CLASSIFIER_FORMAT, ClassifierModel, TM_INPUT_DIVISOR } from './classifierModel';
import { checkCalibration } from './classifierModel';
import { EXPORT_FILES, INPUT_SCALING, STUDIO_METADATA_KEY } from './modelExport';
import { quantizeWeights, specByteLength } from './modelExportWeights';
import type { WeightSpec } from './modelExportWeights';
import type { StudioReport } from '../evaluation/report';
import { checkReport } from '../evaluation/reportCheck';
import { topologyInputShape, topologyOutputUnits } from './modelImportTopology';

/** The format tag of `ClassifierModel` (kept literal here: importing the constant would pull tfjs into the page). */
const FORMAT: typeof CLASSIFIER_FORMAT = 'fine-tune-studio/classifier@1';
/** The input scaling every imported model must share; the type ties it to `classifierModel.ts`'s. */
const DIVISOR: typeof TM_INPUT_DIVISOR = 127;

/** One file given to the import: its path (`/`-separated, inside a zip or the chosen folder) and bytes. */
export interface ModelFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Where an imported model came from, judged by its `metadata.json`. */
export type ImportedKind = 'fine-tune-studio' | 'teachable-machine';

/** A checked import, ready for `setClassifier`. */
export interface ImportedModel {
  /** Float32 weights: quantized exports are decoded as tfjs would on load. */
  readonly model: ClassifierModel;
  /** The training report when the export carried a readable one, else null. */
  readonly report: StudioReport | null;
  readonly kind: ImportedKind;
  /** `metadata.json`'s `modelName`, when it has one. */
  readonly modelName: string | null;
  /** The weight type the files stored (`float32`, `float16`, `uint8`, or `mixed`). */
  readonly storedDtype: string;
  /** Things the user may want to know that did not stop the import (an unreadable report). */
  readonly warnings: readonly string[];
}

const fail = (message: string): never => {
  throw new UserFacingError(message);
};

const decoder = new TextDecoder();

/** Whether `bytes` start like a zip archive (a local file header, or an empty archive's end record). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05);
}

/**
 * The files of a zip archive, with the same skipping as dataset archives (folders, `__MACOSX/`, dotfiles).
 * Throws a `UserFacingError` naming the archive when it cannot be read.
 */
export function filesFromZip(bytes: Uint8Array, archiveName = 'the archive'): ModelFile[] {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (error) {
    return fail(`${archiveName} could not be read as a zip archive (${errorMessage(error)})`);
  }
  return Object.entries(entries).flatMap(([name, data]) => {
    const path = zipEntryPath(name);
    return path === undefined ? [] : [{ path, bytes: data }];
  });
}

const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
const folderOf = (path: string): string => path.slice(0, path.lastIndexOf('/') + 1);

/** The one `model.json` to import: the shallowest; two at the same depth are ambiguous. */
function findModelJson(files: readonly ModelFile[]): ModelFile {
  const candidates = files.filter((f) => baseName(f.path).toLowerCase() === EXPORT_FILES.model);
  if (candidates.length === 0) {
    const names = files.slice(0, 5).map((f) => f.path).join(', ');
    return fail(`No model.json found among the ${files.length} file(s) given${names ? ` (${names}${files.length > 5 ? ', …' : ''})` : ''}: open a model export (.zip) or its folder`);
  }
  const depth = (f: ModelFile): number => f.path.split('/').length;
  const shallowest = Math.min(...candidates.map(depth));
  const top = candidates.filter((f) => depth(f) === shallowest);
  if (top.length > 1) return fail(`Several model.json files were given (${top.map((f) => f.path).join(', ')}): open one model at a time`);
  return top[0] as ModelFile;
}

/** Parses a JSON file or fails naming it. */
function parseJson(file: ModelFile): unknown {
  try {
    return JSON.parse(decoder.decode(file.bytes));
  } catch (error) {
    return fail(`${file.path} is not valid JSON (${errorMessage(error)})`);
  }
}

/** Checks one weights-manifest entry's shape (name, shape, dtype, quantization) and returns it typed. */
function checkSpec(value: unknown, where: string): WeightSpec {
  if (!isRecord(value) || typeof value.name !== 'string' || !Array.isArray(value.shape) || !value.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    return fail(`${where}: a weight entry is malformed (it needs a name and a shape of whole numbers)`);
  }
  if (value.dtype !== 'float32' && value.dtype !== 'int32') return fail(`${where}: weight "${value.name}" has dtype ${String(value.dtype)}; only float32 and int32 weights can be imported`);
  const q = value.quantization;
  if (q !== undefined) {
    const ok = isRecord(q) && (q.dtype === 'float16' || ((q.dtype === 'uint8' || q.dtype === 'uint16') && typeof q.scale === 'number' && typeof q.min === 'number'));
    if (!ok) return fail(`${where}: weight "${value.name}" has a quantization this studio cannot read (${JSON.stringify(q)})`);
    if (isRecord(q) && q.dtype === 'float16' && value.dtype !== 'float32') return fail(`${where}: weight "${value.name}" is an int32 stored as float16, which tfjs cannot read`);
  }
  return value as unknown as WeightSpec;
}

/** The weights the manifest names, checked against the files given: specs, concatenated bytes, stored type. */
function readWeights(modelJson: ModelFile, manifest: unknown, files: readonly ModelFile[]): { specs: WeightSpec[]; data: ArrayBuffer; storedDtype: string } {
  const where = modelJson.path;
  if (!Array.isArray(manifest) || manifest.length === 0) return fail(`${where} has no weightsManifest: the weights cannot be found`);
  const folder = folderOf(modelJson.path);
  const byPath = new Map(files.map((f) => [f.path, f]));
  const specs: WeightSpec[] = [];
  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) return fail(`${where}: its weightsManifest is malformed (each group needs paths and weights)`);
    for (const shard of group.paths) {
      if (typeof shard !== 'string') return fail(`${where}: a weight file name in its weightsManifest is not a string`);
      const file = byPath.get(folder + shard.replace(/^\.\//, ''));
      if (!file) return fail(`The weights file "${shard}" that ${where} names is missing: give it with model.json (an export's zip holds both)`);
      shards.push(file.bytes);
    }
    specs.push(...group.weights.map((w) => checkSpec(w, where)));
  }
  const needed = specs.reduce((n, s) => n + specByteLength(s), 0);
  const held = shards.reduce((n, s) => n + s.length, 0);
  if (held !== needed) {
    const files = manifest.flatMap((g) => (g as { paths: string[] }).paths).join(', ');
    return fail(
      `The weights file(s) ${files} hold ${held.toLocaleString('en')} bytes but ${where}'s ${specs.length} weights need ${needed.toLocaleString('en')}: ` +
        `${held < needed ? 'the file is truncated' : 'the file is longer than the model'} or belongs to another model`,
    );
  }
  const data = new Uint8Array(held);
  let offset = 0;
  for (const shard of shards) {
    data.set(shard, offset);
    offset += shard.length;
  }
  const stored = new Set(specs.filter((s) => s.dtype === 'float32').map((s) => s.quantization?.dtype ?? 'float32'));
  const storedDtype = stored.size === 1 ? ([...stored][0] as string) : stored.has('uint8') ? 'uint8' : stored.size === 0 ? 'float32' : 'mixed';
  return { specs, data: data.buffer, storedDtype };
}

/** Labels, image size and the studio's own fields of `metadata.json`, checked. */
function readMetadata(file: ModelFile | undefined, modelJsonPath: string): { labels: string[]; imageSize: number | null; modelName: string | null; studio: Record<string, unknown> | null } {
  if (!file) return fail(`metadata.json is missing beside ${modelJsonPath}: it holds the class labels (a Teachable Machine or studio export has one)`);
  const json = parseJson(file);
  if (!isRecord(json)) return fail(`${file.path} is not a JSON object`);
  const labels = json.labels;
  if (!Array.isArray(labels) || labels.length < 2 || !labels.every((l) => typeof l === 'string' && l.length > 0)) {
    return fail(`${file.path} needs "labels": a list of at least two class names (found ${JSON.stringify(labels)?.slice(0, 80) ?? 'none'})`);
  }
  if (new Set(labels).size !== labels.length) return fail(`${file.path} lists a label twice: ${JSON.stringify(labels)}`);
  const size = json.imageSize;
  if (size !== undefined && !(Number.isInteger(size) && (size as number) > 0)) return fail(`${file.path}: imageSize must be a whole number of pixels (found ${JSON.stringify(size)})`);
  const user = json.userMetadata;
  const studio = isRecord(user) && isRecord(user[STUDIO_METADATA_KEY]) ? user[STUDIO_METADATA_KEY] : null;
  if (studio && studio.inputScaling !== undefined && studio.inputScaling !== INPUT_SCALING) {
    return fail(`${file.path} says the model takes its input as ${String(studio.inputScaling)}; the studio feeds models x/${DIVISOR}-1 (Teachable Machine's scaling)`);
  }
  return { labels: labels as string[], imageSize: (size as number | undefined) ?? null, modelName: typeof json.modelName === 'string' ? json.modelName : null, studio };
}

/**
 * The report beside the model, when there is one that passes `checkReport`; else null and why (an
 * unreadable report never stops the import).
 */
function readReport(file: ModelFile | undefined): { report: StudioReport | null; warning: string | null } {
  if (!file) return { report: null, warning: null };
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(file.bytes));
  } catch (error) {
    return { report: null, warning: `${file.path} could not be read (${errorMessage(error)}); it was left out` };
  }
  try {
    return { report: checkReport(json, 'report'), warning: null };
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    // Not a report of this format at all, or one whose fields the results views could not show.
    const notAReport = error.where === 'report' || error.where === 'report.version';
    const why = notAReport ? '' : `: ${error.message}`;
    return { report: null, warning: `${file.path} is not a studio report (format version 1)${why}; it was left out` };
  }
}

/** Checks the topology's input and output shapes against the metadata; returns the image size. */
function checkShapes(topology: Record<string, unknown>, where: string, labels: readonly string[], imageSize: number | null): number {
  const input = topologyInputShape(topology);
  if (!input) return fail(`${where}: the model's input shape could not be found in its topology`);
  const [batch, height, width, channels] = input;
  const square = input.length === 4 && batch === null && height === width && typeof height === 'number' && channels === 3;
  if (!square) return fail(`${where}: the model takes input ${JSON.stringify(input)}; the studio needs images [null, S, S, 3] (square, RGB)`);
  if (imageSize !== null && imageSize !== height) return fail(`${where}: the model takes ${height}x${height} images but metadata.json says imageSize ${imageSize}`);
  const units = topologyOutputUnits(topology);
  if (units !== null && units !== labels.length) {
    return fail(`${where}: the model gives ${units} outputs but metadata.json has ${labels.length} labels (${labels.join(', ')})`);
  }
  return height as number;
}

/**
 * Checks the files of one model export and turns them into a classifier. `files` may be a zip's entries or
 * a folder's files, with or without a leading folder; `model.json`, its weight files and `metadata.json`
 * are found beside each other, `report.json` beside them is kept when it reads as a studio report.
 * Quantized weights (float16, uint8) are decoded to float32 as tfjs decodes them on load. Throws a
 * `UserFacingError` naming what is wrong.
 */
export function importModel(files: readonly ModelFile[]): ImportedModel {
  const modelJsonFile = findModelJson(files);
  const folder = folderOf(modelJsonFile.path);
  const beside = (name: string): ModelFile | undefined => files.find((f) => f.path.toLowerCase() === (folder + name).toLowerCase());
  const json = parseJson(modelJsonFile);
  if (!isRecord(json)) return fail(`${modelJsonFile.path} is not a JSON object`);
  if (json.format === 'graph-model') return fail(`${modelJsonFile.path} is a TensorFlow.js graph model; only LayersModels (Teachable Machine's and the studio's exports) can be opened`);
  const topology = json.modelTopology;
  if (!isRecord(topology)) return fail(`${modelJsonFile.path} has no modelTopology: it is not a TensorFlow.js LayersModel`);
  const metadata = readMetadata(beside(EXPORT_FILES.metadata), modelJsonFile.path);
  const imageSizePx = checkShapes(topology, modelJsonFile.path, metadata.labels, metadata.imageSize);
  const weights = readWeights(modelJsonFile, json.weightsManifest, files);
  const plain = quantizeWeights({ weightSpecs: weights.specs, weightData: weights.data }, 'float32');
  const { report, warning } = readReport(beside(EXPORT_FILES.report));
  const kind: ImportedKind = metadata.studio ? 'fine-tune-studio' : 'teachable-machine';
  const backbone = typeof metadata.studio?.backbone === 'string' ? metadata.studio.backbone : kind;
  let calibration;
  try {
    calibration = checkCalibration(metadata.studio?.calibration, 'metadata.json userMetadata.fineTuneStudio.calibration');
  } catch (error) {
    return fail(errorMessage(error));
  }
  return {
    model: {
      format: FORMAT, labels: metadata.labels, imageSizePx, backbone,
      modelTopology: topology, weightSpecs: plain.weightSpecs, weightData: plain.weightData,
      ...(calibration && { calibration }),
    },
    report,
    kind,
    modelName: metadata.modelName,
    storedDtype: weights.storedDtype,
    warnings: warning ? [warning] : [],
  };
}
