import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { hymenopteraSubset } from './support/hymenopteraSubset';
import { trainShort } from './support/predictTrain';

/**
 * A run that goes wrong says so (issue 23, item 4): learning rate 1 on a small folder whose validation split
 * has 3 images a class. The results name what went wrong, on screen and in report.json, and the class
 * report never prints "undefined".
 */
test('a diverging run on a tiny validation split is named on screen and in report.json', async ({ page }) => {
  const subset = hymenopteraSubset({ train: 20, val: 3 }, 'studio-run-warnings-');
  try {
    await page.goto('/');
    await page.getByLabel('Choose folder').setInputFiles(subset.folder);
    await expect(page.getByTestId('total-train')).toHaveText('40');
    await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
    await page.getByText('Training options').click();
    await page.getByRole('group', { name: /Stage 1/ }).getByLabel('Learning rate', { exact: true }).fill('1');
    await page.getByText('Training options').click();
    await trainShort(page, 8);

    const warnings = page.getByTestId('run-warnings');
    await expect(warnings).toBeVisible();
    await expect(page.getByTestId('run-warning-validation-too-small')).toContainText('ants has 3 images, bees has 3 images');
    const downloadPromise = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download report' }).click();
    const report = JSON.parse(await readFile(await (await downloadPromise).path(), 'utf8')) as {
      runWarnings: { code: string; message: string }[];
      history: { loss: number }[];
    };
    const codes = report.runWarnings.map((w) => w.code);
    expect(codes).toContain('validation-too-small');
    // Learning rate 1 either blows the loss up or leaves one class predicted for everything (or both).
    expect(codes.some((c) => c === 'loss-diverged' || c === 'model-collapsed')).toBe(true);
    for (const warning of report.runWarnings) await expect(page.getByTestId(`run-warning-${warning.code}`)).toHaveText(warning.message);
    await expect(page.getByTestId('results')).not.toContainText('undefined');
    console.log(`run warnings at learning rate 1: ${codes.join(', ')}; loss ${report.history.map((h) => h.loss.toFixed(2)).join(' ')}`);
  } finally {
    subset.remove();
  }
});
