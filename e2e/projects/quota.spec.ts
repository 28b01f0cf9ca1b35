import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { datasetPath } from '../support/paths';
import { storedCounts, waitSaved } from '../support/projectHelpers';

/** Chooses the small lego dataset, renames its first class, and waits until that is saved. */
async function savedLegoProject(page: Page): Promise<{ train: string; renamed: string }> {
  await page.goto('/');
  await waitSaved(page);
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('lego-minifigures'));
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  const first = (await page.getByTestId('class-name-0').textContent()) ?? '';
  await page.getByRole('button', { name: `Rename class ${first}` }).click();
  await page.getByLabel(`New name for class ${first}`).fill('renamed first class');
  await page.getByLabel(`New name for class ${first}`).press('Enter');
  await waitSaved(page);
  return { train: (await page.getByTestId('total-train').textContent()) ?? '', renamed: 'renamed first class' };
}

test('a save past the real storage quota writes nothing, says so, and the last saved project comes back intact', async ({ page, context }) => {
  // A real quota, enforced by Chromium's quota manager, through which IndexedDB writes go. Set before the
  // page opens IndexedDB: Chromium reads an origin's quota when its database is first opened. (A Playwright
  // context is off the record: `navigator.storage.estimate()` there reports a made-up quota.) 30 MB holds the
  // app's offline cache and the small lego dataset, not the 46 MB hymenoptera folder.
  const origin = new URL(test.info().project.use.baseURL ?? '').origin;
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 30_000_000 });
  const lego = await savedLegoProject(page);
  expect(await cdp.send('Storage.getUsageAndQuota', { origin })).toMatchObject({ quota: 30_000_000, overrideActive: true });
  const before = await storedCounts(page);
  expect(Object.values(before)).toEqual([expect.objectContaining({ name: 'lego-minifigures', files: 123, model: false })]);
  // The studio shows what it stores and whether the browser keeps it for sure.
  await expect(page.getByTestId('storage-usage')).toContainText(/Storage: [\d.]+ (kB|MB) used of/);
  await expect(page.getByTestId('storage-persistent').or(page.getByTestId('storage-not-persistent'))).toBeVisible();

  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('save-error')).toContainText('quota exceeded', { timeout: 120_000 });
  await expect(page.getByTestId('save-error')).toContainText('Nothing was written; the last saved version is kept');
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'failed');
  // Nothing is lost in the tab: the folder just chosen is still shown.
  await expect(page.getByTestId('total-train')).toHaveText('245');
  // Nothing half-written: the stored project is exactly the one saved before (no image of the new folder).
  expect(await storedCounts(page)).toEqual(before);

  await page.reload();
  await waitSaved(page);
  await expect(page.getByTestId('total-train')).toHaveText(lego.train);
  await expect(page.getByTestId('class-name-0')).toHaveText(lego.renamed);
  expect(await storedCounts(page)).toEqual(before);

  // A change that fits is saved again.
  await page.getByRole('button', { name: `Rename class ${lego.renamed}` }).click();
  await page.getByLabel(`New name for class ${lego.renamed}`).fill('renamed again');
  await page.getByLabel(`New name for class ${lego.renamed}`).press('Enter');
  await waitSaved(page);
  await page.reload();
  await waitSaved(page);
  await expect(page.getByTestId('class-name-0')).toHaveText('renamed again');
});

test('a write that fails half-way through a save (QuotaExceededError on the 40th put) leaves the previous state intact; Try again saves', async ({ page }) => {
  // Fails one put of the next save, after 39 others were queued in the same transaction.
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    const state = window as unknown as { failPutAfter: number | null };
    state.failPutAfter = null;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      if (state.failPutAfter !== null && --state.failPutAfter <= 0) {
        state.failPutAfter = null;
        throw new DOMException('Injected: the quota is full', 'QuotaExceededError');
      }
      return put.apply(this, args);
    };
  });
  const lego = await savedLegoProject(page);
  const before = await storedCounts(page);

  await page.evaluate(() => {
    (window as unknown as { failPutAfter: number }).failPutAfter = 40;
  });
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('save-error')).toContainText('quota exceeded', { timeout: 120_000 });
  expect(await storedCounts(page)).toEqual(before);

  // The fault has passed: Try again writes the whole change.
  await page.getByRole('button', { name: 'Try again' }).click();
  await waitSaved(page);
  await expect(page.getByTestId('save-error')).toHaveCount(0);
  // The save failed while the images were being checked (a project is saved during the check too): once the
  // check is over, the thumbnails are saved as well.
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  await waitSaved(page);
  // The new folder is a project of its own, beside the lego one (kept as it was).
  const after = Object.values(await storedCounts(page));
  expect(after).toHaveLength(2);
  expect(after).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'hymenoptera', files: 398, thumbs: 398 }), ...Object.values(before)]));
  await page.reload();
  await waitSaved(page);
  await expect(page.getByTestId('total-train')).toHaveText('245');
  expect(lego.train).not.toBe('245');
});
