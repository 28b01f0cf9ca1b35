import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { onnx } from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getBackboneEntry } from '../../backbones/registry';
import { loadClassifier, saveClassifier } from '../../model/classifierModel';
import type { ClassifierModel } from '../../model/classifierModel';
import { createHead } from '../../training/head';
import { argMax, classifyPhotos, loadLocalBackbone, photos, readPhoto, trainClassifier } from '../../testing/trainedClassifier';
import type { Photo } from '../../testing/trainedClassifier';
import { scaledBatch } from '../parity';
import { classifierToOnnx, layersModelToOnnx, ONNX_INPUT, ONNX_OUTPUT } from './onnxExport';

// onnxruntime-node's CPU binding (installed with its download step skipped, see .npmrc).
const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof import('onnxruntime-web');

/** Probabilities of the `.onnx` bytes in onnxruntime for photos, pixels fed as the studio feeds them (p / 127 - 1). */
async function runOnnx(bytes: Uint8Array, list: readonly Photo[], sizePx: number): Promise<number[][]> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const input = scaledBatch(list.map((p) => readPhoto(p.path, sizePx)));
    const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', input, [list.length, sizePx, sizePx, 3]) });
    const out = result[ONNX_OUTPUT] as import('onnxruntime-web').Tensor;
    const classes = out.dims[1] as number;
    const data = out.data as Float32Array;
    return list.map((_, i) => Array.from(data.subarray(i * classes, (i + 1) * classes)));
  } finally {
    await session.release();
  }
}

const maxDifference = (a: number[][], b: number[][]): number => Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - (b[i]?.[j] ?? NaN)))));
const agreement = (a: number[][], b: number[][]): number => a.filter((row, i) => argMax(row) === argMax(b[i] ?? [])).length / a.length;

async function studioAndOnnx(model: ClassifierModel, list: readonly Photo[]): Promise<{ studio: number[][]; converted: number[][] }> {
  const loaded = await loadClassifier(model);
  const studio = classifyPhotos(loaded, list, model.imageSizePx);
  loaded.dispose();
  return { studio, converted: await runOnnx(await classifierToOnnx(model, 'test'), list, model.imageSizePx) };
}

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('ONNX export, run by onnxruntime-node', () => {
  it('a classifier trained on hymenoptera (MobileNet v1 0.25): same answers on every held-out photo, probabilities within 1e-4', async () => {
    const { model } = await trainClassifier(10, 10, 6);
    const val = photos('val', 25);
    const { studio, converted } = await studioAndOnnx(model, val);
    console.log(`ONNX v1 0.25 trained: agreement ${agreement(studio, converted)}, max |dp| ${maxDifference(studio, converted).toExponential(2)} on ${val.length} photos`);
    expect(agreement(studio, converted)).toBe(1);
    expect(maxDifference(studio, converted)).toBeLessThan(1e-4);
  }, 300_000);

  for (const [id, hiddenUnits, batchNorm] of [['mobilenet_v2_1.0_224', 0, false], ['mobilenet_v2_0.35_224', 128, true], ['scratch_cnn_64', 64, false]] as const) {
    it(`${id} with a ${hiddenUnits ? `${hiddenUnits}-unit${batchNorm ? ' batch-normalised' : ''}` : 'linear'} head: probabilities within 1e-4 of tfjs`, async () => {
      const backbone = await loadLocalBackbone(getBackboneEntry(id));
      const head = createHead({ featureSize: backbone.featureSize, numClasses: 3, hiddenUnits, dropout: 0.3, batchNorm, seed: 7 });
      const model = await saveClassifier(backbone, head, ['a', 'b', 'c']);
      head.dispose();
      backbone.dispose();
      const { studio, converted } = await studioAndOnnx(model, photos('val', 3));
      console.log(`ONNX ${id}: max |dp| ${maxDifference(studio, converted).toExponential(2)}`);
      expect(maxDifference(studio, converted)).toBeLessThan(1e-4);
      expect(agreement(studio, converted)).toBe(1);
    }, 120_000);
  }

  it('writes opset 13 with the labels, input size and scaling in its metadata', async () => {
    const backbone = await loadLocalBackbone(getBackboneEntry('mobilenet_v1_0.25_224'));
    const head = createHead({ featureSize: backbone.featureSize, numClasses: 2, hiddenUnits: 0, dropout: 0, batchNorm: false, seed: 1 });
    const model = { ...(await saveClassifier(backbone, head, ['ants', 'bees'])), calibration: { temperature: 1.5, unknownThreshold: 0.6 } };
    head.dispose();
    backbone.dispose();
    const decoded = onnx.ModelProto.decode(await classifierToOnnx(model, 'hymenoptera'));
    expect(Number(decoded.opsetImport[0]?.version)).toBe(13);
    const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
    expect(JSON.parse(meta.labels as string)).toEqual(['ants', 'bees']);
    expect(meta).toMatchObject({ imageSize: '224', inputScaling: 'x/127-1', layout: 'NHWC', backbone: 'mobilenet_v1_0.25_224' });
    expect(JSON.parse(meta.calibration as string)).toEqual({ temperature: 1.5, unknownThreshold: 0.6 });
    expect(decoded.graph?.input?.[0]?.name).toBe(ONNX_INPUT);
    expect(decoded.graph?.output?.[0]?.name).toBe(ONNX_OUTPUT);
  }, 120_000);

  it('names the layer that has no ONNX mapping', () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const x = tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, name: 'upsample' }).apply(input) as tf.SymbolicTensor;
    const y = tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: y });
    expect(() => layersModelToOnnx(model, { labels: ['a', 'b'], imageSizePx: 8, backbone: 'custom' }, 'x')).toThrow(/"upsample" \(Conv2DTranspose\) has no ONNX mapping/);
    model.dispose();
  });
});
