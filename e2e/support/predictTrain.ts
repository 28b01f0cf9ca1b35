import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import { datasetPath } from './paths';
import { downloadOf } from './projectHelpers';

/**
 * Trains a small classifier on hymenoptera through the UI, kept short: 5 epochs, no augmented views, and
 * by default the smallest backbone (MobileNet v1 0.25). Resolves when the classifier is there (the
 * prediction panel shows).
 */
export async function trainSmallHymenoptera(page: Page, backboneId = 'mobilenet_v1_0.25_224'): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('total-train')).toHaveText('245');
  await page.getByLabel('Backbone').selectOption(backboneId);
  await trainShort(page, 5);
  await expect(page.getByTestId('predict-panel')).toBeVisible();
}

/**
 * A short run of the dataset already chosen: `epochs` epochs, no augmented views. Waits for the image check
 * to end, clicks Train and resolves when the results show.
 */
export async function trainShort(page: Page, epochs: number): Promise<void> {
  await page.getByLabel('Epochs', { exact: true }).fill(String(epochs));
  await page.getByText('Training options').click();
  await page.getByLabel('Augmented views per image').fill('0');
  await page.getByText('Training options').click();
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 240_000 });
}

/**
 * Chooses `folder` (when given: a new project), then trains `backbone` for `epochs` epochs with `views`
 * augmented views (default none), through the UI; resolves with the run's report.json, parsed. Waits for the previous run's results
 * to go before waiting for the new ones.
 */
export async function trainAndReport<R>(page: Page, options: { backbone: string; epochs: number; folder?: string; views?: number }): Promise<R> {
  if (options.folder) await page.getByLabel('Choose folder').setInputFiles(options.folder);
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  await page.getByLabel('Backbone').selectOption(options.backbone);
  await page.getByLabel('Epochs', { exact: true }).fill(String(options.epochs));
  await page.getByText('Training options').click();
  await page.getByLabel('Augmented views per image').fill(String(options.views ?? 0));
  await page.getByText('Training options').click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('results')).toBeHidden();
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 420_000 });
  return JSON.parse((await downloadOf(page, 'Download report')).text) as R;
}
