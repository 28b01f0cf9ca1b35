import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { UserFacingError } from '../../core/errors';
import { loadClassifier, serializeLayersModel } from './classifierModel';
import type { ClassifierModel } from './classifierModel';
import { classifyPhotos, photos, TM_EXPORT, trainClassifier } from '../testing/trainedClassifier';
import type { Photo } from '../testing/trainedClassifier';
import { exportFiles, exportZip, quantizedClassifier } from './modelExport';
import { quantizeWeights } from './modelExportWeights';
import { filesFromZip, importModel, looksLikeZip } from './modelImport';
import type { ModelFile } from './modelImport';
import { topologyInputShape, topologyOutputUnits } from './modelImportTopology';
import type { StudioReport } from '../evaluation/report';
import { fileIOHandler } from '../testing/fileModelIO';

let model: ClassifierModel;
let report: StudioReport;
let some: Photo[];

const maxDifference = (a: number[][], b: number[][]): number => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - (b[i]?.[j] ?? NaN)))));

/** Probabilities of a ClassifierModel for the test photos. */
async function classify(classifier: ClassifierModel): Promise<number[][]> {
  const loaded = await loadClassifier(classifier);
  try {
    return classifyPhotos(loaded, some, classifier.imageSizePx);
  } finally {
    loaded.dispose();
  }
}

const tmFiles = (): ModelFile[] =>
  ['model.json', 'weights.bin', 'metadata.json'].map((name) => ({ path: `teachable-machine-export/${name}`, bytes: new Uint8Array(readFileSync(path.join(TM_EXPORT, name))) }));

/** The export's files with `name` replaced by `change(bytes)` (or removed when it returns null). */
function altered(files: readonly ModelFile[], name: string, change: (bytes: Uint8Array) => Uint8Array | null): ModelFile[] {
  return files.flatMap((f) => {
    if (f.path !== name) return [f];
    const bytes = change(f.bytes);
    return bytes ? [{ path: f.path, bytes }] : [];
  });
}

const json = (bytes: Uint8Array): Record<string, unknown> => JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
const encode = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** Runs `importModel` and returns the `UserFacingError`'s message (fails the test if it does not throw one). */
function rejection(files: readonly ModelFile[]): string {
  try {
    importModel(files);
  } catch (error) {
    expect(error).toBeInstanceOf(UserFacingError);
    return (error as Error).message;
  }
  throw new Error('the import was accepted');
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  ({ model, report } = await trainClassifier(8, 4, 4));
  some = [...photos('val', 3), ...photos('train', 2, 50)];
}, 300_000);

