import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { strToU8, zipSync } from 'fflate';
import type { StudioReport } from '../../src/engine/evaluation';
import { datasetPath } from '../support/paths';
import { chooseQuickSettings, downloadOf, modelFingerprint, storedCounts, waitSaved } from '../support/projectHelpers';

test('a trained project comes back after a reload and through export and import: dataset, renames, settings, report, predictions, model', async ({ page }) => {
  await page.goto('/');
  await waitSaved(page);
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('total-train')).toHaveText('245');
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Rename class bees' }).click();
  await page.getByLabel('New name for class bees').fill('honeybees');
  await page.getByLabel('New name for class bees').press('Enter');
  await expect(page.getByTestId('count-train-honeybees')).toHaveText('121');
  await chooseQuickSettings(page, { epochs: 3 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('confusion-val')).toBeVisible({ timeout: 240_000 });
  await waitSaved(page);
  await expect(page.getByLabel('Project name')).toHaveValue('hymenoptera');

  const report = await downloadOf(page, 'Download report');
  const predictions = await downloadOf(page, 'Download predictions.csv');
  const model = await modelFingerprint(page);
  const parsed = JSON.parse(report.text) as StudioReport;
  expect(parsed.classes).toEqual(['ants', 'honeybees']);
  expect(parsed.history).toHaveLength(3);

  // Reload: everything is back without choosing the folder again.
  await page.reload();
  await waitSaved(page);
  await expect(page.getByLabel('Project name')).toHaveValue('hymenoptera');
  await expect(page.getByTestId('total-train')).toHaveText('245');
  await expect(page.getByTestId('total-val')).toHaveText('153');
  await expect(page.getByTestId('count-train-honeybees')).toHaveText('121');
  await expect(page.getByTestId('scan-done')).toBeVisible();
  // Thumbnails are read back from IndexedDB and drawn.
  const thumb = page.getByTestId('class-samples').locator('img').first();
  await expect(thumb).toBeVisible();
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await expect(page.getByLabel('Backbone')).toHaveValue('mobilenet_v1_0.25_224');
  await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue('3');
  await expect(page.getByTestId('chart-loss')).toBeVisible();
  await expect(page.getByTestId('confusion-val')).toBeVisible();
  expect(await modelFingerprint(page)).toBe(model);
  expect((await downloadOf(page, 'Download report')).text).toBe(report.text);
  expect((await downloadOf(page, 'Download predictions.csv')).text).toBe(predictions.text);

  // Renamed, reloaded: the name stays.
  await page.getByLabel('Project name').fill('Ants and bees');
  await page.getByLabel('Project name').press('Enter');
  await waitSaved(page);
  await page.reload();
  await waitSaved(page);
  await expect(page.getByLabel('Project name')).toHaveValue('Ants and bees');

  // Export, then import: a second project, the same in every way.
  const exported = await downloadOf(page, 'Export project');
  expect(exported.name).toBe('Ants_and_bees.ftsproject.zip');
  await page.getByLabel('Import project').setInputFiles(exported.path);
  await expect(page.getByLabel('Project name')).toHaveValue('Ants and bees (imported)');
  await waitSaved(page);
  await expect(page.getByTestId('count-train-honeybees')).toHaveText('121');
  expect(await modelFingerprint(page)).toBe(model);
  expect((await downloadOf(page, 'Download report')).text).toBe(report.text);
  expect((await downloadOf(page, 'Download predictions.csv')).text).toBe(predictions.text);
  const stored = Object.values(await storedCounts(page));
  expect(stored.map((p) => p.name).sort()).toEqual(['Ants and bees', 'Ants and bees (imported)']);
  for (const p of stored) expect(p).toMatchObject({ files: 398, thumbs: 398, model: true, checkpoint: false });

  // The imported copy reloads like any project.
  await page.reload();
  await waitSaved(page);
  await expect(page.getByLabel('Project name')).toHaveValue('Ants and bees (imported)');
  expect(await modelFingerprint(page)).toBe(model);
});

test('several projects: new, open, switch back, delete; malformed project files are refused', async ({ page }) => {
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto('/');
  await waitSaved(page);
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('lego-minifigures'));
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  const legoTrain = await page.getByTestId('total-train').textContent();
  await waitSaved(page);

  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page.getByLabel('Project name')).toHaveValue('Untitled project');
  await expect(page.getByTestId('total-train')).toHaveCount(0);
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('faces-gender'));
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  await waitSaved(page);
  const facesName = await page.getByLabel('Project name').inputValue();
  const facesTrain = await page.getByTestId('total-train').textContent();
  expect(facesName).not.toBe('lego-minifigures');

  const list = page.getByTestId('project-list');
  await list.locator('summary').click();
  await expect(list.getByTestId('project-item')).toHaveCount(2);
  await list.getByRole('button', { name: 'Open lego-minifigures' }).click();
  await expect(page.getByLabel('Project name')).toHaveValue('lego-minifigures');
  await expect(page.getByTestId('total-train')).toHaveText(legoTrain ?? '');
  await list.getByRole('button', { name: `Open ${facesName}` }).click();
  await expect(page.getByLabel('Project name')).toHaveValue(facesName);
  await expect(page.getByTestId('total-train')).toHaveText(facesTrain ?? '');

  // The project open last is the one a reload opens.
  await page.reload();
  await waitSaved(page);
  await expect(page.getByLabel('Project name')).toHaveValue(facesName);

  // Malformed files: each refused with a reason, and nothing is added.
  const dir = os.tmpdir();
  const garbage = path.join(dir, 'not-a-project.zip');
  await writeFile(garbage, 'this is not a zip');
  const otherFormat = path.join(dir, 'other-format.zip');
  await writeFile(otherFormat, zipSync({ 'manifest.json': strToU8(JSON.stringify({ format: 'someone-else/v9', name: 'x', state: {} })) }));
  const badState = path.join(dir, 'bad-state.zip');
  await writeFile(badState, zipSync({ 'manifest.json': strToU8(JSON.stringify({ format: 'fine-tune-studio/project@1', name: '<b>x</b>', state: { version: 1, files: [{ path: 'a.jpg', size: -3, type: '' }] } })) }));
  const cases: [string, RegExp][] = [
    [garbage, /not-a-project\.zip is not a project this studio can open: it is not a readable zip archive/],
    [otherFormat, /other-format\.zip is not a project this studio can open: manifest\.format is "someone-else\/v9"/],
    [badState, /bad-state\.zip is not a project this studio can open: manifest\.state\.files\[0\]\.size is not a whole number/],
  ];
  for (const [file, message] of cases) {
    await page.getByLabel('Import project').setInputFiles(file);
    await expect(page.getByTestId('projects-message')).toHaveText(message);
  }
  await expect(list.getByTestId('project-item')).toHaveCount(2);
  await expect(page.getByLabel('Project name')).toHaveValue(facesName);

  // Delete the open project: the other one opens, and nothing of the deleted one stays stored.
  await list.locator('summary').click();
  await list.getByRole('button', { name: `Delete ${facesName}` }).click();
  await expect(page.getByLabel('Project name')).toHaveValue('lego-minifigures');
  await expect(list.getByTestId('project-item')).toHaveCount(1);
  const stored = Object.values(await storedCounts(page));
  expect(stored.map((p) => p.name)).toEqual(['lego-minifigures']);
  await page.reload();
  await waitSaved(page);
  await expect(page.getByLabel('Project name')).toHaveValue('lego-minifigures');
  await expect(page.getByTestId('total-train')).toHaveText(legoTrain ?? '');
});
