/** Shared steps of the e2e tests that train, save and reopen projects (e2e/projects/, and the tests that download reports). */
import { readFile } from 'node:fs/promises';
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

/** Waits until every change is saved to IndexedDB (the projects bar says so). */
export async function waitSaved(page: Page, timeout = 60_000): Promise<void> {
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved', { timeout });
}

/** Small, quick runs: MobileNet v1 0.25, `epochs` epochs, no augmented views, early stopping off. */
export async function chooseQuickSettings(page: Page, options: { epochs: number; batchSize?: number; hiddenUnits?: number }): Promise<void> {
  await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
  await page.getByLabel('Epochs', { exact: true }).fill(String(options.epochs));
  await page.getByText('Training options').click();
  const stage1 = page.getByRole('group', { name: /Stage 1/ });
  await stage1.getByLabel('Early stopping').uncheck();
  if (options.batchSize !== undefined) await stage1.getByLabel('Batch size').fill(String(options.batchSize));
  if (options.hiddenUnits !== undefined) await stage1.getByLabel('Hidden units').fill(String(options.hiddenUnits));
  await page.getByRole('group', { name: /Augmentation/ }).getByLabel('Augmented views per image').fill('0');
}

/** Clicks `button` and returns the downloaded file's text and name. */
export async function downloadOf(page: Page, button: string): Promise<{ name: string; text: string; path: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  const file = await download;
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8'), path };
}

/** The model's weight fingerprint shown by the projects bar, once computed. */
export async function modelFingerprint(page: Page): Promise<string> {
  const info = page.getByTestId('project-model');
  await expect(info).toContainText(/weights [0-9a-f]{12}/);
  return (await info.textContent()) ?? '';
}

/** Counts of what IndexedDB holds, per project id: images, thumbnails, weights, checkpoint. */
export async function storedCounts(page: Page): Promise<Record<string, { name: string; files: number; thumbs: number; model: boolean; checkpoint: boolean }>> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('fine-tune-studio');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = <T,>(store: string, query?: IDBKeyRange): Promise<T[]> =>
      new Promise((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll(query);
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const keys = (store: string): Promise<IDBValidKey[]> =>
      new Promise((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    const projects = await all<{ id: string; name: string }>('projects');
    const blobKeys = (await keys('blobs')) as [string, string, number][];
    const models = new Set(await keys('models'));
    const checkpoints = new Set(await keys('checkpoints'));
    db.close();
    return Object.fromEntries(
      projects.map((p) => [
        p.id,
        {
          name: p.name,
          files: blobKeys.filter((k) => k[0] === p.id && k[1] === 'file').length,
          thumbs: blobKeys.filter((k) => k[0] === p.id && k[1] === 'thumb').length,
          model: models.has(p.id),
          checkpoint: checkpoints.has(p.id),
        },
      ]),
    );
  });
}

/** The epochs of the stored checkpoint of the only project that has one, or null. */
export async function storedCheckpointHistory(page: Page): Promise<{ epoch: number; loss: number; valLoss: number; elapsedMs: number }[] | null> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('fine-tune-studio');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const all = await new Promise<{ checkpoint: { history: { epoch: number; loss: number; valLoss: number; elapsedMs: number }[] } }[]>((resolve, reject) => {
      const request = db.transaction('checkpoints').objectStore('checkpoints').getAll();
      request.onsuccess = () => resolve(request.result as never);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return all[0]?.checkpoint.history ?? null;
  });
}
