import { expect, test } from '@playwright/test';
import { datasetPath } from '../support/paths';

test('pokemon-types: pokemon.csv read by itself (Name → Type1), RGBA and palette PNGs decoded, class weights shown', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('pokemon-types'));
  await expect(page.getByTestId('scan-done')).toHaveText('Every image checked: 809 decoded.', { timeout: 90_000 });

  const summary = page.getByLabel('Dataset summary');
  await expect(summary.getByRole('heading', { level: 2 })).toHaveText('pokemon-types: 18 classes, 809 images');
  await expect(page.getByTestId('layout')).toHaveText('Layout: CSV labels from pokemon.csv (columns Name → Type1).');
  await expect(page.getByLabel('Read the files as')).toHaveValue('auto');
  await expect(page.getByLabel('File names in')).toHaveValue('Name');
  await expect(page.getByLabel('Labels in')).toHaveValue('Type1');
  await expect(page.getByTestId('label-matches')).toHaveText('809 of 809 rows name exactly one image.');
  await expect(page.getByTestId('class-counts').locator('tbody tr')).toHaveCount(18);
  // Nothing skipped: every PNG (RGBA, palette with transparency) and JPEG decoded.
  await expect(page.getByTestId('skipped-count')).toHaveCount(0);

  const imbalance = page.getByTestId('note-imbalance');
  await expect(imbalance).toHaveClass(/warning/);
  await expect(imbalance).toContainText('"Water" has 114 images and "Flying" only 3');
  await expect(page.getByTestId('note-few-images')).toContainText('"Flying": 3');
  await expect(page.getByTestId('class-weights')).toContainText('Class weights are applied automatically (Class weighting: auto)');
  const flying = Number(await page.getByTestId('class-weight-Flying').textContent());
  const water = Number(await page.getByTestId('class-weight-Water').textContent());
  expect(flying).toBeGreaterThan(10);
  expect(water).toBeLessThan(1);
  // 18 classes, 4 previews each at most; the first decodes.
  const firstClass = page.getByTestId('class-samples-0').getByTestId('thumb');
  await expect(firstClass).toHaveCount(4);
  await firstClass.first().scrollIntoViewIfNeeded(); // previews load lazily, when on screen
  await expect.poll(() => firstClass.first().locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  console.log(`pokemon-types: class weights Flying ${flying}, Water ${water}`);
});
