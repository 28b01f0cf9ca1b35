import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBackbone } from '../backbones/backbones';
import { registerWasmGradientKernels } from '../backend/wasmGradients';
import type { TrainEvent } from './events';
import { runTraining } from './run';
import {
  SCRATCH_ID, MINI_DATASET as dataset, RUN_SETTINGS as settings, deps, expectModelMatchesReport, readJpeg,
} from '../testing/runFixture';

beforeAll(async () => {
  // WASM: the same backend the browser uses here, and fast enough to embed in a test.
  await tf.setBackend('wasm');
});

describe('runTraining stages, backbones and limits on real photos (WASM)', () => {
  it('two-stage: the head, then the top block with the head on cached activations; epochs numbered on, stages marked', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const events: TrainEvent[] = [];
    const twoStage = { ...settings, epochs: 3, fineTune: true, fineTuneBlocks: 1, fineTuneEpochs: 2, augmentViews: 1 };
    const report = await runTraining(
      { dataset, settings: twoStage, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        prepareFineTune: () => {
          registerWasmGradientKernels();
          return Promise.resolve({ backend: 'wasm', reason: 'test' });
        },
      }),
    );
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(events.at(-1)?.type).toBe('done');
    const plan = events.find((e) => e.type === 'plan');
    expect(plan).toMatchObject({ stage1Epochs: 3, stage2Epochs: 2, fineTune: { blocks: 1, cutName: expect.any(String) }, viewsPerImage: 2 });
    expect(events.flatMap((e) => (e.type === 'epochEnd' ? [`${e.epoch}:${e.stage}`] : []))).toEqual(['1:1', '2:1', '3:1', '4:2', '5:2']);
    const batches = events.flatMap((e) => (e.type === 'batchEnd' ? [e] : []));
    expect(batches.every((b) => (b.stage === 2) === b.epoch > 3)).toBe(true);
    expect(report?.stages.map((s) => [s.stage, s.epochs, s.backend])).toEqual([[1, 3, null], [2, 2, 'wasm']]);
    expect(report?.backends).toEqual({ embed: 'wasm', fineTune: 'wasm' });
    expect(report?.evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(8);
    expect(report?.timings.fineTuneMs).toBeGreaterThan(0);
    expect(report?.cacheBytes).toBeGreaterThan((16 * 2 + 8) * 256 * 4);
    // The fused model carries the fine-tuned top block.
    await expectModelMatchesReport(events, report);
  });

  it('two-stage at a 160 px input: every image read at 160 px, the cut at 5x5, the report and the model at 160', async () => {
    const events: TrainEvent[] = [];
    const sizes = new Set<number>();
    const small = { ...settings, inputSizePx: 160, epochs: 2, fineTune: true, fineTuneBlocks: 1, fineTuneEpochs: 1 };
    const report = await runTraining(
      { dataset, settings: small, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        readImage: (item, sizePx, params) => {
          sizes.add(sizePx);
          return readJpeg(item, sizePx, params);
        },
        prepareFineTune: () => {
          registerWasmGradientKernels();
          return Promise.resolve({ backend: 'wasm', reason: 'test' });
        },
      }),
    );
    const last = events.at(-1);
    expect(last?.type === 'error' ? last.message : last?.type).toBe('done');
    expect([...sizes]).toEqual([160]);
    expect(report?.settings.inputSizePx).toBe(160);
    expect(report?.backboneInfo?.inputSizePx).toBe(160);
    expect(events.find((e) => e.type === 'plan')).toMatchObject({ fineTune: { blocks: 1, activationShape: [5, 5, 256] } });
    expect(last?.type === 'done' ? last.model?.imageSizePx : null).toBe(160);
    await expectModelMatchesReport(events, report);
  });

  it('refuses an input size the backbone does not take before loading anything', async () => {
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings: { ...settings, inputSizePx: 100 }, backend: 'wasm', ingestMs: 0 },
      deps(events, { loadBackbone: () => Promise.reject(new Error('must not load')) }),
    );
    expect(report).toBeNull();
    expect(events).toEqual([{ type: 'error', message: expect.stringMatching(/takes 160, 192, 224 px images, not 100 px/) }]);
  });

  it('trains the scratch CNN whole, as its only stage', async () => {
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings: { ...settings, backboneId: SCRATCH_ID, epochs: 2 }, backend: 'wasm', ingestMs: 0 },
      deps(events, {
        prepareFineTune: () => {
          registerWasmGradientKernels();
          return Promise.resolve({ backend: 'wasm', reason: 'test' });
        },
      }),
    );
    const last = events.at(-1);
    expect(last?.type === 'error' ? last.message : last?.type).toBe('done');
    expect(report?.plan).toMatchObject({ stage1Epochs: 0, stage2Epochs: 2, fineTune: null });
    expect(report?.history.map((m) => m.stage)).toEqual([2, 2]);
    await expectModelMatchesReport(events, report);
  });

  it('ends with one error event that names the URLs when the backbone cannot be loaded', async () => {
    const events: TrainEvent[] = [];
    const report = await runTraining(
      { dataset, settings, backend: 'wasm', ingestMs: 0 },
      deps(events, { loadBackbone: (entry) => loadBackbone(entry, { ioHandlerFor: () => ({ load: () => Promise.reject(new Error('404')) }) }) }),
    );
    expect(report).toBeNull();
    const last = events.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.message).toContain('/models/mobilenet_v1_0.25_224/model.json');
    expect(last?.type === 'error' && last.message).toContain('npm run models');
  });

  it('fits the run into the memory it may use: fewer views with a note, or a clear refusal before embedding', async () => {
    const asked = { ...settings, epochs: 1, augmentViews: 3 };
    // Without views the run needs E0; each view of the 16 training images adds 16 feature rows of 256 floats.
    const probeEvents: TrainEvent[] = [];
    await runTraining({ dataset, settings: { ...asked, augmentViews: 0 }, backend: 'wasm', ingestMs: 0 }, deps(probeEvents));
    const probe = probeEvents.find((e) => e.type === 'plan');
    if (probe?.type !== 'plan') throw new Error('no plan');
    expect(probe.memory.note).toBeNull();
    const perView = 16 * 256 * 4;
    const budget = probe.memory.estimatedBytes + perView * 1.5;
    const events: TrainEvent[] = [];
    const report = await runTraining({ dataset, settings: asked, backend: 'wasm', ingestMs: 0 }, deps(events, { memoryBudgetBytes: budget }));
    const plan = events.find((e) => e.type === 'plan');
    expect(plan).toMatchObject({ viewsPerImage: 2, memory: { note: expect.stringContaining('3 augmented views per image would need') } });
    expect(report?.settings.augmentViews).toBe(1);

    const refused: TrainEvent[] = [];
    await runTraining({ dataset, settings: asked, backend: 'wasm', ingestMs: 0 }, deps(refused, { memoryBudgetBytes: 1024 }));
    const last = refused.at(-1);
    expect(last?.type === 'error' && last.message).toMatch(/needs about .* even without augmented views/);
    expect(refused.some((e) => e.type === 'progress' && e.stage === 'embed')).toBe(false);
  });

});
