/**
 * The model export: one `.zip` holding the fused classifier as a TensorFlow.js LayersModel (`model.json` +
 * `weights.bin`), `metadata.json` in Teachable Machine's format (so `@teachablemachine/image`'s loader and
 * plain `tf.loadLayersModel` both load it), a `README.md` with usage snippets, and optionally the run's
 * `report.json` and `predictions.csv`. Weights go out as float32, float16 or uint8 (see
 * `modelExportWeights.ts`). Plain TypeScript with no tfjs at run time: the page builds the zip itself.
 */
import { zipSync } from 'fflate';
import type { Zippable } from 'fflate';
import type { ClassifierModel, ModelCalibration } from './classifierModel';
import { predictionsCsv } from '../evaluation/csv';
import { quantizeWeights, quantizedByteLength, WEIGHT_DTYPES } from './modelExportWeights';
import type { WeightDtype } from './modelExportWeights';
import type { StudioReport } from '../evaluation/report';

/** File names inside the export (Teachable Machine's for the first three). */
export const EXPORT_FILES = {
  model: 'model.json',
  weights: 'weights.bin',
  metadata: 'metadata.json',
  readme: 'README.md',
  report: 'report.json',
  predictions: 'predictions.csv',
} as const;

/** `metadata.json`'s `userMetadata` key under which the studio keeps what Teachable Machine has no field for. */
export const STUDIO_METADATA_KEY = 'fineTuneStudio';

/** How the exported model wants its input: pixels p in [0, 255] fed as p / 127 - 1, as Teachable Machine feeds them. */
export const INPUT_SCALING = 'x/127-1';

/** The `@teachablemachine/image` release the export is checked against (its loader reads this format). */
const TM_PACKAGE_VERSION = '0.8.5';

/** What the studio adds to `metadata.json`, under `userMetadata.fineTuneStudio` (Teachable Machine ignores it). */
export interface StudioModelInfo {
  /** The in-memory format the model came from, e.g. `fine-tune-studio/classifier@1`. */
  readonly format: string;
  /** Catalog id of the backbone (`imported` or `teachable-machine` for a re-exported import). */
  readonly backbone: string;
  readonly inputScaling: typeof INPUT_SCALING;
  readonly weightDtype: WeightDtype;
  /** How to read the probabilities (temperature, "unknown" threshold), when the run fitted them. */
  readonly calibration?: ModelCalibration;
}

/** `metadata.json`: Teachable Machine's fields, the studio's under `userMetadata`. */
export interface ExportMetadata {
  readonly tfjsVersion: string;
  readonly packageName: '@teachablemachine/image';
  readonly packageVersion: string;
  readonly timeStamp: string;
  readonly userMetadata: { readonly [STUDIO_METADATA_KEY]: StudioModelInfo };
  readonly modelName: string;
  readonly labels: readonly string[];
  readonly imageSize: number;
}

/** What to put in the export. */
export interface ExportOptions {
  readonly dtype: WeightDtype;
  /** Shown as `modelName` and in the README (the dataset's or the imported file's name). */
  readonly name: string;
  /** The run's report: `report.json` and `predictions.csv` come from it when asked for. */
  readonly report?: StudioReport | null;
  readonly includeReport?: boolean;
  readonly includePredictions?: boolean;
  /** The export's time stamp (metadata, zip entries); now by default. */
  readonly now?: Date;
}

/** One file of the export: its name in the zip and its bytes. */
export interface ExportFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Sizes of an export, in bytes. */
export interface ExportSize {
  /** `weights.bin`. */
  readonly weightsBytes: number;
  /** The `.zip` as it would download with the same options. */
  readonly zipBytes: number;
}

const encoder = new TextEncoder();

/** The TensorFlow.js version that wrote the topology (`keras_version: "tfjs-layers 4.22.0"`), or `unknown`. */
export function tfjsVersionOf(model: ClassifierModel): string {
  const keras = (model.modelTopology as { keras_version?: unknown }).keras_version;
  const match = typeof keras === 'string' ? /(\d+\.\d+\.\d+)/.exec(keras) : null;
  return match?.[1] ?? 'unknown';
}

/** `metadata.json` of an export of `model`. */
export function exportMetadata(model: ClassifierModel, options: Pick<ExportOptions, 'dtype' | 'name' | 'now'>): ExportMetadata {
  return {
    tfjsVersion: tfjsVersionOf(model),
    packageName: '@teachablemachine/image',
    packageVersion: TM_PACKAGE_VERSION,
    timeStamp: (options.now ?? new Date()).toISOString(),
    userMetadata: {
      [STUDIO_METADATA_KEY]: {
        format: model.format, backbone: model.backbone, inputScaling: INPUT_SCALING, weightDtype: options.dtype,
        ...(model.calibration && { calibration: model.calibration }),
      },
    },
    modelName: options.name,
    labels: [...model.labels],
    imageSize: model.imageSizePx,
  };
}

/** The README's lines on reading the probabilities with the run's temperature and "unknown" threshold. */
function calibrationReadme(calibration: ModelCalibration | undefined): string {
  if (!calibration) return '';
  const { temperature, unknownThreshold } = calibration;
  return (
    `\n- Calibrated confidence (fitted on the validation split): divide the log of each probability by the temperature ` +
    `${temperature.toFixed(4)} and take the softmax again; answer "unknown" when the top calibrated probability is under ` +
    `${unknownThreshold.toFixed(4)}${unknownThreshold === 0 ? ' (never)' : ''}. Both are in \`metadata.json\` under \`userMetadata.fineTuneStudio.calibration\`.`
  );
}

