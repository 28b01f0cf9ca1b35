import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { StudioReport } from '../../src/engine/evaluation';
import { datasetPath } from '../support/paths';
import { chooseQuickSettings, downloadOf, modelFingerprint, storedCheckpointHistory, storedCounts, waitSaved } from '../support/projectHelpers';

const EPOCHS = 10;

/** Waits until the run under way has stored the checkpoint of an epoch after `after`; returns that epoch. */
async function nextCheckpoint(page: Page, after: number): Promise<number> {
  const status = page.getByTestId('checkpoint-status');
  let epoch = 0;
  await expect
    .poll(async () => {
      const text = (await status.count()) > 0 ? await status.textContent() : '';
      epoch = Number(/epoch (\d+) saved/.exec(text ?? '')?.[1] ?? 0);
      return epoch;
    }, { timeout: 240_000 })
    .toBeGreaterThan(after);
  return epoch;
}

/** In a fresh tab: the stored checkpoint's history, which must begin with `before`; resumes when epochs are left. */
async function resumeIn(page: Page, before: readonly unknown[]): Promise<readonly unknown[]> {
  await page.goto('/');
  await waitSaved(page);
  const history = (await storedCheckpointHistory(page)) ?? [];
  expect(history.length).toBeGreaterThan(before.length);
  // The epochs of the run before, exactly as they were (elapsed times included).
  expect(history.slice(0, before.length)).toEqual(before);
  if (history.length < EPOCHS) {
    await expect(page.getByTestId('resume-banner')).toContainText(`Training was interrupted after epoch ${history.length} of ${EPOCHS}`);
    // The dataset and settings came back with the project: nothing to choose again.
    await expect(page.getByTestId('total-train')).toHaveText('245');
    await expect(page.getByLabel('Epochs', { exact: true })).toHaveValue(String(EPOCHS));
    await page.getByRole('button', { name: 'Resume training' }).click();
    await expect(page.getByTestId('resume-banner')).toHaveCount(0);
  }
  return history;
}

test('a run interrupted by a reload, a renderer crash and a closed tab resumes from its last epoch each time, its history intact', async ({ page, context }) => {
  await page.goto('/');
  await waitSaved(page);
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  // Batch size 1 and a wide head: an epoch takes about a second here, long enough to interrupt the run.
  await chooseQuickSettings(page, { epochs: EPOCHS, batchSize: 1, hiddenUnits: 1024 });
  await waitSaved(page);
  await page.getByRole('button', { name: 'Train', exact: true }).click();

  // 1. A reload once epoch 2's checkpoint is stored.
  await nextCheckpoint(page, 1);
  await page.reload();
  const first = await resumeIn(page, []);

  // 2. The renderer crashes (the training worker with it); the studio is opened again in a new tab.
  await nextCheckpoint(page, first.length);
  // Chromium crashes the renderer of the page itself for this debug URL (no unload, no last save).
  const crashed = page.waitForEvent('crash');
  await page.goto('chrome://crash').catch(() => undefined);
  await crashed;
  let tab = await context.newPage();
  const second = await resumeIn(tab, first);

  // 3. The tab is closed; a new one opens the studio.
  await nextCheckpoint(tab, second.length);
  await tab.close();
  tab = await context.newPage();
  const third = await resumeIn(tab, second);

  await expect(tab.getByTestId('confusion-val')).toBeVisible({ timeout: 240_000 });
  await waitSaved(tab);
  const report = JSON.parse((await downloadOf(tab, 'Download report')).text) as StudioReport;
  expect(report.history.map((h) => h.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
  expect(report.history.slice(0, third.length)).toEqual(third);
  expect(report.stages).toEqual([expect.objectContaining({ stage: 1, epochs: EPOCHS })]);
  // The resumed epochs go on from the trained head: a head started afresh would fall back to epoch 1's loss.
  const loss = report.history.map((h) => h.loss);
  console.log(`resumed after epochs ${first.length}, ${second.length}, ${third.length}: loss ${loss.map((l) => l.toFixed(3)).join(', ')}, val accuracy ${report.evaluation.accuracy.toFixed(3)}`);
  for (const n of [first.length, second.length, third.length]) if (n < EPOCHS) expect(loss[n]).toBeLessThan(loss[0] as number);
  expect(report.evaluation.accuracy).toBeGreaterThan(0.6);
  await modelFingerprint(tab);
  // The finished run replaced the checkpoint: nothing left to resume.
  expect(Object.values(await storedCounts(tab))).toEqual([expect.objectContaining({ model: true, checkpoint: false })]);
  await tab.reload();
  await waitSaved(tab);
  await expect(tab.getByTestId('resume-banner')).toHaveCount(0);
  await expect(tab.getByTestId('confusion-val')).toBeVisible();
});
