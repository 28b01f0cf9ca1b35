import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { datasetPath } from '../support/paths';
import { hymenopteraSubset } from '../support/hymenopteraSubset';
import { downloadOf, waitSaved } from '../support/projectHelpers';
import { trainShort } from '../support/predictTrain';

/** A PNG of `width` x `height` pixels of one colour. */
function flatPng(width: number, height: number, grey: number): Buffer {
  const png = new PNG({ width, height });
  png.data.fill(grey);
  for (let i = 3; i < png.data.length; i += 4) png.data[i] = 255;
  return PNG.sync.write(png);
}

/**
 * Issue 23, item 6: class names that differ only by case get a warning and a one-click merge that a reload
 * keeps; a 1x1 image and a blank 1500x1500 image are noted (and kept); the notes reach report.json.
 */
test('case-variant classes are merged in one click, tiny and blank images are noted, and report.json lists the notes', async ({ page }) => {
  test.setTimeout(240_000);
  const subset = hymenopteraSubset({ train: 8, val: 3 }, 'studio-odd-images-');
  try {
    // train/Bees/: three more bee photos, filed under a capitalised folder as a second typist would.
    const bees = datasetPath('hymenoptera/train/bees');
    mkdirSync(path.join(subset.folder, 'train', 'Bees'));
    for (const name of readdirSync(bees).filter((n) => n.endsWith('.jpg')).sort().slice(20, 23)) {
      copyFileSync(path.join(bees, name), path.join(subset.folder, 'train', 'Bees', name));
    }
    writeFileSync(path.join(subset.folder, 'train', 'ants', 'pixel.png'), flatPng(1, 1, 90));
    writeFileSync(path.join(subset.folder, 'train', 'ants', 'blank.png'), flatPng(1500, 1500, 255));

    await page.goto('/');
    await page.getByLabel('Choose folder').setInputFiles(subset.folder);
    await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
    const summary = page.getByLabel('Dataset summary').getByRole('heading', { level: 2 });
    await expect(summary).toHaveText('hymenoptera-small: 3 classes, 27 images');
    await expect(page.getByTestId('note-classes-differ-by-case')).toContainText('("bees" and "Bees")');
    await expect(page.getByTestId('note-tiny-images')).toContainText('1 image(s) are smaller than 32 pixels on a side (train/ants/pixel.png)');
    await expect(page.getByTestId('note-blank-images')).toContainText('2 image(s) are almost one flat colour (train/ants/blank.png, train/ants/pixel.png)');

    await page.getByTestId('note-action-classes-differ-by-case').click();
    await expect(summary).toHaveText('hymenoptera-small: 2 classes, 27 images');
    await expect(page.getByTestId('count-train-bees')).toHaveText('11');
    await expect(page.getByTestId('note-classes-differ-by-case')).toHaveCount(0);
    await expect(page.getByTestId('note-classes-merged-by-case')).toContainText('"bees" + "Bees"');
    await expect(page.getByTestId('note-tiny-images')).toBeVisible();

    // The merge is part of the project: a reload brings back two classes.
    await waitSaved(page);
    await page.reload();
    await expect(summary).toHaveText('hymenoptera-small: 2 classes, 27 images', { timeout: 60_000 });
    await expect(page.getByTestId('note-blank-images')).toBeVisible();

    await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
    await trainShort(page, 2);
    const report = JSON.parse((await downloadOf(page, 'Download report')).text) as { datasetNotes: { code: string; files?: string[] }[]; classes: string[] };
    expect(report.classes).toEqual(['ants', 'bees']);
    const codes = report.datasetNotes.map((n) => n.code);
    expect(codes).toEqual(expect.arrayContaining(['classes-merged-by-case', 'tiny-images', 'blank-images']));
    expect(report.datasetNotes.find((n) => n.code === 'tiny-images')?.files).toEqual(['train/ants/pixel.png']);

    // "Keep them apart" undoes the merge.
    await page.getByTestId('note-action-classes-merged-by-case').click();
    await expect(summary).toHaveText('hymenoptera-small: 3 classes, 27 images');
  } finally {
    subset.remove();
  }
});