describe('importModel', () => {
  it('round trip: each export (float32, float16, uint8) opens with its labels, report and the predictions it was exported with', async () => {
    const original = await classify(model);
    for (const dtype of ['float32', 'float16', 'uint8'] as const) {
      const zip = exportZip(model, { dtype, name: 'hymenoptera', report, includeReport: true, includePredictions: true });
      expect(looksLikeZip(zip)).toBe(true);
      const imported = importModel(filesFromZip(zip, 'hymenoptera.zip'));
      expect(imported.kind).toBe('fine-tune-studio');
      expect(imported.storedDtype).toBe(dtype);
      expect(imported.modelName).toBe('hymenoptera');
      expect(imported.model).toMatchObject({ format: model.format, labels: ['ants', 'bees'], imageSizePx: 224, backbone: 'mobilenet_v1_0.25_224' });
      expect(imported.model.modelTopology).toEqual(model.modelTopology);
      // Stored as ClassifierModel promises: float32 weights, no quantization left in the specs.
      expect(imported.model.weightSpecs.every((s) => s.quantization === undefined)).toBe(true);
      expect(imported.model.weightData.byteLength).toBe(model.weightData.byteLength);
      expect(imported.report).toEqual(JSON.parse(JSON.stringify(report)));
      expect(imported.warnings).toEqual([]);
      const predictions = await classify(imported.model);
      expect(maxDifference(predictions, await classify(quantizedClassifier(model, dtype)))).toBeLessThan(1e-6);
      if (dtype === 'float32') expect(maxDifference(predictions, original)).toBeLessThan(1e-6);
    }
  });

  it('opens the export from a folder (files under a leading folder), without a report', async () => {
    const files = exportFiles(model, { dtype: 'float32', name: 'hymenoptera' }).map((f) => ({ path: `downloads/hymenoptera-model/${f.path}`, bytes: f.bytes }));
    const imported = importModel(files);
    expect(imported.model.labels).toEqual(['ants', 'bees']);
    expect(imported.report).toBeNull();
    expect(maxDifference(await classify(imported.model), await classify(model))).toBeLessThan(1e-6);
  });

  it('tfjs decodes quantized specs by itself: loadClassifier on uint8 specs predicts what the decoded float32 model does', async () => {
    const stored = quantizeWeights({ weightSpecs: model.weightSpecs, weightData: model.weightData }, 'uint8');
    const asStored = { ...model, weightSpecs: stored.weightSpecs, weightData: stored.weightData };
    expect(maxDifference(await classify(asStored), await classify(quantizedClassifier(model, 'uint8')))).toBeLessThan(1e-6);
  });

  it('opens the Teachable Machine export with its labels; it predicts as tf.loadLayersModel loads it', async () => {
    const imported = importModel(tmFiles());
    expect(imported.kind).toBe('teachable-machine');
    expect(imported.model.labels).toEqual(['Ángel', 'Móvil']);
    expect(imported.model.imageSizePx).toBe(224);
    expect(imported.model.backbone).toBe('teachable-machine');
    expect(imported.modelName).toBe('tm-my-image-model');
    expect(imported.storedDtype).toBe('float32');
    expect(imported.report).toBeNull();
    const direct = await tf.loadLayersModel(fileIOHandler(path.join(TM_EXPORT, 'model.json')));
    const expected = classifyPhotos(direct, some, 224);
    direct.dispose();
    const predictions = await classify(imported.model);
    expect(predictions[0]).toHaveLength(2);
    expect(maxDifference(predictions, expected)).toBeLessThan(1e-6);
    // And the studio can export it again, as uint8, and open that.
    const again = importModel(filesFromZip(exportZip(imported.model, { dtype: 'uint8', name: 'tm' })));
    expect(again.model.labels).toEqual(['Ángel', 'Móvil']);
    expect(again.kind).toBe('fine-tune-studio');
    expect(again.model.backbone).toBe('teachable-machine');
  });

  it('rejects malformed exports with a message naming what is wrong', () => {
    const files = exportFiles(model, { dtype: 'float32', name: 'hymenoptera' });
    expect(rejection(altered(files, 'weights.bin', () => null))).toMatch(/The weights file "weights\.bin" that model\.json names is missing/);
    expect(rejection(altered(files, 'weights.bin', (b) => b.slice(0, 1000)))).toMatch(
      /weights\.bin hold 1,000 bytes but model\.json's \d+ weights need [\d,]+: the file is truncated/,
    );
    expect(rejection(altered(files, 'metadata.json', (b) => encode({ ...json(b), labels: ['ants', 'bees', 'wasps'] })))).toBe(
      'model.json: the model gives 2 outputs but metadata.json has 3 labels (ants, bees, wasps)',
    );
    expect(rejection(altered(files, 'model.json', () => encode('{"modelTopology": ')))).toMatch(/^model\.json is not valid JSON \(/);
    expect(rejection(altered(files, 'metadata.json', () => encode('labels: ants')))).toMatch(/^metadata\.json is not valid JSON/);
    expect(rejection(altered(files, 'metadata.json', () => null))).toMatch(/metadata\.json is missing beside model\.json/);
    expect(rejection(altered(files, 'metadata.json', (b) => encode({ ...json(b), labels: ['ants'] })))).toMatch(/needs "labels": a list of at least two class names/);
    expect(rejection(altered(files, 'metadata.json', (b) => encode({ ...json(b), labels: ['ants', 'ants'] })))).toMatch(/lists a label twice/);
    expect(rejection(altered(files, 'metadata.json', (b) => encode({ ...json(b), imageSize: 160 })))).toBe('model.json: the model takes 224x224 images but metadata.json says imageSize 160');
    expect(rejection(altered(files, 'model.json', () => null))).toMatch(/^No model\.json found among the 3 file\(s\) given \(weights\.bin, metadata\.json, README\.md\)/);
    expect(rejection(altered(files, 'model.json', (b) => encode({ ...json(b), modelTopology: undefined })))).toMatch(/has no modelTopology/);
    expect(rejection(altered(files, 'model.json', (b) => encode({ ...json(b), format: 'graph-model' })))).toMatch(/is a TensorFlow\.js graph model/);
    const twoModels = ['a', 'b'].flatMap((folder) => files.map((f) => ({ path: `${folder}/${f.path}`, bytes: f.bytes })));
    expect(rejection(twoModels)).toBe('Several model.json files were given (a/model.json, b/model.json): open one model at a time');
    // The shallowest model.json is the one opened (an export that carries a copy deeper down still opens).
    expect(importModel([...files, ...twoModels]).model.labels).toEqual(['ants', 'bees']);
  });

  it('rejects a model whose input is not [null, S, S, 3]', () => {
    const files = exportFiles(model, { dtype: 'float32', name: 'hymenoptera' });
    const withInput = (shape: (number | null)[]) =>
      altered(files, 'model.json', (b) => {
        const modelJson = json(b);
        const text = JSON.stringify(modelJson).replace('"batch_input_shape":[null,224,224,3]', `"batch_input_shape":${JSON.stringify(shape)}`);
        return encode(text);
      });
    expect(rejection(withInput([null, 224, 224, 1]))).toBe('model.json: the model takes input [null,224,224,1]; the studio needs images [null, S, S, 3] (square, RGB)');
    expect(rejection(withInput([null, 224, 160, 3]))).toMatch(/takes input \[null,224,160,3\]/);
    expect(rejection(withInput([null, 1280]))).toMatch(/takes input \[null,1280\]/);
  });

  it('reads zips, and says so when bytes are not one', () => {
    expect(() => filesFromZip(new Uint8Array([1, 2, 3, 4, 5]), 'notes.zip')).toThrow(/^notes\.zip could not be read as a zip archive/);
    const zip = zipSync({ 'm/model.json': encode('{}'), '__MACOSX/m/._model.json': encode('x'), 'm/.DS_Store': encode('x'), 'm/': new Uint8Array() });
    expect(filesFromZip(zip).map((f) => f.path)).toEqual(['m/model.json']);
    expect(looksLikeZip(encode('{"a":1}'))).toBe(false);
  });

  it('keeps an export whose report.json is unreadable, with a warning', () => {
    const files = [...exportFiles(model, { dtype: 'float32', name: 'x' }), { path: 'report.json', bytes: encode('{"version": 2}') }];
    const imported = importModel(files);
    expect(imported.report).toBeNull();
    expect(imported.warnings).toEqual(['report.json is not a studio report (format version 1); it was left out']);
  });

  it('leaves out a report.json that the results views could not show, naming the bad field', () => {
    const broken = { ...JSON.parse(JSON.stringify(report)), evaluation: { ...report.evaluation, accuracy: 'high' } };
    const files = [...exportFiles(model, { dtype: 'float32', name: 'x' }), { path: 'report.json', bytes: encode(JSON.stringify(broken)) }];
    const imported = importModel(files);
    expect(imported.report).toBeNull();
    expect(imported.warnings).toEqual(['report.json is not a studio report (format version 1): report.evaluation.accuracy is not a number; it was left out']);
  });
});

describe('topology shapes', () => {
  it('reads the input and the classes of the studio\'s model and of Teachable Machine\'s nested Sequential', () => {
    expect(topologyInputShape(model.modelTopology as Record<string, unknown>)).toEqual([null, 224, 224, 3]);
    expect(topologyOutputUnits(model.modelTopology as Record<string, unknown>)).toBe(2);
    const tm = JSON.parse(readFileSync(path.join(TM_EXPORT, 'model.json'), 'utf8')) as { modelTopology: Record<string, unknown> };
    expect(topologyInputShape(tm.modelTopology)).toEqual([null, 224, 224, 3]);
    expect(topologyOutputUnits(tm.modelTopology)).toBe(2);
  });

  it('walks back over shape-keeping layers to the dense layer, and says null when no layer sets the size', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    let x = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 5 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dropout({ rate: 0.1 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.activation({ activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
    const functional = tf.model({ inputs: input, outputs: x });
    const sequential = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 3 }), tf.layers.softmax()] });
    const pooled = tf.sequential({ layers: [tf.layers.globalAveragePooling2d({ inputShape: [4, 4, 7] })] });
    const topologies = await Promise.all([functional, sequential, pooled].map(async (m) => (await serializeLayersModel(m)).modelTopology as Record<string, unknown>));
    [functional, sequential, pooled].forEach((m) => m.dispose());
    expect(topologies.map(topologyOutputUnits)).toEqual([5, 3, null]);
    expect(topologies.map(topologyInputShape)).toEqual([[null, 8, 8, 3], [null, 4], [null, 4, 4, 7]]);
  });
});
