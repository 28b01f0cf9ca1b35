import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { unzipSync } from 'fflate';
import { SHARED_DIR } from '../support/paths';
import { downloadOf } from '../support/projectHelpers';
import { trainSmallHymenoptera } from '../support/predictTrain';

interface CalibrationJson {
  split: string;
  temperature: number;
  eceBefore: number;
  eceAfter: number;
  rejectedShare: number;
}

/**
 * Issue 22, calibration and "unknown": a run fits a temperature on validation and chooses the "unknown"
 * threshold there (5% of validation images at most, the default); the results show both, report.json and the
 * export's metadata carry them, and Predict marks "unknown" exactly the images whose calibrated confidence is
 * under the threshold: here photos of other things (../shared/images: a cat, coffee, an astronaut...).
 */
test('calibrated confidence: temperature and threshold from validation, in the report, the export and Predict', async ({ page }) => {
  test.setTimeout(300_000);
  await trainSmallHymenoptera(page);
  const report = JSON.parse((await downloadOf(page, 'Download report')).text) as { calibration: CalibrationJson[]; unknownThreshold: number; settings: { unknownRejectRate: number } };
  expect(report.settings.unknownRejectRate).toBe(0.05);
  const val = report.calibration.find((c) => c.split === 'val');
  expect(val?.temperature).toBeGreaterThan(0);
  expect(val?.rejectedShare).toBeLessThanOrEqual(0.05);
  expect(report.unknownThreshold).toBeGreaterThan(0);
  await expect(page.getByTestId('calibration')).toBeVisible();
  await expect(page.getByTestId('calibration-temperature')).toHaveText((val?.temperature ?? 0).toFixed(2));
  console.log(`calibration (hymenoptera, v1 0.25): T ${val?.temperature.toFixed(3)}, val ECE ${val?.eceBefore.toFixed(4)} -> ${val?.eceAfter.toFixed(4)}, threshold ${report.unknownThreshold.toFixed(3)}`);

  // The export carries them in metadata.json.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-download').click();
  const entries = unzipSync(new Uint8Array(await readFile(await (await download).path())));
  const metadata = JSON.parse(new TextDecoder().decode(entries['metadata.json'])) as { userMetadata: { fineTuneStudio: { calibration: { temperature: number; unknownThreshold: number } } } };
  expect(metadata.userMetadata.fineTuneStudio.calibration).toEqual({ temperature: val?.temperature, unknownThreshold: report.unknownThreshold });

  // Predict: photos of other things. "unknown" is shown exactly where the top calibrated confidence is under the threshold.
  const dir = mkdtempSync(path.join(tmpdir(), 'studio-unknown-'));
  try {
    const folder = path.join(dir, 'other-things');
    await mkdir(folder);
    const images = readdirSync(path.join(SHARED_DIR, 'images')).filter((n) => /\.(png|jpe?g)$/i.test(n));
    for (const name of images) await copyFile(path.join(SHARED_DIR, 'images', name), path.join(folder, name));
    const panel = page.getByTestId('predict-panel');
    await expect(panel.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });
    await panel.getByTestId('predict-folder-input').setInputFiles(folder);
    const grid = panel.getByTestId('predict-grid');
    await expect(grid.getByTestId('predict-top')).toHaveCount(images.length, { timeout: 60_000 });
    const shown = await grid.locator('figure').evaluateAll((figures) =>
      figures.map((f) => ({ unknown: f.querySelector('[data-testid="predict-unknown"]') !== null, top: f.querySelector('[data-testid="predict-top"]')?.textContent ?? '' })),
    );
    let unknown = 0;
    for (const { unknown: isUnknown, top } of shown) {
      const percent = Number(/^([\d.]+)%/.exec(top)?.[1] ?? NaN);
      // Shown to one decimal: the comparison allows for the rounding.
      if (isUnknown) expect(percent).toBeLessThanOrEqual(report.unknownThreshold * 100 + 0.05);
      else expect(percent).toBeGreaterThanOrEqual(report.unknownThreshold * 100 - 0.05);
      if (isUnknown) unknown++;
    }
    console.log(`unknown: ${unknown} of ${images.length} photos of other things (${shown.map((s) => `${s.top}${s.unknown ? ' unknown' : ''}`).join('; ')})`);
    await expect(panel.getByTestId('predict-summary')).toContainText(unknown > 0 ? `${unknown} unknown` : 'classified');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
