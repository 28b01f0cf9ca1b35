import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TrainEvent } from './events';
import { runTraining } from './run';
import { MINI_DATASET as dataset, RUN_SETTINGS, deps, expectModelMatchesReport } from '../testing/runFixture';

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('a run with the settings search (MobileNet v1 0.25, real photos)', () => {
  it('searches on validation before stage 1, trains with the best and reports every trial', async () => {
    const events: TrainEvent[] = [];
    const settings = { ...RUN_SETTINGS, epochs: 3, searchSettings: true };
    const report = await runTraining({ dataset, settings, backend: 'wasm', ingestMs: 0 }, deps(events));
    expect(report).not.toBeNull();
    if (!report) return;
    const search = report.settingsSearch;
    expect(search?.trials).toHaveLength(13);
    expect(search?.trials[0]?.settings).toEqual({ learningRate: 1e-3, dropout: 0.3, labelSmoothing: 0, hiddenUnits: 128 });
    // The model was trained with the winner's values, and the report says the search was asked for.
    expect(report.settings).toMatchObject({ ...search?.best.settings, searchSettings: true });
    const search0 = events.findIndex((e) => e.type === 'progress' && e.stage === 'search');
    expect(search0).toBeGreaterThan(events.findLastIndex((e) => e.type === 'progress' && e.stage === 'embed'));
    expect(search0).toBeLessThan(events.findIndex((e) => e.type === 'epochEnd'));
    expect(events.filter((e) => e.type === 'progress' && e.stage === 'search').at(-1)).toMatchObject({ done: 13, total: 13 });
    await expectModelMatchesReport(events, report);
  });
});
