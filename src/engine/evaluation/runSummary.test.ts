import { describe, expect, it } from 'vitest';
import type { Evaluation, StudioReport } from './report';
import { MAX_RUN_SUMMARIES, appendRun, summarizeRun } from './runSummary';
import { DEFAULT_SETTINGS } from '../training/settings';

const evaluation = (split: 'val' | 'test', accuracy: number): Evaluation => ({
  split, accuracy, confusionMatrix: [[1, 0], [0, 1]], perClass: [],
  macroAvg: { precision: 1, recall: 1, f1: 1, support: 2 }, weightedAvg: { precision: 1, recall: 1, f1: 1, support: 2 },
});

const report = {
  version: 1, backbone: 'mobilenet_v2_1.0_224', backend: 'wasm', backends: { embed: 'wasm', fineTune: 'cpu' },
  backboneInfo: { inputSizePx: 160 }, classes: ['a', 'b'],
  counts: { train: { a: 10, b: 12 }, val: { a: 3, b: 4 }, test: { a: 5, b: 5 } },
  settings: { ...DEFAULT_SETTINGS, inputSizePx: 160, fineTune: true },
  plan: { stage1Epochs: 4, stage2Epochs: 2, fineTune: { blocks: 2, cutName: 'block_14_add', activationShape: [5, 5, 160] }, viewsPerImage: 3 },
  history: new Array(6).fill({}), stoppedByUser: false,
  evaluation: evaluation('test', 0.9), evaluations: [evaluation('val', 0.95), evaluation('test', 0.9)],
  timings: { ingestMs: 1, embedMs: 2000, trainMs: 300, fineTuneMs: 4000, totalMs: 7000 },
  embedImagesPerSecond: 33, createdAt: '2026-11-23T10:00:00.000Z',
} as unknown as StudioReport;

describe('summarizeRun', () => {
  it('keeps what the comparison table shows: size, stages, speed, accuracy per split, images per split', () => {
    expect(summarizeRun(report)).toEqual({
      createdAt: '2026-11-23T10:00:00.000Z', backbone: 'mobilenet_v2_1.0_224', inputSizePx: 160, fineTuneBlocks: 2, epochs: 6,
      viewsPerImage: 3, backend: 'wasm + cpu', embedImagesPerSecond: 33, embedMs: 2000, trainMs: 4300, totalMs: 7000,
      images: { train: 22, val: 7, test: 10 }, accuracy: { val: 0.95, test: 0.9 }, stoppedByUser: false,
    });
  });

  it('reads the size from the settings, then 224, in reports without backboneInfo; head-only is 0 blocks', () => {
    const older = { ...report, backboneInfo: undefined, backends: { embed: 'wasm', fineTune: null }, plan: { ...report.plan, stage2Epochs: 0, fineTune: null } } as StudioReport;
    expect(summarizeRun(older)).toMatchObject({ inputSizePx: 160, fineTuneBlocks: 0, backend: 'wasm' });
    expect(summarizeRun({ ...older, settings: { ...older.settings, inputSizePx: null } }).inputSizePx).toBe(224);
  });
});

describe('appendRun', () => {
  it('keeps the latest runs, oldest first', () => {
    let runs = appendRun([], summarizeRun(report));
    for (let i = 1; i < MAX_RUN_SUMMARIES + 5; i++) runs = appendRun(runs, { ...summarizeRun(report), epochs: i });
    expect(runs).toHaveLength(MAX_RUN_SUMMARIES);
    expect(runs.at(-1)?.epochs).toBe(MAX_RUN_SUMMARIES + 4);
    expect(runs[0]?.epochs).toBe(5);
  });
});
