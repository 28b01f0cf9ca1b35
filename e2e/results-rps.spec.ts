import { copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { parseCsv } from '../src/engine/testing/parseCsv';
import { datasetPath } from './support/paths';

interface Prediction {
  file: string;
  split: string;
  trueClass: string;
  predictedClass: string;
  confidence: number;
}
interface Metrics {
  precision: number | null;
  recall: number | null;
  f1: number | null;
  support: number;
}
interface EvaluationJson {
  split: string;
  accuracy: number;
  confusionMatrix: number[][];
  perClass: (Metrics & { class: string })[];
  macroAvg: Metrics;
  weightedAvg: Metrics;
}
interface ReportJson {
  classes: string[];
  counts: Record<string, Record<string, number>>;
  history: { epoch: number; stage?: number }[];
  evaluation: EvaluationJson;
  evaluations: EvaluationJson[];
  predictions: Prediction[];
  mistakes: Record<string, string[]>;
  calibration?: { split: string; temperature: number; eceBefore: number; eceAfter: number; rejectedShare: number }[];
  unknownThreshold?: number;
}

const EPOCHS = 6;
const SCREENSHOTS_DIR = path.resolve(import.meta.dirname, 'screenshots');
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const fmt = (value: number | null, missing: string): string => (value === null ? missing : value.toFixed(3));


/** Saves a screenshot under test-results/, and into e2e/screenshots/ when UPDATE_SCREENSHOTS=1. */
async function screenshot(page: Page, outputPath: string, name: string): Promise<void> {
  await page.screenshot({ path: outputPath });
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    await mkdir(SCREENSHOTS_DIR, { recursive: true });
    await copyFile(outputPath, path.join(SCREENSHOTS_DIR, name));
  }
}

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  const file = await downloadPromise;
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

test.use({ viewport: { width: 1200, height: 900 } });

