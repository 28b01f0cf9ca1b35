import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parseCsv } from '../../src/engine/testing/parseCsv';
import { datasetPath } from '../support/paths';
import { downloadOf } from '../support/projectHelpers';
import { trainAndReport } from '../support/predictTrain';

interface TtaReport {
  evaluations: { split: string; accuracy: number; ttaAccuracy?: number }[];
  testTimeAugmentation?: { views: string[]; extraRows: number; embedMs: number; evaluateMs: number };
  calibration?: { split: string; reliabilityAfter: { count: number }[] }[];
  counts: Record<string, Record<string, number>>;
  timings: { embedMs: number };
}

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

/**
 * Issue 22, test-time augmentation and the reliability diagrams: rps (with its `testing` split) on MobileNet
 * v1 0.25, the held-out images also embedded mirrored and in three crops; the report gives each split's
 * accuracy with the views averaged beside the plain one, the results show both and the cost, and a
 * reliability diagram per held-out split.
 */
test('test-time augmentation on rps: accuracy with and without on every held-out split, its cost, and Predict with it', async ({ page }) => {
  test.setTimeout(480_000);
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('rps'));
  await page.getByText('Training options').click();
  await page.getByLabel('Test-time augmentation').check();
  await page.getByText('Training options').click();
  const report = await trainAndReport<TtaReport>(page, { backbone: 'mobilenet_v1_0.25_224', epochs: 6, views: 1 });
  const tta = report.testTimeAugmentation;
  expect(tta?.views).toHaveLength(5);
  const heldOut = Object.entries(report.counts).filter(([split]) => split !== 'train');
  const images = heldOut.reduce((n, [, byClass]) => n + Object.values(byClass).reduce((a, b) => a + b, 0), 0);
  expect(tta?.extraRows).toBe(images * 4);
  expect(report.evaluations.map((e) => e.split)).toEqual(['val', 'test']);
  for (const e of report.evaluations) {
    expect(e.ttaAccuracy).toBeGreaterThan(0.5);
    await expect(page.getByTestId(`tta-${e.split}`)).toContainText(`${percent(e.accuracy)} plain, ${percent(e.ttaAccuracy ?? 0)} with it`);
  }
  await expect(page.getByTestId('tta-summary')).toContainText(`${tta?.extraRows} extra held-out views`);

  // A reliability diagram per held-out split, with a bar per bin that holds images.
  for (const c of report.calibration ?? []) {
    const figure = page.getByTestId(`reliability-${c.split}`);
    await expect(figure).toBeVisible();
    const bins = c.reliabilityAfter.filter((b) => b.count > 0).length;
    expect(bins).toBeGreaterThan(0);
    await expect(figure).toHaveAttribute('data-bins', String(bins));
    await expect(figure.locator('rect.reliability-after')).toHaveCount(bins);
  }
  expect(report.calibration?.map((c) => c.split)).toEqual(['val', 'test']);

  // Predict with test-time augmentation (on, as the training options asked) on the testing folder: the
  // accuracy of its answers is the report's test accuracy with TTA (the same views, averaged the same way).
  const panel = page.getByTestId('predict-panel');
  await expect(panel.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });
  await expect(panel.getByLabel('Test-time augmentation')).toBeChecked();
  await panel.getByTestId('predict-folder-input').setInputFiles(path.join(datasetPath('rps'), 'testing'));
  await expect(panel.getByTestId('predict-progress-detail')).toContainText('Done: 470 / 470', { timeout: 180_000 });
  const [, ...rows] = parseCsv((await downloadOf(page, 'Download these predictions as predictions.csv')).text).filter((r) => r.length > 1);
  expect(rows).toHaveLength(470);
  const right = rows.filter(([file, label]) => file?.split('/').at(-2) === label).length;
  const testSplit = report.evaluations.find((e) => e.split === 'test');
  expect(Math.abs(right / 470 - (testSplit?.ttaAccuracy ?? -1))).toBeLessThanOrEqual(1 / 470);
  console.log(
    `TTA (rps, v1 0.25, 6 epochs, 1 augmented view): ${report.evaluations.map((e) => `${e.split} ${e.accuracy.toFixed(4)} -> ${e.ttaAccuracy?.toFixed(4)}`).join(', ')}; ` +
      `Predict with TTA on testing/: ${(right / 470).toFixed(4)}; ${tta?.extraRows} extra views, about ${((tta?.embedMs ?? 0) / 1000).toFixed(1)} s of the ${(report.timings.embedMs / 1000).toFixed(1)} s of features, ${tta?.evaluateMs.toFixed(0)} ms to evaluate`,
  );
});
