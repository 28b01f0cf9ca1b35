/**
 * A backend that fails mid-training: the training worker dies with an uncaught error (as a lost GPU device
 * or a crashing backend kills it), and the studio goes on from the last checkpoint on the next backend,
 * says so, and finishes with the whole history.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { StudioReport } from '../src/engine/evaluation';
import { datasetPath } from './support/paths';
import { chooseQuickSettings, downloadOf } from './support/projectHelpers';

const EPOCHS = 4;

/** A hymenoptera subset (40 training and 20 validation photos per class): the CPU backend embeds it again after the failure. */
let root = '';
let folder = '';
test.beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'fts-fallback-'));
  folder = path.join(root, 'hymenoptera-small');
  for (const [split, count] of [['train', 40], ['val', 20]] as const) {
    for (const cls of ['ants', 'bees']) {
      const from = datasetPath(`hymenoptera/${split}/${cls}`);
      mkdirSync(path.join(folder, split, cls), { recursive: true });
      for (const name of readdirSync(from).filter((f) => f.endsWith('.jpg')).sort().slice(0, count)) {
        copyFileSync(path.join(from, name), path.join(folder, split, cls, name));
      }
    }
  }
});
test.afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('a backend failing mid-run falls back to the next backend, resumes from the last checkpoint and finishes', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  // Batch size 1 and a wide head: epochs long enough to fail the run between two.
  await chooseQuickSettings(page, { epochs: EPOCHS, batchSize: 1, hiddenUnits: 1024 });
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('backend')).toContainText('wasm');

  // Once epoch 2's checkpoint exists, the backend fails: an uncaught error in the training worker.
  await expect.poll(async () => Number(/epoch (\d+) saved/.exec((await page.getByTestId('checkpoint-status').textContent().catch(() => '')) ?? '')?.[1] ?? 0), {
    timeout: 240_000,
  }).toBeGreaterThanOrEqual(2);
  const worker = page.workers().find((w) => /train\.worker/.test(w.url()));
  expect(worker, 'the training worker is running').toBeDefined();
  await worker?.evaluate(() => {
    setTimeout(() => {
      throw new Error('simulated: the backend lost its device');
    }, 0);
  });

  const note = page.getByTestId('backend-fallback');
  await expect(note).toContainText('The wasm backend failed');
  await expect(note).toContainText('simulated: the backend lost its device');
  await expect(note).toContainText('training goes on on cpu');
  await expect(page.getByTestId('confusion-val')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('backend')).toContainText('cpu');

  const report = JSON.parse((await downloadOf(page, 'Download report')).text) as StudioReport;
  expect(report.backend).toBe('cpu');
  // Nothing lost: every epoch once, in order.
  expect(report.history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
  expect(report.evaluation.accuracy).toBeGreaterThan(0.6);
  console.log(`fallback wasm -> cpu: val accuracy ${report.evaluation.accuracy.toFixed(3)}, history ${report.history.length} epochs`);
});
