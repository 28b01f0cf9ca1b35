import { expect, test } from '@playwright/test';
import type { StudioReport } from '../../src/engine/evaluation';
import { datasetPath } from '../support/paths';
import { trainAndReport } from '../support/predictTrain';

test('a second run with other head settings takes every feature row from the first run and trains on the same features', async ({ page }) => {
  await page.goto('/');
  const options = { backbone: 'mobilenet_v1_0.25_224', epochs: 4, views: 1 };
  const first = await trainAndReport<StudioReport>(page, { ...options, folder: datasetPath('hymenoptera') });
  expect(first.profile?.featureRowsFromEarlierRuns).toBe(0);
  await expect(page.getByTestId('rows-from-earlier-runs')).toHaveCount(0);

  await page.getByText('Training options').click();
  await page.getByLabel('Learning rate', { exact: true }).first().fill('0.003');
  await page.getByText('Training options').click();
  const second = await trainAndReport<StudioReport>(page, options);
  // 245 training images in two views, 153 validation images in one.
  expect(second.profile?.featureRowsFromEarlierRuns).toBe(245 * 2 + 153);
  expect(second.settings.learningRate).toBe(0.003);
  await expect(page.getByTestId('rows-from-earlier-runs')).toContainText('643 feature rows came from this page');
  // Nothing was decoded or embedded again.
  expect(second.profile?.photosDecoded).toBe(0);
  console.log(
    `second run: features ${(second.timings.embedMs / 1000).toFixed(2)} s against ${(first.timings.embedMs / 1000).toFixed(2)} s, ` +
      `whole run ${(second.timings.totalMs / 1000).toFixed(1)} s against ${(first.timings.totalMs / 1000).toFixed(1)} s`,
  );
  expect(second.timings.embedMs).toBeLessThan(first.timings.embedMs / 5);

  // A photo fit changes the pixels: nothing is taken.
  await page.getByText('Training options').click();
  await page.getByLabel('Photo shape').selectOption('letterbox');
  await page.getByText('Training options').click();
  const third = await trainAndReport<StudioReport>(page, options);
  expect(third.profile?.featureRowsFromEarlierRuns).toBe(0);
});
