import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import type { StudioReport } from '../src/engine/evaluation';
import { hymenopteraSubset } from './support/hymenopteraSubset';
import { downloadOf, waitSaved } from './support/projectHelpers';

/** Real hymenoptera photos per split and class (the first ones in sorted order). */
const PER_CLASS = { train: 30, val: 25 } as const;

let subset: ReturnType<typeof hymenopteraSubset> | null = null;
let folder = '';
test.beforeAll(() => {
  subset = hymenopteraSubset(PER_CLASS, 'studio-sizes-');
  folder = subset.folder;
});
test.afterAll(() => subset?.remove());

async function trainAndReport(page: Page): Promise<StudioReport> {
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('results')).toBeHidden();
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 120_000 });
  return JSON.parse((await downloadOf(page, 'Download report')).text) as StudioReport;
}

/** The comparison table's rows as [input, val accuracy] cells. */
async function comparedRuns(page: Page): Promise<string[][]> {
  const rows = page.getByTestId('run-comparison').locator('tbody tr');
  return rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')).map((cells) => [cells[2] ?? '', cells[9] ?? '']));
}

test('MobileNetV2 trains at 224 and at 160 px: the report, the exported model and the runs table say which, and the table survives a reload', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expect(page.getByTestId('total-train')).toHaveText(String(2 * PER_CLASS.train));
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });

  // The default backbone offers three sizes, its own first chosen.
  const size = page.getByLabel('Input size');
  await expect(page.getByLabel('Backbone')).toHaveValue('mobilenet_v2_1.0_224');
  await expect(size).toHaveValue('224');
  expect(await size.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['160', '192', '224']);
  // A backbone that takes one size has no choice; a size another backbone lacks falls back to its own.
  await size.selectOption('192');
  await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224_graph');
  await expect(size).toBeHidden();
  await page.getByLabel('Backbone').selectOption('mobilenet_v2_1.0_224');
  await expect(size).toHaveValue('224');

  await page.getByLabel('Epochs', { exact: true }).fill('8');
  await page.getByText('Training options').click();
  await page.getByRole('group', { name: /Augmentation/ }).getByLabel('Augmented views per image').fill('0');

  const runs: Record<number, StudioReport> = {};
  for (const px of [224, 160]) {
    await size.selectOption(String(px));
    const report = await trainAndReport(page);
    expect(report.settings.inputSizePx).toBe(px);
    expect(report.backboneInfo?.inputSizePx).toBe(px);
    await expect(page.getByTestId('timings')).toContainText(`mobilenet_v2_1.0_224 at ${px} px`);
    expect(report.evaluation.accuracy).toBeGreaterThan(0.8);
    runs[px] = report;
    console.log(
      `input ${px} px: val accuracy ${report.evaluation.accuracy.toFixed(3)}, features ${(report.timings.embedMs / 1000).toFixed(1)} s ` +
        `(${report.embedImagesPerSecond.toFixed(1)} img/s), total ${(report.timings.totalMs / 1000).toFixed(1)} s`,
    );
  }
  const percent = (r: StudioReport | undefined) => `${((r?.evaluation.accuracy ?? 0) * 100).toFixed(1)}%`;
  const expected = [['224 px', percent(runs[224])], ['160 px', percent(runs[160])]];
  expect(await comparedRuns(page)).toEqual(expected);

  // The exported model takes 160 px images, and says so to Teachable Machine's loader.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-download').click();
  const entries = unzipSync(new Uint8Array(await readFile(await (await download).path())));
  const metadata = JSON.parse(new TextDecoder().decode(entries['metadata.json'])) as { imageSize: number };
  expect(metadata.imageSize).toBe(160);
  const topology = JSON.stringify(JSON.parse(new TextDecoder().decode(entries['model.json'])));
  expect(topology).toContain('"batch_input_shape":[null,160,160,3]');

  // The project keeps the runs: after a reload the table is back, as are the size and the last report.
  await waitSaved(page);
  await page.reload();
  await waitSaved(page);
  await expect(page.getByLabel('Input size')).toHaveValue('160');
  await expect(page.getByTestId('run-comparison')).toBeVisible();
  expect(await comparedRuns(page)).toEqual(expected);
});
