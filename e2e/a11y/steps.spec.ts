import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { datasetPath } from '../support/paths';

/** Where a section's top is in the window, px. */
const topOf = (page: Page, id: string): Promise<number> => page.evaluate((i) => document.getElementById(i)?.getBoundingClientRect().top ?? NaN, id);

/**
 * Issue 24, clear steps: the step bar says which steps are ready and which is current, jumps to each, shows
 * the run's progress from anywhere on the page, and moves to the results when the run ends.
 */
test('the step bar: ready and current steps, jumps, the run followed from any step', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/');
  const bar = page.getByTestId('step-bar');
  await expect(bar.getByTestId('step-images')).toHaveAttribute('aria-current', 'step');
  await expect(bar.getByTestId('step-images')).toContainText('(not yet)');

  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  // The image check is followed in the bar too.
  await expect(bar.getByTestId('step-work')).toContainText(/Checking the images: \d+ \/ 398/);
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
  await expect(bar.getByTestId('step-work')).toHaveCount(0);
  await expect(bar.getByTestId('step-images')).toContainText('(ready)');
  await expect(bar.getByTestId('step-train')).toHaveAttribute('aria-current', 'step');
  await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
  await page.getByLabel('Epochs', { exact: true }).fill('4');
  await page.getByRole('button', { name: 'Train', exact: true }).click();

  // From the top of the page, the bar shows the run's work.
  await bar.getByTestId('step-images').click();
  expect(Math.abs(await topOf(page, 'step-images'))).toBeLessThan(100);
  await expect(bar.getByTestId('step-work')).toContainText(/Running: (Loading the backbone|Computing image features|Stage 1: training the head)/, { timeout: 60_000 });
  await expect(bar.getByTestId('step-work')).toContainText('left', { timeout: 60_000 });

  // The run ends: the page moves to the results, below the bar, and the steps say a model is there.
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 120_000 });
  await expect.poll(() => topOf(page, 'step-results')).toBeLessThan(120);
  expect(await topOf(page, 'step-results')).toBeGreaterThanOrEqual(0);
  await expect(page.getByRole('heading', { name: '3. Results' })).toBeFocused();
  await expect(bar.getByTestId('step-work')).toHaveCount(0);
  await expect(bar.getByTestId('step-results')).toContainText('(ready)');
  await expect(bar.getByTestId('step-use')).toHaveAttribute('aria-current', 'step');
  await bar.getByTestId('step-use').click();
  await expect.poll(() => topOf(page, 'step-use')).toBeLessThan(120);
  await expect(page.getByTestId('export-download')).toBeInViewport();
});
