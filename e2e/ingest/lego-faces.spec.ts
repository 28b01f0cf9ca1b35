import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { datasetPath } from '../support/paths';

const summary = (page: Page) => page.getByLabel('Dataset summary');

/** The sum of the totals row (every split shown). */
async function totalImages(page: Page): Promise<number> {
  const cells = await page.getByTestId('class-counts').locator('tfoot th[data-testid^="total-"]').allTextContents();
  return cells.reduce((n, text) => n + Number(text), 0);
}

test('lego-minifigures by Choose folder: 4 nested classes, the 0002 copy of 0001 found and left out on request', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('lego-minifigures'));
  await expect(page.getByTestId('scan-done')).toHaveText('Every image checked: 121 decoded.', { timeout: 60_000 });

  await expect(summary(page).getByRole('heading', { level: 2 })).toHaveText('lego-minifigures: 4 classes, 121 images');
  await expect(page.getByTestId('layout')).toHaveText('Layout: one folder per class.');
  expect(await totalImages(page)).toBe(121);
  await expect(page.getByTestId('class-counts').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('skipped-count')).toHaveText('2 files skipped');
  await page.getByTestId('skipped-count').click();
  await expect(page.getByTestId('skipped-file').filter({ hasText: 'lego-minifigures/LICENSE' })).toContainText('not an image (no extension)');
  await expect(page.getByTestId('skipped-file').filter({ hasText: 'lego-minifigures/lego_data.csv' })).toContainText('not an image (.csv)');
  await expect(page.getByTestId('note-label-file-unused')).toContainText('lego_data.csv was not used');
  await expect(page.getByTestId('class-samples-0').getByTestId('thumb')).toHaveCount(4);

  // harry-potter/0002 is a byte-identical copy of harry-potter/0001: 13 pairs, all found. The studio drew the
  // validation split itself, so it keeps each pair in one split (no leak of its own making).
  const within = page.getByTestId('note-duplicate-within-class');
  await expect(within).toContainText('13 files are exact copies of another image in the same class and split (13 groups)');
  await within.getByTestId('note-files-count').click();
  await expect(within.locator('.note-files li')).toHaveCount(26);
  await expect(page.getByTestId('note-duplicate-across-splits')).toHaveCount(0);
  await expect(page.getByTestId('within-class-count')).toHaveText('13 extra copies of 13 images within a class.');
  const pairs = await within.locator('.note-files li').allTextContents();
  const copies = pairs.filter((p) => p.startsWith('harry-potter/0002/')).map((p) => p.slice('harry-potter/0002/'.length)).sort();
  const originals = pairs.filter((p) => p.startsWith('harry-potter/0001/')).map((p) => p.slice('harry-potter/0001/'.length)).sort();
  expect(copies).toHaveLength(13);
  expect(copies).toEqual(originals);

  // Leaving out the extra copies within a class drops the 13 second copies.
  await page.getByLabel('Leave out extra copies within a class').check();
  await expect(summary(page).getByRole('heading', { level: 2 })).toHaveText('lego-minifigures: 4 classes, 108 images');
  expect(await totalImages(page)).toBe(108);
  await expect(page.getByTestId('skipped-count')).toHaveText('15 files skipped');
  await expect(page.getByTestId('skipped-file').filter({ hasText: 'duplicate of another image of its class' })).toHaveCount(13);
  await page.getByLabel('Leave out extra copies within a class').uncheck();
  await expect(summary(page).getByRole('heading', { level: 2 })).toHaveText('lego-minifigures: 4 classes, 121 images');
});

test('faces-gender: 800 images from the folders, meta_data.csv noted; read by the CSV, 367 names are ambiguous', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('faces-gender'));
  await expect(page.getByTestId('scan-done')).toHaveText('Every image checked: 800 decoded.', { timeout: 60_000 });
  await expect(summary(page).getByRole('heading', { level: 2 })).toHaveText('faces-gender: 2 classes, 800 images');
  await expect(page.getByTestId('layout')).toHaveText('Layout: one folder per class.');
  expect(await totalImages(page)).toBe(800);
  const unused = page.getByTestId('note-label-file-unused');
  await expect(unused).toHaveClass(/info/);
  await expect(unused).toContainText('meta_data.csv was not used: the folders already give 2 classes.');

  // The CSV way: its names have no extension and 367 of them are in both folders.
  await page.getByLabel('Read the files as').selectOption('CSV / list labels');
  await expect(page.getByTestId('layout')).toHaveText('Layout: CSV labels from meta_data.csv (columns image_name → gender).');
  await expect(page.getByTestId('scan-done')).toHaveText('Every image checked: 66 decoded.', { timeout: 60_000 });
  const ambiguous = page.getByTestId('note-ambiguous-name');
  await expect(ambiguous).toHaveClass(/warning/);
  await expect(ambiguous).toContainText(/^Warning: 367 name\(s\) in meta_data\.csv match more than one image/);
  await expect(ambiguous.getByTestId('note-files-count')).toHaveText('367 files or names concerned');
  await expect(summary(page).getByRole('heading', { level: 2 })).toHaveText('faces-gender: 2 classes, 66 images');
  await expect(page.getByTestId('label-matches')).toHaveText('66 of 800 rows name exactly one image.');
  await expect(page.getByTestId('skipped-count')).toHaveText('734 files skipped');

  // The numeric column gives classes 0 and 1, which can be renamed in place.
  await page.getByLabel('Labels in').selectOption('target');
  await expect(page.getByTestId('layout')).toHaveText('Layout: CSV labels from meta_data.csv (columns image_name → target).');
  await expect(page.getByTestId('note-numeric-labels')).toBeVisible();
  const trainZero = Number(await page.getByTestId('count-train-0').textContent());
  await page.getByRole('button', { name: 'Rename class 0' }).click();
  const input = page.getByLabel('New name for class 0');
  await input.fill('male');
  await input.press('Enter');
  await expect(page.getByTestId('count-train-male')).toHaveText(String(trainZero));
  await expect(page.getByTestId('count-train-0')).toHaveCount(0);
  // A name already taken is refused, and the studio says why.
  await page.getByRole('button', { name: 'Rename class 1' }).click();
  await page.getByLabel('New name for class 1').fill('male');
  await page.getByLabel('New name for class 1').press('Enter');
  await expect(page.getByTestId('ingest-error')).toHaveText('There is already a class named "male".');
  await expect(page.getByTestId('count-train-1')).toBeVisible();

  await page.getByLabel('Read the files as').selectOption('Auto');
  await expect(summary(page).getByRole('heading', { level: 2 })).toHaveText('faces-gender: 2 classes, 800 images');
});
