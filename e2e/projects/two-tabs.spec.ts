import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { hymenopteraSubset } from '../support/hymenopteraSubset';
import { waitSaved } from '../support/projectHelpers';

/** Opens the studio in a new tab of the test's browser context (tabs of one origin share IndexedDB and Web Locks). */
async function openTab(newPage: () => Promise<Page>): Promise<Page> {
  const page = await newPage();
  await page.goto('/');
  await expect(page.getByTestId('save-status')).not.toHaveAttribute('data-state', 'opening', { timeout: 60_000 });
  return page;
}

async function chooseFolder(page: Page, folder: string, train: number): Promise<void> {
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expect(page.getByTestId('total-train')).toHaveText(String(train));
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
}

async function renameClass(page: Page, from: string, to: string): Promise<void> {
  await page.getByRole('button', { name: `Rename class ${from}` }).click();
  await page.getByLabel(`New name for class ${from}`).fill(to);
  await page.getByLabel(`New name for class ${from}`).press('Enter');
}

/**
 * Issue 23, items 1 and 2, as it was reported: tab 1 chooses a folder and saves; tab 2 opens the studio
 * (the same project) and chooses another folder; tab 1 renames a class. Closed and opened again, both
 * folders are there, each in its own project, the rename kept. And a tab that takes a project over makes
 * the other tab stop saving it.
 */
test('two tabs never corrupt a project: one owner per project, a new folder is a new project', async ({ context }) => {
  const first = hymenopteraSubset({ train: 6, val: 3 }, 'studio-tabs-a-');
  const second = hymenopteraSubset({ train: 4, val: 2 }, 'studio-tabs-b-');
  try {
    const tab1 = await openTab(() => context.newPage());
    await chooseFolder(tab1, first.folder, 12);
    await waitSaved(tab1);

    // Tab 2 opens the same project: it says another tab holds it, and saves nothing of it.
    const tab2 = await openTab(() => context.newPage());
    await expect(tab2.getByTestId('project-held-elsewhere')).toBeVisible();
    await expect(tab2.getByTestId('total-train')).toHaveText('12');
    await expect(tab1.getByTestId('project-held-elsewhere')).toHaveCount(0);

    // A new folder in tab 2 is a new project, which tab 2 owns; tab 1's project is kept.
    await chooseFolder(tab2, second.folder, 8);
    await expect(tab2.getByTestId('projects-notice')).toContainText('This folder is a new project; "hymenoptera-small" is kept');
    await expect(tab2.getByTestId('project-held-elsewhere')).toHaveCount(0);
    await waitSaved(tab2);

    // Tab 1 renames a class and saves it.
    await renameClass(tab1, 'bees', 'honeybees');
    await expect(tab1.getByTestId('count-train-honeybees')).toHaveText('6');
    await waitSaved(tab1);
    await tab1.close();
    await tab2.close();

    // A new tab: both projects, each with its own images; the rename kept.
    const tab3 = await openTab(() => context.newPage());
    await waitSaved(tab3);
    await expect(tab3.getByTestId('projects-message')).toHaveCount(0);
    const list = tab3.getByTestId('project-list');
    await list.locator('summary').click();
    await expect(list.getByTestId('project-item')).toHaveCount(2);
    // The open project, then the other one (the only item with an Open button), each read once it shows.
    const totals = new Map<string, boolean>();
    const total = tab3.getByTestId('total-train');
    await expect(tab3.getByTestId('scan-done')).toBeVisible();
    const shownFirst = (await total.textContent()) ?? '';
    totals.set(shownFirst, (await tab3.getByTestId('count-train-honeybees').count()) > 0);
    await list.getByRole('button', { name: /^Open / }).click();
    await expect(total).not.toHaveText(shownFirst);
    await waitSaved(tab3);
    await expect(tab3.getByTestId('scan-done')).toBeVisible();
    totals.set((await total.textContent()) ?? '', (await tab3.getByTestId('count-train-honeybees').count()) > 0);
    expect([...totals.keys()].sort()).toEqual(['12', '8']);
    expect(totals.get('12')).toBe(true);
    expect(totals.get('8')).toBe(false);

    // Taking over: tab 4 opens the project tab 3 has open, takes it over, and tab 3 is told it no longer saves it.
    const tab4 = await openTab(() => context.newPage());
    await expect(tab4.getByTestId('project-held-elsewhere')).toBeVisible();
    await tab4.getByRole('button', { name: 'Use this project in this tab' }).click();
    await expect(tab4.getByTestId('project-held-elsewhere')).toHaveCount(0);
    await expect(tab3.getByTestId('project-held-elsewhere')).toBeVisible();
    await waitSaved(tab4);
  } finally {
    first.remove();
    second.remove();
  }
});
