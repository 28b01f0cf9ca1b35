import { expect, test } from '@playwright/test';
import { datasetPath } from '../support/paths';
import { hymenopteraSubset } from '../support/hymenopteraSubset';
import { storedCounts, waitSaved } from '../support/projectHelpers';

/** rps as held in ../shared: 2,347 images (training 1,877 + testing 470) and 3 text files beside them. */
const RPS_IMAGES = 2347;
const RPS_FILES = RPS_IMAGES + 3;

/**
 * Issue 23, item 3: a reload during the check of every image brings the folder back and checks it again; a
 * reload during feature extraction (before the run's first checkpoint) says the run was interrupted and
 * offers to train again, which works.
 */
test('a reload during the image check keeps the folder and checks it again', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await waitSaved(page);
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('rps'));
  const detail = page.getByTestId('ingest-progress-detail');
  await expect(detail).toContainText('Checking images…', { timeout: 60_000 });
  // Saved while the check goes on: the files and the dataset as listed, no thumbnails yet.
  await expect.poll(async () => Object.values(await storedCounts(page)).map((p) => p.files), { timeout: 60_000 }).toEqual([RPS_FILES]);
  expect(Object.values(await storedCounts(page)).map((p) => p.thumbs)).toEqual([0]);
  await page.reload();

  // The folder is back, and checked again from the start.
  await expect(page.getByTestId('ingest-progress-detail')).toContainText('Checking images…', { timeout: 60_000 });
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByLabel('Dataset summary').getByRole('heading', { level: 2 })).toHaveText(`rps: 3 classes, ${RPS_IMAGES} images`);
  await expect(page.getByTestId('total-test')).toHaveText('470');
  await waitSaved(page);
  const after = Object.values(await storedCounts(page));
  expect(after.map((p) => [p.files, p.thumbs])).toEqual([[RPS_FILES, RPS_IMAGES]]);
});

test('a reload during feature extraction says so and trains again in one click', async ({ page }) => {
  test.setTimeout(300_000);
  const subset = hymenopteraSubset({ train: 40, val: 10 }, 'studio-reload-mid-run-');
  try {
    await page.goto('/');
    await waitSaved(page);
    await page.getByLabel('Choose folder').setInputFiles(subset.folder);
    await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
    await page.getByLabel('Epochs', { exact: true }).fill('2');
    await waitSaved(page);
    // MobileNetV2 1.0 (the default) at 2 augmented views: about 240 rows, several seconds of features here.
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    await expect(page.getByTestId('progress-detail')).toContainText('Computing image features', { timeout: 60_000 });
    await waitSaved(page);
    await page.reload();

    const banner = page.getByTestId('interrupted-banner');
    await expect(banner).toContainText('Training was interrupted during feature extraction', { timeout: 60_000 });
    await expect(page.getByTestId('total-train')).toHaveText('80');
    await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('2');
    await banner.getByRole('button', { name: 'Train again' }).click();
    await expect(banner).toHaveCount(0);
    await expect(page.getByTestId('results')).toBeVisible({ timeout: 240_000 });
    // Finished: a reload now says nothing was interrupted.
    await waitSaved(page);
    await page.reload();
    await expect(page.getByTestId('results')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('interrupted-banner')).toHaveCount(0);
  } finally {
    subset.remove();
  }
});
