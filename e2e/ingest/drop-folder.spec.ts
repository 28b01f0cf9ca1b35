import { expect, test } from '@playwright/test';
import { datasetPath } from '../support/paths';

test('a folder dragged onto the page is read recursively, non-images skipped, near copies across splits noted', async ({ page }) => {
  await page.goto('/');
  // Chromium's own drag and drop, as a file manager would do it: the drop carries the real folder.
  const cdp = await page.context().newCDPSession(page);
  const box = await page.getByLabel('Dataset', { exact: true }).boundingBox();
  if (!box) throw new Error('no drop zone on the page');
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const data = { items: [], files: [datasetPath('rps')], dragOperationsMask: 1 };
  const startMs = Date.now();
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  }

  // Every image is checked in the worker pool; the progress shows while it runs.
  await expect(page.getByTestId('ingest-progress-detail')).toContainText(/Checking images… \d+ \/ 2347/);
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 150_000 });
  const scanSeconds = (Date.now() - startMs) / 1000;
  await expect(page.getByTestId('ingest-progress')).toHaveCount(0);
  await expect(page.getByTestId('scan-done')).toHaveText('Every image checked: 2347 decoded.');

  // training/ + testing/: 1877 training images, 15% of each class held out for validation; 470 test images.
  await expect(page.getByTestId('layout')).toHaveText('Layout: split folders (training/ → train, testing/ → test), one folder per class in each.');
  await expect(page.getByTestId('total-test')).toHaveText('470');
  await expect(page.getByTestId('total-train')).toHaveText('1595');
  await expect(page.getByTestId('total-val')).toHaveText('282');
  await expect(page.getByTestId('count-val-rock')).toHaveText('111');
  await expect(page.getByTestId('count-train-rock')).toHaveText('629');
  await expect(page.getByTestId('count-test-scissors')).toHaveText('127');
  await expect(page.getByTestId('skipped-count')).toHaveText('3 files skipped');
  await page.getByTestId('skipped-count').click();
  for (const file of ['ATTRIBUTION.md', 'LICENSE', 'NOTICE.md']) {
    await expect(page.getByLabel('Dataset summary').getByText(`rps/${file}`, { exact: true })).toBeVisible();
  }

  // rps has near-identical frames of one hand in training/ and testing/: a warning, and the pairs side by side.
  const note = page.getByTestId('note-near-duplicate-across-splits');
  await expect(note).toHaveClass(/warning/);
  const noted = Number((await note.locator('.note-message').textContent())?.match(/^(\d+) pairs? of nearly identical/)?.[1]);
  const shown = Number((await page.getByTestId('near-pairs-count').textContent())?.match(/^(\d+) nearly identical/)?.[1]);
  expect(noted).toBeGreaterThan(0);
  expect(shown).toBe(noted);
  const firstPair = page.getByTestId('near-pair').first();
  await expect(firstPair.getByTestId('thumb')).toHaveCount(2);
  const splits = await firstPair.locator('.muted').allTextContents();
  expect(splits.filter((s) => s.startsWith('('))).toHaveLength(2);
  await firstPair.scrollIntoViewIfNeeded(); // previews load lazily, when on screen
  await expect.poll(() => firstPair.locator('img').first().evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const exact = page.getByTestId('across-splits-count');
  const exactText = (await exact.count()) > 0 ? await exact.textContent() : 'none';
  console.log(`rps: ${noted} near-duplicate pairs across splits; exact copies across splits: ${exactText}; scan ${scanSeconds.toFixed(1)} s`);
});

test('checking the images can be cancelled: the folder stays listed, unchecked', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('rps'));
  const detail = page.getByTestId('ingest-progress-detail');
  await expect(detail).toContainText(/Checking images… \d+ \/ 2347/);
  await page.getByTestId('ingest-progress').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('ingest-progress')).toHaveCount(0);
  await expect(page.getByText('The images have not been checked (the check was cancelled).')).toBeVisible();
  await expect(page.getByTestId('scan-done')).toHaveCount(0);
  // The listing is kept, as read from the folders.
  await expect(page.getByTestId('total-train')).toHaveText('1595');
  await expect(page.getByTestId('total-test')).toHaveText('470');
  await expect(page.getByTestId('ingest-error')).toHaveCount(0);
});
