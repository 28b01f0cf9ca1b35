import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { hymenopteraSubset } from '../support/hymenopteraSubset';
import { storedCounts, waitSaved } from '../support/projectHelpers';

/**
 * Issue 23: a project that fails to read back is kept as it is, never replaced by an empty one, and the page
 * offers what can be recovered: its stored images and label files, as a zip under their paths.
 */
test('a stored project that cannot be read back is kept, and its files can be downloaded', async ({ page }) => {
  const subset = hymenopteraSubset({ train: 4, val: 2 }, 'studio-unreadable-');
  try {
    await page.goto('/');
    await waitSaved(page);
    await page.getByLabel('Choose folder').setInputFiles(subset.folder);
    await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
    await waitSaved(page);
    const [id] = Object.keys(await storedCounts(page));
    // Damage the stored state as the two-tab report of issue 23 did: a file list that no longer fits the files.
    await page.evaluate(async (projectId) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('fine-tune-studio');
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      const store = db.transaction('projects', 'readwrite').objectStore('projects');
      const record = await new Promise<{ state: { files: unknown[] } }>((resolve) => {
        const get = store.get(projectId ?? '');
        get.onsuccess = () => resolve(get.result as { state: { files: unknown[] } });
      });
      record.state.files = record.state.files.slice(1);
      await new Promise((resolve) => {
        store.put(record, projectId ?? '').onsuccess = resolve;
      });
      db.close();
    }, id);
    await page.reload();

    const message = page.getByTestId('projects-message');
    await expect(message).toContainText('could not be read back', { timeout: 60_000 });
    await expect(message).toContainText('It is kept as it is');
    // Kept: the damaged project is still stored with all its files.
    expect((await storedCounts(page))[id ?? '']).toMatchObject({ files: 12 });

    const download = page.waitForEvent('download');
    await message.getByRole('button', { name: 'Download its files' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('hymenoptera-small-files.zip');
    const entries = unzipSync(new Uint8Array(await readFile(await file.path())));
    const names = Object.keys(entries);
    expect(names).toHaveLength(12);
    // The first file lost its entry in the damaged list: the rest keep their paths, each named once.
    expect(names.filter((n) => n.startsWith('hymenoptera-small/')).length).toBeGreaterThanOrEqual(11);
    expect(Object.values(entries).every((bytes) => bytes.length > 0)).toBe(true);
  } finally {
    subset.remove();
  }
});
