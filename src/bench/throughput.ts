/**
 * Throughput of the studio's engine on one backend with one backbone, measured with the engine's own code:
 * `Backbone.embed` (features, as `extract.ts` computes them), `trainHead` (stage 1) and `fineTuneStage`
 * (stage 2 on activations cached at the backbone's default cut). Inputs are random: speed does not depend on
 * the pixel values. Runs inside `throughput.worker.ts`.
 */
import * as tf from '@tensorflow/tfjs';
import { errorMessage } from '../core/errors';
import type { DatasetItem } from '../core/types';
import { initBackend, prepareFineTuneBackend, WASM_PATHS } from '../engine/backend';
import { loadBackbone } from '../engine/backbones';
import type { Backbone } from '../engine/backbones';
import { getBackboneEntry } from '../engine/backbones';
import type { SplitCache } from '../engine/features';
import { createHead } from '../engine/training';
import { RowStore } from '../engine/features';
import { DEFAULT_SETTINGS } from '../engine/training';
import { fineTuneStage } from '../engine/training';
import { trainHead } from '../engine/training';
import { perSecond, timeRuns } from './timing';
import type { MeasureKind, MeasureResult, ThroughputEvent, ThroughputRequest } from './throughputProtocol';

/** Share of the request's budget a measurement may use at most, so later ones still get a turn. */
const MEASURE_SHARE = 0.5;

interface Budget {
  /** ms left of the whole request. */
  left(): number;
}

/**
 * Measures what `request` asks and reports through `post`: the backend, the load time, one `result` per
 * measurement (or a `result` with a `note` saying why it was skipped), the largest tfjs memory seen, then
 * `done` (or `error`). Leaves no tensors behind.
 */
export async function measureThroughput(request: ThroughputRequest, post: (event: ThroughputEvent) => void): Promise<void> {
  const info = await initBackend({ preference: request.backend, wasmPaths: WASM_PATHS, wasmThreads: request.wasmThreads });
  const usable = info.name === request.backend;
  post({ type: 'backend', requested: request.backend, name: info.name, usable, reason: usable ? info.reason : (info.probes[0]?.note ?? info.reason) });
  if (!usable) return post({ type: 'done' });
  const loadStart = performance.now();
  const backbone = await loadBackbone(getBackboneEntry(request.backboneId));
  const entry = backbone.entry;
  const cut = entry.fineTune && backbone.fineTuneBlocks > 0 ? entry.fineTune.cutPoints[entry.fineTune.defaultBlocks - 1] ?? null : null;
  post({ type: 'loaded', loadMs: performance.now() - loadStart, sourceUrl: backbone.sourceUrl, stage2Cut: cut });
  // The budget is for the measurements: starting the backend and loading the weights are not counted.
  const startMs = performance.now();
  const budget: Budget = { left: () => request.budgetMs - (performance.now() - startMs) };
  let peak = { numBytes: 0, numBytesInGPU: null as number | null };
  const notePeak = (): void => {
    const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    const gpu = typeof memory.numBytesInGPU === 'number' ? memory.numBytesInGPU : null;
    peak = {
      numBytes: Math.max(peak.numBytes, memory.numBytes),
      numBytesInGPU: gpu === null ? peak.numBytesInGPU : Math.max(peak.numBytesInGPU ?? 0, gpu),
    };
  };
  try {
    // Cheapest first: a batch of one tells how long the larger batches will take.
    const [first, ...rest] = [...request.batchSizes].sort((a, b) => a - b);
    let msPerImage = Number.NaN;
    if (first !== undefined) {
      const result = await measureEmbed(backbone, first, request.runs, budget, Number.NaN);
      msPerImage = result.medianMs / result.imagesPerRun;
      post({ type: 'result', result });
      notePeak();
    }
    if (request.headRows > 0) {
      post({ type: 'result', result: await measureHead(backbone, request, budget) });
      notePeak();
    }
    for (const batchSize of rest) {
      post({ type: 'result', result: await measureEmbed(backbone, batchSize, request.runs, budget, msPerImage) });
      notePeak();
    }
    if (request.stage2Steps > 0) {
      post({ type: 'result', result: await measureStage2(backbone, request, budget) });
      notePeak();
    }
    post({ type: 'memory', ...peak });
  } finally {
    backbone.dispose();
  }
  post({ type: 'done' });
}

/** A measurement that was not made, and why. */
function skipped(kind: MeasureKind, batchSize: number, note: string): MeasureResult {
  return { kind, batchSize, imagesPerSecond: Number.NaN, medianMs: Number.NaN, imagesPerRun: 0, runs: 0, warmupMs: Number.NaN, note };
}

/** Runs `once` (a warm-up, then timed runs) within the budget; `estimateMs` is the expected cost of one run. */
async function measure(
  kind: MeasureKind,
  batchSize: number,
  imagesPerRun: number,
  runs: number,
  budget: Budget,
  estimateMs: number,
  once: () => Promise<void>,
): Promise<MeasureResult> {
  const allowedMs = budget.left() * MEASURE_SHARE;
  if (Number.isFinite(estimateMs) && 2 * estimateMs > budget.left()) {
    return skipped(kind, batchSize, `not run: a warm-up and one run would take about ${((2 * estimateMs) / 1000).toFixed(0)} s, over the ${(budget.left() / 1000).toFixed(0)} s left`);
  }
  const warmStart = performance.now();
  await once();
  const warmupMs = performance.now() - warmStart;
  const timed = await timeRuns(once, { warmups: 0, runs, budgetMs: Math.max(0, allowedMs - warmupMs) });
  const fewer = timed.runsMs.length < runs ? `${timed.runsMs.length} of ${runs} runs fitted the time budget` : undefined;
  return {
    kind, batchSize, imagesPerRun, runs: timed.runsMs.length, warmupMs, medianMs: timed.medianMs,
    imagesPerSecond: perSecond(imagesPerRun, timed.medianMs), ...(fewer ? { note: fewer } : {}),
  };
}

