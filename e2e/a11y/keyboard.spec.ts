import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { datasetPath } from '../support/paths';
import { waitSaved } from '../support/projectHelpers';

/** Presses Tab until `target` has the focus, as a keyboard user would; fails after `max` presses. */
async function tabTo(page: Page, target: Locator, max = 400): Promise<number> {
  for (let presses = 0; presses < max; presses++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return presses;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab did not reach ${target.toString()} in ${max} presses`);
}

/** Types `text` into the focused field, replacing what it held. */
async function retype(page: Page, text: string): Promise<void> {
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

/**
 * Issue 24: a keyboard-only run. hymenoptera from Choose folder to a downloaded model without the mouse: the
 * folder chooser opened with Enter, the backbone chosen with the arrow keys, the options opened and filled,
 * Train pressed, a confusion-matrix cell reached with the arrows and opened with Enter, and the model
 * downloaded with Enter.
 */
test('keyboard only: choose a folder, train, open a matrix cell and download the model', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/');
  // The new project's first save re-renders the page: the keys start once it is done, as a person starts once the page is ready.
  await waitSaved(page);
  // Enter on the focused folder input opens the chooser. Twice in CI (never here) the first Enter opened none,
  // with the input focused: the keys go again, up to three times, as a person's would, and the tries are logged.
  let presses = 0;
  let chooser = null;
  let tries = 0;
  while (!chooser && tries < 3) {
    tries++;
    presses += await tabTo(page, page.getByLabel('Choose folder'));
    const opened = page.waitForEvent('filechooser', { timeout: 10_000 }).catch(() => null);
    await page.keyboard.press('Enter');
    chooser = await opened;
  }
  expect(chooser, 'Enter on the folder input opened the file chooser').not.toBeNull();
  if (tries > 1) console.log(`keyboard only: the folder chooser opened at Enter number ${tries}`);
  await chooser?.setFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('total-train')).toHaveText('245');
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });

  const backbone = page.getByLabel('Backbone');
  presses += await tabTo(page, backbone);
  for (let i = 0; i < 20 && (await backbone.inputValue()) !== 'mobilenet_v1_0.25_224'; i++) await page.keyboard.press('ArrowDown');
  await expect(backbone).toHaveValue('mobilenet_v1_0.25_224');
  presses += await tabTo(page, page.getByLabel('Epochs', { exact: true }));
  await retype(page, '4');
  presses += await tabTo(page, page.getByText('Training options'));
  await page.keyboard.press('Enter');
  presses += await tabTo(page, page.getByLabel('Augmented views per image'));
  await retype(page, '0');
  await expect(page.getByLabel('Augmented views per image')).toHaveValue('0');
  presses += await tabTo(page, page.getByRole('button', { name: 'Train', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('run-announcer')).toContainText(/Epoch \d+ of 4 finished/, { timeout: 120_000 });
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('run-announcer')).toContainText('Training finished: validation accuracy');

  // The matrix: Tab to its first cell, the arrow to the next one (ants predicted as bees), Enter opens it.
  presses += await tabTo(page, page.getByTestId('cell-val-0-0'));
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('cell-val-0-1')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('cell-val-0-1')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('cell-images')).toContainText('ants');

  presses += await tabTo(page, page.getByTestId('export-download'));
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  const zip = unzipSync(new Uint8Array(await readFile(await (await download).path())));
  expect(Object.keys(zip)).toEqual(expect.arrayContaining(['model.json', 'metadata.json']));
  console.log(`keyboard only: hymenoptera trained and the model downloaded with ${presses} presses of Tab and no mouse`);
});
