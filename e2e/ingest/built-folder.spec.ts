import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { datasetPath } from '../support/paths';

/** Real hymenoptera photos per class; the sorted listing makes the pick the same on every machine. */
const PER_CLASS = 8;
const ROOT = 'mixed-bugs';

/**
 * The files of a small, messy folder, by path under its root: two classes of real JPEGs, a JPEG cut to a
 * third of its bytes, a zero-byte `.jpg`, a text file named `.jpg`, `.DS_Store` files, and one bee photo
 * filed under both classes.
 */
function messyFolder(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const photos = (cls: string) =>
    readdirSync(datasetPath(`hymenoptera/train/${cls}`))
      .filter((name) => name.endsWith('.jpg'))
      .sort()
      .map((name) => ({ name, bytes: readFileSync(datasetPath(`hymenoptera/train/${cls}/${name}`)) }));
  const ants = photos('ants');
  const bees = photos('bees');
  for (const { name, bytes } of ants.slice(0, PER_CLASS)) files.set(`ants/${name}`, bytes);
  for (const { name, bytes } of bees.slice(0, PER_CLASS)) files.set(`bees/${name}`, bytes);
  const cut = ants[PER_CLASS]?.bytes ?? new Uint8Array();
  files.set('ants/truncated.jpg', cut.subarray(0, Math.floor(cut.length / 3)));
  files.set('ants/notes.jpg', new TextEncoder().encode('Remember to sort the bees from the ants.\n'));
  files.set('bees/empty.jpg', new Uint8Array());
  files.set('.DS_Store', new Uint8Array([0, 0, 0, 1, 66, 117, 100, 49]));
  files.set('bees/.DS_Store', new Uint8Array([0, 0, 0, 1, 66, 117, 100, 49]));
  const shared = bees[PER_CLASS]?.bytes ?? new Uint8Array();
  files.set('ants/shared.jpg', shared);
  files.set('bees/shared.jpg', shared);
  return files;
}

let tempDir = '';
let folder = '';
let zipPath = '';
test.beforeAll(() => {
  tempDir = mkdtempSync(path.join(tmpdir(), 'studio-ingest-'));
  folder = path.join(tempDir, ROOT);
  const files = messyFolder();
  for (const [rel, bytes] of files) {
    mkdirSync(path.dirname(path.join(folder, rel)), { recursive: true });
    writeFileSync(path.join(folder, rel), bytes);
  }
  zipPath = path.join(tempDir, `${ROOT}.zip`);
  writeFileSync(zipPath, zipSync(Object.fromEntries([...files].map(([rel, bytes]) => [`${ROOT}/${rel}`, bytes]))));
});
test.afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

/**
 * What both ways in must show for the messy folder; `systemFiles` are the `.DS_Store` files listed as
 * skipped (a folder lists them; the archive reader leaves dotfiles out of the listing altogether).
 */