/** `Backbone.embed` on random pixels, `batchSize` images a call, read back each time. */
async function measureEmbed(backbone: Backbone, batchSize: number, runs: number, budget: Budget, msPerImage: number): Promise<MeasureResult> {
  const size = backbone.entry.inputSizePx;
  const pixels = tf.randomUniform([batchSize, size, size, 3], 0, 255, 'int32') as tf.Tensor4D;
  try {
    return await measure('embed', batchSize, batchSize, runs, budget, msPerImage * batchSize, async () => {
      const features = backbone.embed(pixels);
      await features.data();
      features.dispose();
    });
  } catch (error) {
    return skipped('embed', batchSize, `failed: ${errorMessage(error)}`);
  } finally {
    pixels.dispose();
  }
}

const HEAD_CLASSES = 3;

/** One epoch of `trainHead` (the studio's default head and batch size) over random features. */
async function measureHead(backbone: Backbone, request: ThroughputRequest, budget: Budget): Promise<MeasureResult> {
  const rows = request.headRows;
  const xTrain = tf.randomNormal([rows, backbone.featureSize]) as tf.Tensor2D;
  const xVal = tf.zeros([0, backbone.featureSize]) as tf.Tensor2D;
  const yTrain = Int32Array.from({ length: rows }, (_, i) => i % HEAD_CLASSES);
  const settings = { ...DEFAULT_SETTINGS, epochs: 1, earlyStopping: false };
  try {
    return await measure('head', settings.batchSize, rows, request.runs, budget, Number.NaN, async () => {
      const result = await trainHead({ xTrain, yTrain, xVal, yVal: new Int32Array(0), numClasses: HEAD_CLASSES, settings, classWeights: null });
      result.model.dispose();
    });
  } catch (error) {
    return skipped('head', settings.batchSize, `failed: ${errorMessage(error)}`);
  } finally {
    xTrain.dispose();
    xVal.dispose();
  }
}

/** A split cache of `rows` random activation rows (and features), as `extractAll` would have filled it. */
function randomCache(rows: number, activationLength: number, featureSize: number, split: 'train' | 'val'): SplitCache {
  const items: DatasetItem[] = Array.from({ length: rows }, (_, i) => ({ fileIndex: i, path: `${i}`, classIndex: i % HEAD_CLASSES, split }));
  const features = new RowStore(featureSize);
  const activations = new RowStore(activationLength);
  if (rows > 0) {
    features.push(Float32Array.from({ length: rows * featureSize }, () => Math.random()));
    // Post-ReLU activations: non-negative, mostly small.
    activations.push(Float32Array.from({ length: rows * activationLength }, () => Math.max(0, Math.random() * 2 - 1)));
  }
  return { rows: items.map((item) => ({ item, view: 0 })), features, activations };
}

/** One epoch of `fineTuneStage` (the default blocks unfrozen, the default head) over random activations. */
async function measureStage2(backbone: Backbone, request: ThroughputRequest, budget: Budget): Promise<MeasureResult> {
  const batchSize = request.stage2Batch;
  if (backbone.fineTuneBlocks === 0 || !backbone.entry.fineTune) return skipped('stage2', batchSize, 'this backbone cannot be split');
  const prepared = await prepareFineTuneBackend();
  if (prepared.backend !== request.backend) return skipped('stage2', batchSize, `stage 2 would run on ${prepared.backend}: ${prepared.reason}`);
  const split = backbone.split(Math.min(backbone.entry.fineTune.defaultBlocks, backbone.fineTuneBlocks));
  const rows = batchSize * request.stage2Steps;
  const length = split.activationShape.reduce((a, b) => a * b, 1);
  const caches = new Map([
    ['train', randomCache(rows, length, backbone.featureSize, 'train')],
    ['val', randomCache(0, length, backbone.featureSize, 'val')],
  ] as const);
  const settings = { ...DEFAULT_SETTINGS, batchSize, fineTuneEpochs: 1, earlyStopping: false };
  const head = createHead({ featureSize: backbone.featureSize, numClasses: HEAD_CLASSES, hiddenUnits: settings.hiddenUnits, dropout: settings.dropout, batchNorm: false, seed: 1 });
  try {
    return await measure('stage2', batchSize, rows, request.runs, budget, Number.NaN, async () => {
      await fineTuneStage({
        split, head, featureSize: backbone.featureSize, caches, numClasses: HEAD_CLASSES, settings, scratch: false, classWeights: null,
        epochOffset: 0, deps: {}, now: () => performance.now(), onEpoch: () => undefined, onBatch: () => undefined,
      });
    });
  } catch (error) {
    return skipped('stage2', batchSize, `failed: ${errorMessage(error)}`);
  } finally {
    head.dispose();
    split.dispose();
  }
}
