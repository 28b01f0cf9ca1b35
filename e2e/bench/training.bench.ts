/**
 * `npm run bench`: trains the built studio on real datasets in Chromium, exactly as a person would, and prints
 * what each run measured (from its report.json). Numbers, not assertions: targets live here, not in tests.
 */
import { readFile } from 'node:fs/promises';
import { test } from '@playwright/test';
import type { StudioReport } from '../../src/engine/report';
import { datasetPath } from '../paths';

const DATASETS = ['hymenoptera', 'rps'];
const rows: string[] = [];

test.afterAll(() => {
  console.log(`\n| dataset | backbone | backend | images embedded | embed img/s | train s | total s | held-out accuracy |`);
  console.log(`|---|---|---|---|---|---|---|---|`);
  for (const row of rows) console.log(row);
});

for (const name of DATASETS) {
  test(`train head on ${name}`, async ({ page }) => {
    test.setTimeout(10 * 60_000);
    await page.goto('/');
    await page.getByLabel('Choose folder').setInputFiles(datasetPath(name));
    await page.getByRole('button', { name: 'Train', exact: true }).click();
    const download = page.waitForEvent('download', { timeout: 9 * 60_000 });
    await page.getByRole('button', { name: 'Download report' }).click({ timeout: 9 * 60_000 });
    const report = JSON.parse(await readFile(await (await download).path(), 'utf8')) as StudioReport;
    const embedded = Object.values(report.counts).reduce((n, perClass) => n + Object.values(perClass).reduce((a, b) => a + b, 0), 0);
    const accuracy = report.evaluations.map((e) => `${e.split} ${e.accuracy.toFixed(4)}`).join(', ');
    rows.push(
      `| ${name} | ${report.backbone} | ${report.backend} | ${embedded} | ${report.embedImagesPerSecond.toFixed(1)} | ` +
        `${(report.timings.trainMs / 1000).toFixed(2)} | ${(report.timings.totalMs / 1000).toFixed(1)} | ${accuracy} |`,
    );
  });
}