async function expectMessyFolderRead(page: Page, systemFiles: readonly string[]): Promise<void> {
  await expect(page.getByTestId('scan-done')).toHaveText(
    'Every image checked: 18 decoded, 2 could not be decoded (listed with the skipped files).',
    { timeout: 60_000 },
  );
  await expect(page.getByLabel('Dataset summary').getByRole('heading', { level: 2 })).toHaveText(`${ROOT}: 2 classes, 18 images`);
  await expect(page.getByTestId('layout')).toHaveText('Layout: one folder per class.');
  // ants: 8 photos and the shared bee; bees: 8 photos and the shared bee. The split was drawn (seed 42, 15%
  // per class) before the scan, over 11 ants and 9 bees: 2 and 1 to validation; the 2 undecodable were in training.
  const expected = { 'train-ants': '7', 'train-bees': '8', 'val-ants': '2', 'val-bees': '1', 'total-train': '15', 'total-val': '3' };
  for (const [cell, value] of Object.entries(expected)) {
    await expect(page.getByTestId(cell.startsWith('total') ? cell : `count-${cell}`)).toHaveText(value);
  }

  // Each bad file is skipped with its reason: by name and size when listed, by content when scanned. The
  // scan's entries name the path inside the dataset (without the folder's name), hence the optional prefix.
  await expect(page.getByTestId('skipped-count')).toHaveText(`${3 + systemFiles.length} files skipped`);
  await page.getByTestId('skipped-count').click();
  const skipped = page.getByTestId('skipped-file');
  for (const file of systemFiles) {
    await expect(skipped.filter({ has: page.getByText(`${ROOT}/${file}`, { exact: true }) })).toHaveText(`${ROOT}/${file}: system file`);
  }
  await expect(skipped.filter({ hasText: '.DS_Store' })).toHaveCount(systemFiles.length);
  await expect(skipped.filter({ hasText: 'bees/empty.jpg' })).toHaveText(`${ROOT}/bees/empty.jpg: empty file (0 bytes)`);
  await expect(skipped.filter({ hasText: 'ants/truncated.jpg' })).toHaveText(
    /^(mixed-bugs\/)?ants\/truncated\.jpg: corrupt or truncated JPEG file: the browser could not decode it$/,
  );
  await expect(skipped.filter({ hasText: 'ants/notes.jpg' })).toHaveText(
    /^(mixed-bugs\/)?ants\/notes\.jpg: not an image: the content is in no known image format \(is it misnamed\?\)$/,
  );

  // The bee filed under both classes: a warning, and the two files side by side with their classes.
  await expect(page.getByTestId('note-duplicate-across-classes')).toContainText('The same image has two or more labels: 2 files in 1 group');
  const pair = page.getByTestId('duplicate-across-classes');
  await expect(pair).toHaveCount(1);
  await expect(pair.getByTestId('thumb-file')).toHaveText(['ants/shared.jpg', 'bees/shared.jpg']);
  await expect(pair.getByTestId('duplicate-class')).toHaveText(['ants', 'bees']);
  await pair.scrollIntoViewIfNeeded(); // previews load lazily, when on screen
  for (const img of await pair.locator('img').all()) {
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBeGreaterThan(0);
  }
  await expect(page.getByTestId('within-class-count')).toHaveText('No copies within a class.');
}

/** Drops `paths` (folders or files) on the drop zone with Chromium's own drag and drop, as a file manager does. */
async function drop(page: Page, paths: readonly string[]): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const zone = page.getByLabel('Dataset', { exact: true });
  await zone.scrollIntoViewIfNeeded(); // the drop lands at viewport coordinates
  const box = await zone.boundingBox();
  if (!box) throw new Error('no drop zone on the page');
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const data = { items: [], files: [...paths], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
}

test('a messy folder by Choose folder: bad files skipped with reasons, the cross-class copy side by side', async ({ page }) => {
  await page.goto('/');
  // Chromium has the File System Access picker, so its button is offered beside the folder input.
  await expect(page.getByRole('button', { name: 'Pick a folder…' })).toBeVisible();
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expectMessyFolderRead(page, ['.DS_Store', 'bees/.DS_Store']);
});

test('the same folder as a .zip by Open .zip: unpacked in the page, the same counts and reasons', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Open .zip').setInputFiles(zipPath);
  await expectMessyFolderRead(page, []);
});

test('the .zip dropped on the page reads the same; two class folders dropped together make the two classes', async ({ page }) => {
  await page.goto('/');
  await drop(page, [zipPath]);
  await expectMessyFolderRead(page, []);

  // Several folders at once: each dropped folder is a class (no shared folder, so no dataset name).
  await drop(page, [path.join(folder, 'ants'), path.join(folder, 'bees')]);
  await expect(page.getByLabel('Dataset summary').getByRole('heading', { level: 2 })).toHaveText('Dataset: 2 classes, 18 images', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('scan-done')).toHaveText('Every image checked: 18 decoded, 2 could not be decoded (listed with the skipped files).');
  for (const [cell, value] of Object.entries({ 'count-train-ants': '7', 'count-train-bees': '8', 'total-val': '3' })) {
    await expect(page.getByTestId(cell)).toHaveText(value);
  }
  await expect(page.getByTestId('skipped-count')).toHaveText('4 files skipped');
  await page.getByTestId('skipped-count').click();
  await expect(page.getByTestId('skipped-file').filter({ hasText: 'bees/.DS_Store' })).toHaveText('bees/.DS_Store: system file');
  await expect(page.getByTestId('duplicate-across-classes').getByTestId('thumb-file')).toHaveText(['ants/shared.jpg', 'bees/shared.jpg']);
});
