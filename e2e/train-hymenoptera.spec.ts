import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { expect, test } from '@playwright/test';
import { datasetPath } from './support/paths';

interface ReportJson {
  version: number;
  backbone: string;
  backend: string;
  classes: string[];
  counts: Record<string, Record<string, number>>;
  skipped: { file: string; reason: string }[];
  settings: { epochs: number; augmentViews: number };
  history: { epoch: number; loss: number; accuracy: number; valLoss: number; valAccuracy: number; elapsedMs: number }[];
  evaluation: { split: string; accuracy: number; confusionMatrix: number[][]; perClass: { class: string; support: number }[] };
  timings: { ingestMs: number; embedMs: number; trainMs: number; totalMs: number };
  embedImagesPerSecond: number;
  profile?: Record<string, number>;
  runWarnings?: { code: string }[];
}

const sum = (counts: Record<string, number> | undefined): number => Object.values(counts ?? {}).reduce((a, b) => a + b, 0);

test('chooses hymenoptera, trains the default backbone and downloads a true report', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));

  await expect(page.getByTestId('total-train')).toHaveText('245');
  await expect(page.getByTestId('total-val')).toHaveText('153');
  await expect(page.getByTestId('count-train-ants')).toHaveText('124');

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('backend')).toContainText('wasm');
  // The built app computes on every core: the threaded WASM build, one thread per core (up to 8).
  const threads = Math.min(8, os.cpus().length);
  await expect(page.getByTestId('backend')).toContainText(`; ${threads} thread${threads === 1 ? '' : 's'})`);
  // The charts appear with the first epoch and grow while training runs.
  await expect(page.getByTestId('chart-loss').locator('.chart-line-train')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('chart-accuracy')).toBeVisible();
  await expect(page.getByTestId('confusion-val')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('report-val')).toContainText('weighted avg');

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('report.json');
  const report = JSON.parse(await readFile(await download.path(), 'utf8')) as ReportJson;

  expect(report.version).toBe(1);
  expect(report.backbone).toBe('mobilenet_v2_1.0_224');
  expect(report.backend).toBe('wasm');
  expect(report.classes).toEqual(['ants', 'bees']);
  expect(sum(report.counts.train)).toBe(245);
  expect(sum(report.counts.val)).toBe(153);
  expect(report.counts.test).toBeUndefined();
  expect(report.skipped).toEqual([]);
  // Early stopping (on by default) may end before the last epoch.
  expect(report.history.length).toBeGreaterThan(0);
  expect(report.history.length).toBeLessThanOrEqual(report.settings.epochs);
  expect(report.history.map((h) => h.epoch)).toEqual(report.history.map((_, i) => i + 1));
  expect(report.evaluation.split).toBe('val');
  expect(report.evaluation.accuracy).toBeGreaterThanOrEqual(0.9);
  expect(report.evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(153);
  expect(report.evaluation.perClass.map((c) => c.support)).toEqual([70, 83]);
  for (const key of ['ingestMs', 'embedMs', 'trainMs', 'totalMs'] as const) expect(report.timings[key]).toBeGreaterThan(0);
  // One decode per photo in the built app: the 398 photos decoded once each, their 245 * 2 augmented views
  // drawn from those decodes; every core computing; nothing leaked.
  const views = report.settings.augmentViews;
  expect(report.profile).toMatchObject({ photosDecoded: 398, viewsDrawn: 398 + 245 * views, wasmThreads: threads, tensorsLeaked: 0 });
  expect(report.profile?.imageDecodeMs).toBeGreaterThan(0);
  expect(report.profile?.featuresMs).toBeGreaterThan(0);
  // A run that went well names nothing.
  expect(report.runWarnings).toEqual([]);
  await expect(page.getByTestId('run-warnings')).toHaveCount(0);

  // The accuracy on screen is the report's.
  await expect(page.getByTestId('accuracy-val')).toHaveText(`${(report.evaluation.accuracy * 100).toFixed(1)}%`);
  console.log(
    `hymenoptera: backend ${report.backend}, ${report.embedImagesPerSecond.toFixed(1)} images/s embedding, ` +
      `total ${(report.timings.totalMs / 1000).toFixed(1)} s, val accuracy ${report.evaluation.accuracy.toFixed(4)}`,
  );
});
