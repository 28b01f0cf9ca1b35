import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { datasetPath } from '../support/paths';

/** The first `n` hymenoptera training photos of `cls`, base64, sorted by name. */
function photos(cls: string, n: number): { name: string; base64: string }[] {
  const dir = datasetPath(`hymenoptera/train/${cls}`);
  return readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().slice(0, n).map((name) => ({ name, base64: readFileSync(`${dir}/${name}`).toString('base64') }));
}

/**
 * Issue 23, item 6: an empty class folder is no longer invisible. The folder input cannot list empty folders,
 * but the directory picker can: this test gives the page a folder `bugs/` holding `ants/` and `bees/` with
 * real photos and an empty `wasps/`, through `showDirectoryPicker` (replaced here, since a test cannot click
 * through the browser's own dialog; the studio's reader walks the handles as it would walk real ones).
 */
test('an empty class folder chosen with the folder picker gets a note, and is not a class or a skipped file', async ({ page }) => {
  const tree = { ants: photos('ants', 4), bees: photos('bees', 4), wasps: [] as { name: string; base64: string }[] };
  await page.addInitScript((folders) => {
    const fileHandle = (name: string, base64: string) => ({
      kind: 'file' as const, name,
      getFile: async () => new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: 'image/jpeg' }),
    });
    const directory = (name: string, children: unknown[]) => ({
      kind: 'directory' as const, name,
      async *values() {
        yield* children;
      },
    });
    const root = directory('bugs', Object.entries(folders).map(([cls, files]) => directory(cls, files.map((f) => fileHandle(f.name, f.base64)))));
    Object.defineProperty(window, 'showDirectoryPicker', { value: async () => root });
  }, tree);
  await page.goto('/');
  await page.getByRole('button', { name: 'Pick a folder…' }).click();
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByLabel('Dataset summary').getByRole('heading', { level: 2 })).toHaveText('bugs: 2 classes, 8 images');
  await expect(page.getByTestId('note-empty-folder')).toContainText('The folder "wasps/" is empty, so it gives no class: add images to it, or remove it.');
  await expect(page.getByTestId('skipped-count')).toHaveCount(0);
});