test('rps: live training view, then results that match report.json and predictions.csv', async ({ page }, testInfo) => {
  test.setTimeout(8 * 60_000);
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('rps'));

  // Before training: counts, class distribution and a labelled sample.
  await expect(page.getByTestId('total-test')).toHaveText('470');
  const trainCount = Number(await page.getByTestId('total-train').textContent());
  const valCount = Number(await page.getByTestId('total-val').textContent());
  expect(trainCount + valCount).toBe(1877);
  await expect(page.getByTestId('class-distribution').locator('.recharts-bar-rectangle')).toHaveCount(9);
  const sample = page.getByTestId('sample-batch').getByTestId('thumb');
  await expect(sample).toHaveCount(12);
  await expect.poll(() => sample.first().locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

  await page.getByLabel('Epochs', { exact: true }).fill(String(EPOCHS));
  // Centre crops only: augmented views would triple the embedding time of this long test.
  await page.getByText('Training options').click();
  await page.getByLabel('Augmented views per image').fill('0');
  await page.getByText('Training options').click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  // Asked for while the features are computed, the evaluation comes at the end of the first epoch.
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  await expect(page.getByRole('button', { name: 'Evaluating after this epoch…' })).toBeDisabled();
  const interim = page.getByTestId('interim-results');
  await expect(interim).toContainText('Results after epoch 1 (training goes on)', { timeout: 300_000 });
  await expect(interim.getByTestId('confusion-test')).toBeVisible();
  await expect(page.getByTestId('progress-detail')).toContainText('images/s', { timeout: 60_000 });
  await expect(page.getByTestId('progress-detail')).toContainText('left');
  await expect(page.getByTestId('progress-detail')).toContainText('on wasm');

  // Training view: the curves appear with the first epoch; the screenshot waits for a few epochs of them.
  await expect(page.getByTestId('chart-loss').locator('.chart-line-train')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('last-epoch')).toContainText(/Epoch [3-9]/, { timeout: 120_000 });
  await page.getByRole('region', { name: 'Training', exact: true }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, testInfo.outputPath('training.png'), 'training.png');

  await expect(page.getByTestId('results')).toBeVisible({ timeout: 120_000 });
  const reportFile = await download(page, 'Download report');
  expect(reportFile.name).toBe('report.json');
  const report = JSON.parse(reportFile.text) as ReportJson;
  expect(report.classes).toEqual(['paper', 'rock', 'scissors']);
  expect(report.history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
  expect(report.evaluation.split).toBe('test');
  expect(report.evaluations.map((e) => e.split)).toEqual(['val', 'test']);
  expect(report.predictions).toHaveLength(valCount + 470);

  // Every split's matrix is the predictions' own tally, and its mistakes list is the wrong ones by confidence.
  for (const evaluation of report.evaluations) {
    const own = report.predictions.filter((p) => p.split === evaluation.split);
    const tally = report.classes.map((t) => report.classes.map((p) => own.filter((x) => x.trueClass === t && x.predictedClass === p).length));
    expect(tally).toEqual(evaluation.confusionMatrix);
    const wrong = own.filter((p) => p.trueClass !== p.predictedClass).sort((a, b) => b.confidence - a.confidence);
    expect(report.mistakes[evaluation.split]).toEqual(wrong.map((p) => p.file));
  }

  // The on-screen report is the report's, split by split.
  for (const evaluation of report.evaluations) {
    await page.getByRole('tab', { name: evaluation.split === 'test' ? 'Test' : 'Validation' }).click();
    const id = `report-${evaluation.split}`;
    await expect(page.getByTestId(`accuracy-${evaluation.split}`)).toHaveText(`${(evaluation.accuracy * 100).toFixed(1)}%`);
    const rows: [string, Metrics][] = [
      ...evaluation.perClass.map((m): [string, Metrics] => [m.class, m]),
      ['macro avg', evaluation.macroAvg],
      ['weighted avg', evaluation.weightedAvg],
    ];
    for (const [name, m] of rows) {
      await expect(page.getByTestId(`${id}-${name}-precision`)).toHaveText(fmt(m.precision, 'never predicted'));
      await expect(page.getByTestId(`${id}-${name}-recall`)).toHaveText(fmt(m.recall, 'no images'));
      await expect(page.getByTestId(`${id}-${name}-f1`)).toHaveText(fmt(m.f1, m.recall === null ? 'no images' : 'never predicted'));
      await expect(page.getByTestId(`${id}-${name}-support`)).toHaveText(String(m.support));
    }
    const shownMistakes = page.getByTestId(`mistakes-${evaluation.split}`).getByTestId('thumb-file');
    await expect(shownMistakes).toHaveText(report.mistakes[evaluation.split] ?? []);
  }

  // Open a confusion cell: an off-diagonal one of the test split when there is one, else of val.
  const offDiagonal = (e: EvaluationJson): [number, number] | null => {
    for (let t = 0; t < e.confusionMatrix.length; t++) {
      for (let p = 0; p < e.confusionMatrix.length; p++) if (t !== p && (e.confusionMatrix[t]?.[p] ?? 0) > 0) return [t, p];
    }
    return null;
  };
  const withMistake = [...report.evaluations].reverse().find((e) => offDiagonal(e) !== null);
  const evaluation = withMistake ?? report.evaluation;
  // With no mistake anywhere, open a diagonal cell: the check below still compares its images to the report.
  const [t, p] = withMistake ? (offDiagonal(withMistake) as [number, number]) : [0, 0];
  if (!withMistake) expect(sum(report.evaluations.map((e) => e.accuracy))).toBe(report.evaluations.length);
  const trueClass = report.classes[t] as string;
  const predictedClass = report.classes[p] as string;
  const expected = report.predictions
    .filter((x) => x.split === evaluation.split && x.trueClass === trueClass && x.predictedClass === predictedClass)
    .map((x) => x.file);
  expect(expected.length).toBe(evaluation.confusionMatrix[t]?.[p]);
  if (withMistake) expect(expected.length).toBeGreaterThan(0);

  await page.getByRole('tab', { name: evaluation.split === 'test' ? 'Test' : 'Validation' }).click();
  const cell = page.getByTestId(`cell-${evaluation.split}-${t}-${p}`);
  await expect(cell).toHaveText(String(expected.length));
  await cell.click();
  const gallery = page.getByTestId('cell-images');
  await expect(gallery).toContainText(`${expected.length} ${trueClass} images predicted as ${predictedClass}`);
  const shown = await gallery.getByTestId('thumb-file').allTextContents();
  expect([...shown].sort()).toEqual([...expected].sort());
  const firstImage = gallery.getByTestId('thumb').first().locator('img');
  await expect.poll(() => firstImage.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(gallery.getByTestId('thumb').first()).toHaveClass(t === p ? /right/ : /wrong/);

  // The row-rate toggle shows the row's share in the same cell.
  const rowTotal = sum(evaluation.confusionMatrix[t] ?? []);
  await page.getByTestId(`confusion-${evaluation.split}`).getByLabel('row rates').check();
  await expect(cell).toHaveText((expected.length / rowTotal).toFixed(2));
  await page.getByTestId(`confusion-${evaluation.split}`).getByLabel('row rates').uncheck();
  // A shorter viewport keeps the PNG under 400 KB.
  await page.setViewportSize({ width: 1200, height: 760 });
  await page.getByTestId('results').evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await screenshot(page, testInfo.outputPath('results.png'), 'results.png');

  // predictions.csv holds the same rows as report.json's predictions.
  const csvFile = await download(page, 'Download predictions.csv');
  expect(csvFile.name).toBe('predictions.csv');
  const [header, ...rows] = parseCsv(csvFile.text);
  expect(header).toEqual(['file', 'true_class', 'predicted_class', 'confidence', 'split']);
  expect(rows).toHaveLength(report.predictions.length);
  rows.forEach((row, i) => {
    const pr = report.predictions[i] as Prediction;
    expect(row.slice(0, 3)).toEqual([pr.file, pr.trueClass, pr.predictedClass]);
    expect(Number(row[3])).toBe(pr.confidence);
    expect(row[4]).toBe(pr.split);
  });
  console.log(
    `rps: ${EPOCHS} epochs, test accuracy ${report.evaluation.accuracy.toFixed(4)}, ` +
      `mistakes val ${report.mistakes.val?.length ?? 0}, test ${report.mistakes.test?.length ?? 0}; opened ${evaluation.split} [${trueClass} -> ${predictedClass}]`,
  );
  // Calibration fitted on val and measured on test (numbers for the README; the unit tests check its logic).
  expect(report.calibration?.map((c) => c.split)).toEqual(['val', 'test']);
  console.log(
    `rps calibration: T ${report.calibration?.[0]?.temperature.toFixed(3)}, threshold ${report.unknownThreshold?.toFixed(3)}; ` +
      (report.calibration ?? []).map((c) => `${c.split} ECE ${c.eceBefore.toFixed(4)} -> ${c.eceAfter.toFixed(4)}, set aside ${(c.rejectedShare * 100).toFixed(1)}%`).join('; '),
  );
});
