import { expect, test } from '@playwright/test';
import { datasetPath } from './paths';

test('a folder dragged onto the page is read recursively, non-images skipped and listed', async ({ page }) => {
  await page.goto('/');
  // Chromium's own drag and drop, as a file manager would do it: the drop carries the real folder.
  const cdp = await page.context().newCDPSession(page);
  const box = await page.getByLabel('Dataset', { exact: true }).boundingBox();
  if (!box) throw new Error('no drop zone on the page');
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const data = { items: [], files: [datasetPath('rps')], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
  }

  // training/ + testing/: 1877 training images, 15% of each class held out for validation; 470 test images.
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
});
