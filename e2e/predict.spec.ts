import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { datasetPath } from './support/paths';
import { trainSmallHymenoptera } from './support/predictTrain';

/** Validation photos of each class copied into the unlabelled folder. */
const PER_CLASS = 20;

/** Reads a CSV this test expects: no quoted fields (the file names here have no comma or quote), CRLF lines. */
function parseSimpleCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((line) => line.split(','));
}

async function downloadCsv(page: Page): Promise<{ name: string; rows: string[][] }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download these predictions as predictions.csv' }).click();
  const file = await download;
  return { name: file.suggestedFilename(), rows: parseSimpleCsv(await readFile(await file.path(), 'utf8')) };
}

test('predicts a folder of unlabelled images: grid, table, unreadable files, predictions.csv with a label mapping', async ({ page }, testInfo) => {
  // The unlabelled folder: validation photos of both classes under neutral names (the truth kept here), a
  // corrupt JPEG and a text file, no class folders.
  const root = await mkdtemp(path.join(tmpdir(), 'fts-predict-'));
  const folder = path.join(root, 'unlabelled');
  await mkdir(folder);
  const truth = new Map<string, string>();
  for (const label of ['ants', 'bees']) {
    const dir = path.join(datasetPath('hymenoptera'), 'val', label);
    const photos = (await readdir(dir)).sort().slice(0, PER_CLASS);
    for (const [i, photo] of photos.entries()) {
      // Interleaved names, so the classes are not in two blocks.
      const name = `photo-${String(i * 2 + (label === 'ants' ? 0 : 1)).padStart(3, '0')}.jpg`;
      await copyFile(path.join(dir, photo), path.join(folder, name));
      truth.set(name, label);
    }
  }
  const realJpeg = await readFile(path.join(folder, 'photo-000.jpg'));
  await writeFile(path.join(folder, 'broken.jpg'), realJpeg.subarray(0, 600));
  await writeFile(path.join(folder, 'notes.txt'), 'not an image\n');

  try {
    await trainSmallHymenoptera(page);
    const panel = page.getByTestId('predict-panel');
    await expect(panel.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });
    // The prediction worker computes on every core too.
    const threads = Math.min(8, cpus().length);
    await expect(panel.getByTestId('predict-backend')).toContainText(`; ${threads} thread${threads === 1 ? '' : 's'})`);

    const startedMs = Date.now();
    await panel.getByTestId('predict-folder-input').setInputFiles(folder);
    const images = truth.size + 1;
    await expect(panel.getByTestId('predict-progress-detail')).toHaveText(`Done: ${images} / ${images} images`, { timeout: 120_000 });
    const elapsedMs = Date.now() - startedMs;

    // A result per readable image in the grid and the table, each with its top classes.
    const grid = panel.getByTestId('predict-grid');
    await expect(grid.getByTestId('thumb')).toHaveCount(truth.size);
    await expect(grid.getByTestId('predict-top')).toHaveCount(truth.size);
    for (const text of await grid.getByTestId('predict-top').allTextContents()) expect(text).toMatch(/^(>?\d+(\.\d)?|<0\.1)% (ants|bees)$/);
    await expect(panel.getByTestId('predict-table').locator('tbody tr')).toHaveCount(truth.size);
    // The corrupt file and the text file are listed with their reasons; the rest were still predicted.
    const problems = panel.getByTestId('predict-error');
    await expect(problems).toHaveCount(2);
    await expect(problems.filter({ hasText: 'broken.jpg' })).toContainText(/decode|corrupt/);
    await expect(problems.filter({ hasText: 'notes.txt' })).toContainText('not an image (.txt)');
    // Every count agrees (issue 23, item 5): the images looked at are those classified plus those unreadable;
    // the files not classified are those unreadable plus the others left out.
    await expect(panel.getByTestId('predict-summary')).toHaveText(new RegExp(`^${truth.size} of ${images} images classified: .*; 1 could not be read\\.$`));
    await expect(panel.getByTestId('predict-errors')).toContainText('2 files not classified (1 image that could not be read, 1 other file left out)');

    const { name, rows } = await downloadCsv(page);
    expect(name).toBe('predictions.csv');
    expect(rows[0]).toEqual(['file', 'label', 'confidence']);
    const body = rows.slice(1);
    expect(body.map((r) => r[0]).sort()).toEqual([...truth.keys()].sort());
    let right = 0;
    for (const [file = '', label = '', confidence = ''] of body) {
      expect(['ants', 'bees']).toContain(label);
      const p = Number(confidence);
      expect(p).toBeGreaterThanOrEqual(0.5);
      expect(p).toBeLessThanOrEqual(1);
      if (truth.get(file) === label) right++;
    }
    const accuracy = right / body.length;
    console.log(
      `predict: ${truth.size} images + 1 corrupt in ${(elapsedMs / 1000).toFixed(1)} s; ` +
        `accuracy ${right}/${body.length} = ${accuracy.toFixed(3)} (MobileNet v1 0.25, 5 epochs)`,
    );
    // The run's own validation accuracy on hymenoptera with this backbone is 0.85-0.9.
    expect(accuracy).toBeGreaterThanOrEqual(0.75);

    // The grid shows the same top class as the CSV.
    const shown = await grid.getByTestId('thumb').evaluateAll((figures) =>
      figures.map((f) => [f.querySelector('[data-testid="thumb-file"]')?.textContent ?? '', f.querySelector('[data-testid="predict-top"]')?.textContent ?? '']),
    );
    const csvLabel = new Map(body.map((r) => [r[0], r[1]]));
    for (const [file, top] of shown) expect(top?.endsWith(` ${csvLabel.get(file ?? '')}`)).toBe(true);

    // The label mapping, as a Kaggle submission wants it: ants -> 1, bees -> -1.
    await panel.getByText('Label mapping').click();
    await panel.getByLabel('CSV label for ants').fill('1');
    await panel.getByLabel('CSV label for bees').fill('-1');
    const mapped = await downloadCsv(page);
    expect(mapped.rows[0]).toEqual(['file', 'label', 'confidence']);
    expect(mapped.rows.slice(1)).toEqual(body.map(([file, label, confidence]) => [file, label === 'ants' ? '1' : '-1', confidence]));

    // Top-k: every class of the two shown per image.
    await panel.getByLabel('Classes shown per image').fill('2');
    await expect(grid.getByTestId('thumb').first().locator('.predict-other')).toHaveCount(1);
    await panel.screenshot({ path: testInfo.outputPath('predict.png') });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
