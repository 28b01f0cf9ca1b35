/**
 * `npm run bench`: trains the built studio on real datasets in Chromium, exactly as a person would (choose the
 * folder, tick two-stage or not, Train, download report.json), and prints what each run measured, with the
 * longest main-thread task while it trained. Numbers, not assertions: targets live here, not in tests.
 * `BENCH_ONLY=rps` (or `hymenoptera`) runs one dataset; `BENCH_MODES=two-stage` one mode. `BENCH_VIEWS`,
 * `BENCH_BLOCKS` and `BENCH_FT_EPOCHS` set the augmented views, the blocks unfrozen and the stage-2 epochs
 * through the UI (defaults: the studio's own).
 */
import { readFile } from 'node:fs/promises';
import { test } from '@playwright/test';
import type { StudioReport } from '../../src/engine/evaluation';
import { watchLongTasks } from '../support/longTasks';
import { datasetPath } from '../support/paths';

const DATASETS = (process.env.BENCH_ONLY ?? 'hymenoptera,rps').split(',');
const MODES = (process.env.BENCH_MODES ?? 'head-only,two-stage').split(',');
const rows: string[] = [];

test.afterAll(() => {
  console.log(
    `\n| dataset | mode | backbone | backend (features / stage 2) | rows embedded | embed img/s | stage 1 s | stage 2 s | total s | held-out accuracy | longest main-thread task while training | tasks > 50 ms |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|`);
  for (const row of rows) console.log(row);
});

for (const name of DATASETS) {
  for (const mode of MODES) {
    test(`${mode} on ${name}`, async ({ page }) => {
      test.setTimeout(40 * 60_000);
      await page.goto('/');
      await page.getByLabel('Choose folder').setInputFiles(datasetPath(name));
      // Let the dataset scan finish first, so the long tasks measured are training's alone.
      await page.getByTestId('scan-done').waitFor({ timeout: 5 * 60_000 });
      if (mode === 'two-stage') await page.getByLabel('Two-stage: fine-tune the top blocks after the head').check();
      await page.getByText('Training options').click();
      if (process.env.BENCH_VIEWS) await page.getByLabel('Augmented views per image').fill(process.env.BENCH_VIEWS);
      const stage2 = page.getByRole('group', { name: /Stage 2/ });
      if (mode === 'two-stage' && process.env.BENCH_BLOCKS) await stage2.getByLabel(/Blocks to unfreeze/).fill(process.env.BENCH_BLOCKS);
      if (mode === 'two-stage' && process.env.BENCH_FT_EPOCHS) await stage2.getByLabel('Epochs', { exact: true }).fill(process.env.BENCH_FT_EPOCHS);
      const longTasks = await watchLongTasks(page, 'results');
      await page.getByRole('button', { name: 'Train', exact: true }).click();
      await page.getByTestId('results').waitFor({ timeout: 39 * 60_000 });
      const download = page.waitForEvent('download', { timeout: 60_000 });
      await page.getByRole('button', { name: 'Download report' }).click();
      const { tasks } = await longTasks.read();
      const report = JSON.parse(await readFile(await (await download).path(), 'utf8')) as StudioReport;
      const rowsEmbedded = Math.round((report.embedImagesPerSecond * report.timings.embedMs) / 1000);
      const accuracy = report.evaluations.map((e) => `${e.split} ${e.accuracy.toFixed(4)}`).join(', ');
      const longest = tasks.length > 0 ? `${Math.max(...tasks).toFixed(0)} ms` : 'none over 50 ms';
      rows.push(
        `| ${name} | ${mode} | ${report.backbone} | ${report.backends.embed} / ${report.backends.fineTune ?? '-'} | ${rowsEmbedded} | ` +
          `${report.embedImagesPerSecond.toFixed(1)} | ${(report.timings.trainMs / 1000).toFixed(1)} | ` +
          `${(report.timings.fineTuneMs / 1000).toFixed(1)} | ${(report.timings.totalMs / 1000).toFixed(1)} | ${accuracy} | ` +
          `${longest} | ${tasks.filter((t) => t > 50).length} |`,
      );
      console.log(rows[rows.length - 1]);
      console.log(`history: ${report.history.map((m) => `${m.epoch}/${m.stage}:${m.valAccuracy.toFixed(3)}`).join(' ')}`);
    });
  }
}
