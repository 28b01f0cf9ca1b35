import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { datasetPath } from '../support/paths';
import { trainShort } from '../support/predictTrain';

/** The report fields these tests read. */
interface ReportJson {
  classes: string[];
  counts: Record<string, Record<string, number>>;
  evaluation: { split: string; confusionMatrix: number[][] };
  readingWarnings: { code: string }[];
  unlabelledImages: number;
}

/** The first `count` JPEGs of a real folder, sorted by name. */
const photos = (folder: string, count: number): string[] =>
  readdirSync(datasetPath(folder)).filter((n) => n.endsWith('.jpg')).sort().slice(0, count);

/** Chooses the smallest backbone, trains 3 epochs and returns the downloaded report. */
async function trainAndReport(page: Page): Promise<ReportJson> {
  await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
  await trainShort(page, 3);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report' }).click();
  return JSON.parse(readFileSync(await (await download).path(), 'utf8')) as ReportJson;
}

let tempDir = '';
test.beforeAll(() => {
  tempDir = mkdtempSync(path.join(tmpdir(), 'studio-layouts-'));
});
test.afterAll(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

test('a training_set/test_set download is read as splits and evaluated on its test set', async ({ page }) => {
  // The cats-and-dogs layout, from hymenoptera photos: 20 per class to training_set/, 10 per class to test_set/.
  const folder = path.join(tempDir, 'bugs-download');
  for (const [split, from, count] of [['training_set', 'train', 20], ['test_set', 'val', 10]] as const) {
    for (const cls of ['ants', 'bees']) {
      mkdirSync(path.join(folder, split, cls), { recursive: true });
      for (const name of photos(`hymenoptera/${from}/${cls}`, count)) {
        copyFileSync(datasetPath(`hymenoptera/${from}/${cls}/${name}`), path.join(folder, split, cls, name));
      }
    }
  }
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expect(page.getByTestId('layout')).toHaveText(
    'Layout: split folders (training_set/ → train, test_set/ → test), one folder per class in each.',
  );
  await expect(page.getByLabel('Dataset summary').getByRole('heading', { level: 2 })).toHaveText('bugs-download: 2 classes, 60 images');
  await expect(page.getByTestId('total-test')).toHaveText('20');
  await expect(page.getByTestId('count-test-bees')).toHaveText('10');
  await expect(page.getByTestId('reading-warnings')).toHaveCount(0);

  const report = await trainAndReport(page);
  expect(report.classes).toEqual(['ants', 'bees']);
  expect(report.evaluation.split).toBe('test');
  expect(report.evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(20);
  expect(report.counts.test).toEqual({ ants: 10, bees: 10 });
  expect(report.readingWarnings).toEqual([]);
  await expect(page.getByTestId('confusion-test')).toBeVisible();
});

test('image folders + train.csv + a decoy sample_submission.csv: trained on the CSV, test images listed unlabelled', async ({ page }) => {
  // The Kaggle faces layout, from faces-gender photos under unique names: trainimages/ (12 per class, labelled
  // by train.csv's is_male), testimages/ (3 per class, in no row), a template giving every test image -1.
  const folder = path.join(tempDir, 'faces-kaggle');
  mkdirSync(path.join(folder, 'trainimages'), { recursive: true });
  mkdirSync(path.join(folder, 'testimages'), { recursive: true });
  const rows: string[] = [];
  const template: string[] = [];
  let id = 0;
  for (const [cls, male] of [['Female400', 0], ['Male400', 1]] as const) {
    for (const [i, name] of photos(`faces-gender/${cls}`, 15).entries()) {
      const test = i >= 12;
      copyFileSync(datasetPath(`faces-gender/${cls}/${name}`), path.join(folder, test ? 'testimages' : 'trainimages', `${id}.jpg`));
      (test ? template : rows).push(test ? `${id},-1` : `${id},${male},${20 + i}`);
      id++;
    }
  }
  writeFileSync(path.join(folder, 'train.csv'), `image_id,is_male,age\n${rows.join('\n')}\n`);
  writeFileSync(path.join(folder, 'sample_submission.csv'), `image_id,is_male\n${template.join('\n')}\n`);
  writeFileSync(path.join(folder, 'parser.py'), 'import csv\n');

  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expect(page.getByTestId('layout')).toHaveText('Layout: CSV labels from train.csv (columns image_id → is_male).');
  await expect(page.getByLabel('Dataset summary').getByRole('heading', { level: 2 })).toHaveText('faces-kaggle: 2 classes, 24 images');
  await expect(page.getByTestId('note-label-file-template')).toContainText('sample_submission.csv is named like a submission template');
  await expect(page.getByTestId('unlabelled-count')).toContainText('6 unlabelled images kept aside');
  await page.getByTestId('unlabelled-count').click();
  await expect(page.getByTestId('unlabelled-image')).toHaveText(['testimages/12.jpg', 'testimages/13.jpg', 'testimages/14.jpg', 'testimages/27.jpg', 'testimages/28.jpg', 'testimages/29.jpg']);
  await expect(page.getByTestId('reading-warnings')).toHaveCount(0);

  const report = await trainAndReport(page);
  expect(report.classes).toEqual(['0', '1']);
  const total = (split: string) => Object.values(report.counts[split] ?? {}).reduce((a, b) => a + b, 0);
  expect(total('train') + total('val')).toBe(24);
  expect(report.unlabelledImages).toBe(6);
  expect(report.readingWarnings).toEqual([]);

  // The unlabelled test images are one click from being classified.
  const panel = page.getByTestId('predict-panel');
  await expect(panel.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });
  await panel.getByTestId('classify-unlabelled').click();
  await expect(panel.getByTestId('predict-progress-detail')).toHaveText('Done: 6 / 6 images', { timeout: 60_000 });
  await expect(panel.getByTestId('predict-table').locator('tbody tr')).toHaveCount(6);
});

test('class folders named like splits get a reading warning above everything, before training', async ({ page }) => {
  // Two classes whose images lie in trainimages/ and testimages/ with no label file: read as split folders of
  // unlabelled images, nothing to train on. With class folders forced, the warning shows above everything.
  const folder = path.join(tempDir, 'split-named');
  for (const split of ['trainimages', 'testimages']) {
    mkdirSync(path.join(folder, split), { recursive: true });
    for (const name of photos('hymenoptera/train/ants', 3)) copyFileSync(datasetPath(`hymenoptera/train/ants/${name}`), path.join(folder, split, name));
  }
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expect(page.getByTestId('ingest-error')).toContainText('with no class folders, so nothing labels them');
  await page.getByLabel('Read the files as').selectOption('class-folders');
  const warnings = page.getByTestId('reading-warnings');
  await expect(warnings).toContainText('Check how the folder was read before training');
  await expect(page.getByTestId('reading-warning-classes-look-like-splits')).toContainText('"testimages", "trainimages" are named like a split');
});

test('two unnamed folders holding the same classes are read as splits, and the other reading is one click', async ({ page }) => {
  const folder = path.join(tempDir, 'two-parts');
  for (const [part, count] of [['part-a', 6], ['part-b', 3]] as const) {
    for (const cls of ['ants', 'bees']) {
      mkdirSync(path.join(folder, part, cls), { recursive: true });
      for (const name of photos(`hymenoptera/train/${cls}`, count)) copyFileSync(datasetPath(`hymenoptera/train/${cls}/${name}`), path.join(folder, part, cls, name));
    }
  }
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expect(page.getByTestId('layout')).toHaveText(
    'Layout: split folders (part-a/ → train, part-b/ → test, found by their shared class folders), one folder per class in each.',
  );
  await expect(page.getByTestId('note-reading-chosen')).toContainText('No folder is named like a split');
  await page.getByTestId('layout-alternative').filter({ hasText: 'Read each top folder as a class' }).click();
  await expect(page.getByTestId('layout')).toHaveText('Layout: one folder per class.');
  await expect(page.getByTestId('reading-warning-subfolders-repeat')).toContainText('"part-a", "part-b" each hold the same sub-folders');
  await page.getByTestId('reading-warning-alternative').filter({ hasText: 'Read the top folders as splits holding class folders' }).click();
  await expect(page.getByTestId('total-test')).toHaveText('6');
});