/** The README of an export: what the model is and how to run it with plain TensorFlow.js or Teachable Machine's library. */
export function exportReadme(model: ClassifierModel, metadata: ExportMetadata, extraFiles: readonly string[] = []): string {
  const size = model.imageSizePx;
  const info = metadata.userMetadata[STUDIO_METADATA_KEY];
  return `# ${metadata.modelName}: image classifier

Exported by Fine-Tune Studio on ${metadata.timeStamp}.

- Classes, in output order: ${model.labels.map((l) => JSON.stringify(l)).join(', ')}
- Input: one ${size}x${size} RGB image, pixels p in [0, 255] fed as \`p / 127 - 1\` (Teachable Machine's scaling),
  shape \`[n, ${size}, ${size}, 3]\`. Centre-crop a photo to a square, then resize it.
- Output: \`[n, ${model.labels.length}]\` class probabilities (softmax).${calibrationReadme(info.calibration)}
- Weights: ${info.weightDtype}; backbone: ${info.backbone}. TensorFlow.js ${metadata.tfjsVersion} LayersModel.

Files: \`model.json\` and \`weights.bin\` (the model), \`metadata.json\` (labels, image size, in Teachable
Machine's format)${extraFiles.includes(EXPORT_FILES.report) ? ', `report.json` (the training run: settings, history, evaluation)' : ''}${
  extraFiles.includes(EXPORT_FILES.predictions) ? ', `predictions.csv` (the held-out predictions)' : ''}.

## TensorFlow.js

\`\`\`js
import * as tf from '@tensorflow/tfjs';

const model = await tf.loadLayersModel('model/model.json');
const { labels } = await (await fetch('model/metadata.json')).json();
const probabilities = tf.tidy(() => {
  const pixels = tf.browser.fromPixels(image); // an <img>, <canvas> or ImageBitmap, already square
  const input = tf.image.resizeBilinear(pixels, [${size}, ${size}]).div(127).sub(1).expandDims(0);
  return model.predict(input).dataSync();
});
const best = probabilities.indexOf(Math.max(...probabilities));
console.log(labels[best], probabilities[best]);
\`\`\`

## Teachable Machine's library

\`\`\`js
import * as tmImage from '@teachablemachine/image';

const model = await tmImage.load('model/model.json', 'model/metadata.json');
const predictions = await model.predict(image); // [{ className, probability }, ...]; crops and scales by itself
\`\`\`
`;
}

/**
 * Every file of the export, in zip order: `model.json` (topology + a one-shard weights manifest),
 * `weights.bin`, `metadata.json`, `README.md`, then `report.json` and `predictions.csv` when asked for and
 * a report is given.
 */
export function exportFiles(model: ClassifierModel, options: ExportOptions): ExportFile[] {
  const weights = quantizeWeights({ weightSpecs: model.weightSpecs, weightData: model.weightData }, options.dtype);
  const metadata = exportMetadata(model, options);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${metadata.tfjsVersion}`,
    convertedBy: 'Fine-Tune Studio',
    modelTopology: model.modelTopology,
    weightsManifest: [{ paths: [EXPORT_FILES.weights], weights: weights.weightSpecs }],
  };
  const text = (path: string, value: string): ExportFile => ({ path, bytes: encoder.encode(value) });
  const report = options.report;
  const extras: ExportFile[] = [];
  if (report && options.includeReport) extras.push(text(EXPORT_FILES.report, JSON.stringify(report, null, 2)));
  if (report && options.includePredictions) extras.push(text(EXPORT_FILES.predictions, predictionsCsv(report.predictions)));
  return [
    text(EXPORT_FILES.model, JSON.stringify(modelJson)),
    { path: EXPORT_FILES.weights, bytes: new Uint8Array(weights.weightData) },
    text(EXPORT_FILES.metadata, JSON.stringify(metadata, null, 2)),
    text(EXPORT_FILES.readme, exportReadme(model, metadata, extras.map((f) => f.path))),
    ...extras,
  ];
}

/**
 * The export as `.zip` bytes. `weights.bin` is stored as is (weights barely compress and storing keeps the
 * size known before download); the text files are deflated.
 */
export function exportZip(model: ClassifierModel, options: ExportOptions): Uint8Array {
  const mtime = options.now ?? new Date();
  const entries: Zippable = {};
  for (const file of exportFiles(model, options)) {
    entries[file.path] = [file.bytes, { level: file.path === EXPORT_FILES.weights ? 0 : 6, mtime }];
  }
  return zipSync(entries);
}

/**
 * Sizes of the export under each weight type, with the same options otherwise: `weightsBytes` from the
 * specs alone, `zipBytes` by building the zip (about as long as a download takes to prepare).
 */
export function exportSizes(model: ClassifierModel, options: Omit<ExportOptions, 'dtype'>): Record<WeightDtype, ExportSize> {
  const sizes = {} as Record<WeightDtype, ExportSize>;
  for (const dtype of WEIGHT_DTYPES) {
    sizes[dtype] = { weightsBytes: quantizedByteLength(model.weightSpecs, dtype), zipBytes: exportZip(model, { ...options, dtype }).length };
  }
  return sizes;
}

/**
 * The classifier as its `dtype` export loads: float32 weights holding the values tfjs decodes from the
 * quantized ones. Classifying with it measures the quantized model's accuracy.
 */
export function quantizedClassifier(model: ClassifierModel, dtype: WeightDtype): ClassifierModel {
  const stored = quantizeWeights({ weightSpecs: model.weightSpecs, weightData: model.weightData }, dtype);
  const plain = quantizeWeights(stored, 'float32');
  return { ...model, weightSpecs: plain.weightSpecs, weightData: plain.weightData };
}
