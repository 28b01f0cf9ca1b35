import { expect, test } from '@playwright/test';
import { datasetPath } from '../support/paths';
import { trainAndReport } from '../support/predictTrain';

interface Searched { learningRate: number; dropout: number; labelSmoothing: number; hiddenUnits: number }
interface SearchReport {
  settings: Searched & { searchSettings: boolean };
  settingsSearch?: { trials: { rung: number; candidate: number; settings: Searched; valAccuracy: number }[]; best: { settings: Searched; valAccuracy: number }; judgedOn: string; ms: number; rungEpochs: number[] };
  evaluation: { accuracy: number };
  timings: { trainMs: number };
}

/**
 * Issue 22, the settings search: ticked in the training options, a run tries 9 head settings on its cached
 * features by successive halving on validation, trains with the best, and shows every trial in a table; one
 * click puts the best values in the form, and the next run trains with them, without searching.
 */
test('the settings search: table of trials, the best used by this run and, one click later, by the next', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await page.getByText('Training options').click();
  await page.getByLabel('Search head settings first').check();
  await page.getByText('Training options').click();
  const first = await trainAndReport<SearchReport>(page, { backbone: 'mobilenet_v1_0.25_224', epochs: 6 });
  const search = first.settingsSearch;
  expect(search?.judgedOn).toBe('val');
  expect(search?.trials).toHaveLength(13);
  expect(search?.rungEpochs).toEqual([1, 3, 6]);
  // The user's own settings were the first candidate.
  expect(search?.trials[0]?.settings).toEqual({ learningRate: 0.001, dropout: 0.3, labelSmoothing: 0, hiddenUnits: 128 });
  const best = search?.best.settings as Searched;
  expect(first.settings).toMatchObject({ ...best, searchSettings: true });

  const table = page.getByTestId('settings-search');
  await expect(table).toBeVisible();
  await expect(table.getByTestId('settings-search-winner')).toHaveCount(1);
  await expect(table.getByTestId('settings-search-trial')).toHaveCount(12);
  await expect(page.getByTestId('settings-search-best')).toContainText(`learning rate ${best.learningRate}, dropout ${best.dropout}`);

  await table.getByRole('button', { name: 'Use the best settings' }).click();
  await expect(page.getByTestId('settings-search-applied')).toBeVisible();
  await page.getByText('Training options').click();
  await expect(page.getByLabel('Learning rate', { exact: true })).toHaveValue(String(best.learningRate));
  await expect(page.getByLabel('Dropout', { exact: true })).toHaveValue(String(best.dropout));
  await expect(page.getByLabel('Label smoothing', { exact: true })).toHaveValue(String(best.labelSmoothing));
  await expect(page.getByLabel('Hidden units', { exact: true })).toHaveValue(String(best.hiddenUnits));
  await expect(page.getByLabel('Search head settings first')).not.toBeChecked();
  await page.getByText('Training options').click();

  const second = await trainAndReport<SearchReport>(page, { backbone: 'mobilenet_v1_0.25_224', epochs: 6 });
  expect(second.settings).toMatchObject({ ...best, searchSettings: false });
  expect(second.settingsSearch).toBeUndefined();
  // The same features, seed and settings as the winner's last round (the run's epochs): the same head, the same score.
  expect(second.evaluation.accuracy).toBeCloseTo(search?.best.valAccuracy ?? -1, 6);
  expect(first.evaluation.accuracy).toBeCloseTo(search?.best.valAccuracy ?? -1, 6);
  console.log(
    `settings search (hymenoptera, v1 0.25, 6 epochs): ${search?.trials.length} trials in ${((search?.ms ?? 0) / 1000).toFixed(1)} s; ` +
      `yours ${((search?.trials.filter((t) => t.candidate === 0).at(-1)?.valAccuracy ?? 0) * 100).toFixed(1)}% at its last round, best ${JSON.stringify(best)} ` +
      `${((search?.best.valAccuracy ?? 0) * 100).toFixed(1)}% val; first run val ${first.evaluation.accuracy.toFixed(4)} (head ${(first.timings.trainMs / 1000).toFixed(1)} s), next run ${second.evaluation.accuracy.toFixed(4)} (head ${(second.timings.trainMs / 1000).toFixed(1)} s)`,
  );
});
