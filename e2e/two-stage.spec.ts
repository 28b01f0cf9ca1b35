import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import type { StudioReport } from '../src/engine/evaluation';
import { datasetPath } from './support/paths';

test('two-stage training through the UI: pause and resume, the stage boundary on the charts, both stages in the report', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('total-train')).toHaveText('245');

  // The smallest backbone keeps the test short; its top blocks fine-tune on WASM here.
  await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
  // Before ticking two-stage: afterwards the stage-2 group has an Epochs field of its own.
  await page.getByLabel('Epochs', { exact: true }).fill('4');
  await page.getByLabel('Two-stage: fine-tune the top blocks after the head').check();
  await page.getByText('Training options').click();
  const stage1 = page.getByRole('group', { name: /Stage 1/ });
  await stage1.getByLabel('Early stopping').uncheck();
  await page.getByRole('group', { name: /Augmentation/ }).getByLabel('Augmented views per image').fill('1');
  // The preview decodes training images in the worker pool as training will: the centre crop and the view.
  const preview = page.getByTestId('augment-preview').getByTestId('augment-view');
  await expect(preview).toHaveCount(6);
  await expect(preview.and(page.locator('[data-drawn="true"]'))).toHaveCount(6);
  const [centre, view] = await Promise.all([0, 1].map((i) => preview.nth(i).evaluate((c: HTMLCanvasElement) => c.toDataURL())));
  expect(view).not.toBe(centre);
  const stage2 = page.getByRole('group', { name: /Stage 2/ });
  await stage2.getByLabel(/Blocks to unfreeze/).fill('1');
  await stage2.getByLabel('Epochs', { exact: true }).fill('2');

  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('run-plan')).toContainText('stage 2: the top 1 block(s)', { timeout: 240_000 });

  // Pause holds the run: no new epoch arrives until Resume.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('paused')).toBeVisible();
  const detail = await page.getByTestId('progress-detail').textContent();
  await page.waitForTimeout(3_000);
  await expect(page.getByTestId('progress-detail')).toHaveText(detail ?? '');
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('paused')).toBeHidden();

  await expect(page.getByTestId('finetune-backend')).toContainText('wasm', { timeout: 240_000 });
  await expect(page.getByTestId('confusion-val')).toBeVisible({ timeout: 240_000 });
  // The dashed line where stage 2 begins, on both charts.
  for (const chart of ['chart-loss', 'chart-accuracy']) {
    await expect(page.getByTestId(chart).locator('.chart-stage-line')).toHaveCount(1);
    await expect(page.getByTestId(chart).getByText('stage 2', { exact: true })).toBeVisible();
  }

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report' }).click();
  const report = JSON.parse(await readFile(await (await download).path(), 'utf8')) as StudioReport;
  expect(report.history.map((m) => `${m.epoch}:${m.stage}`)).toEqual(['1:1', '2:1', '3:1', '4:1', '5:2', '6:2']);
  expect(report.stages.map((s) => s.stage)).toEqual([1, 2]);
  expect(report.backends).toEqual({ embed: 'wasm', fineTune: 'wasm' });
  expect(report.plan.fineTune?.blocks).toBe(1);
  expect(report.settings).toMatchObject({ fineTune: true, fineTuneBlocks: 1, fineTuneEpochs: 2, epochs: 4, augmentViews: 1 });
  expect(report.evaluation.accuracy).toBeGreaterThan(0.75);
  console.log(
    `two-stage hymenoptera (v1 0.25): val ${report.evaluation.accuracy.toFixed(4)}, ` +
      `embed ${(report.timings.embedMs / 1000).toFixed(1)} s, stage 1 ${(report.timings.trainMs / 1000).toFixed(1)} s, ` +
      `stage 2 ${(report.timings.fineTuneMs / 1000).toFixed(1)} s`,
  );
});
