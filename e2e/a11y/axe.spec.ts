import AxeBuilder from '@axe-core/playwright';
import { chromium, expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import config from '../../playwright.config';
import { datasetPath } from '../support/paths';

/** The WCAG 2.1 A and AA rules (axe's tags for them). */
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface Found {
  readonly step: string;
  readonly rule: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: string[];
}

/** Runs axe on the whole page as it is now; returns its violations of the WCAG 2.1 A and AA rules, named by step. */
async function audit(page: Page, step: string): Promise<Found[]> {
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  return result.violations.map((v) => ({
    step, rule: v.id, impact: v.impact ?? '', help: v.help, targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} [${n.failureSummary?.split('\n').slice(1).join(' ').slice(0, 160) ?? ''}]`),
  }));
}

/**
 * Issue 24: axe-core on every step of a run (the empty page, a dataset loaded, training, the results with
 * export and prediction, a folder classified, the webcam live) finds no violation of the WCAG 2.1 A and AA
 * rules. Chromium's fake camera (its test pattern) stands in for a webcam.
 */
test('axe: no WCAG 2.1 A/AA violation on any step of a run', async () => {
  test.setTimeout(300_000);
  const launch = config.use?.launchOptions ?? {};
  const browser = await chromium.launch({ ...launch, args: [...(launch.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  const context = await browser.newContext({ baseURL: config.use?.baseURL, permissions: ['camera'] });
  const page = await context.newPage();
  const found: Found[] = [];
  await page.goto('/');
  found.push(...(await audit(page, 'empty page')));

  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 60_000 });
  await page.getByText('Training options').click();
  found.push(...(await audit(page, 'dataset loaded, training options open')));
  // The search's table and the test-time augmentation's line are audited with the results.
  await page.getByLabel('Search head settings first').check();
  await page.getByLabel('Test-time augmentation').check();
  await page.getByText('Training options').click();

  await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
  await page.getByLabel('Epochs', { exact: true }).fill('30');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('chart-loss').locator('.chart-line-train')).toBeVisible({ timeout: 120_000 });
  found.push(...(await audit(page, 'training')));
  await page.getByRole('button', { name: 'Stop' }).click();

  await expect(page.getByTestId('results')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('predict-panel')).toBeVisible();
  await expect(page.getByTestId('settings-search')).toBeVisible();
  found.push(...(await audit(page, 'results, export, predict')));
  // A heatmap over a mistake, and the embedding map drawn.
  await page.getByRole('tab', { name: 'Validation' }).click();
  await page.getByTestId('heatmap-toggle').first().click();
  await expect(page.getByTestId('heatmap-toggle').first()).toHaveAttribute('aria-pressed', 'true', { timeout: 60_000 });
  await page.getByRole('button', { name: /^Draw the map of/ }).click();
  await expect(page.getByRole('button', { name: 'Download embedding-map.csv' })).toBeVisible({ timeout: 120_000 });
  found.push(...(await audit(page, 'a heatmap, the embedding map')));
  // The dark theme (the system's colour scheme) keeps every contrast; reduced motion drops transitions.
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  // Polled: the reduced-motion rule still gives the change a transition (of 0.01 ms), so it lands a frame later.
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)).toBe('rgb(17, 24, 39)');
  expect(await page.evaluate(() => getComputedStyle(document.querySelector('button') as Element).transitionDuration)).toBe('1e-05s');
  found.push(...(await audit(page, 'results in the dark theme')));
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });

  const panel = page.getByTestId('predict-panel');
  await expect(panel.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });
  await panel.getByTestId('predict-folder-input').setInputFiles(datasetPath('hymenoptera/val/ants'));
  await expect(panel.getByTestId('predict-progress-detail')).toContainText('Done', { timeout: 60_000 });
  found.push(...(await audit(page, 'a folder classified')));

  const webcam = page.getByTestId('webcam-panel');
  await webcam.getByRole('button', { name: 'Start camera' }).click();
  await expect(webcam.getByTestId('webcam-top-label')).toHaveText(/^(ants|bees)$/, { timeout: 60_000 });
  found.push(...(await audit(page, 'webcam live')));
  await webcam.getByRole('button', { name: 'Stop camera' }).click();
  await browser.close();

  for (const f of found) console.log(`${f.step}: ${f.rule} (${f.impact}) ${f.help}: ${f.targets.join(' | ')}`);
  expect(found.map((f) => `${f.step}: ${f.rule}`)).toEqual([]);
});
