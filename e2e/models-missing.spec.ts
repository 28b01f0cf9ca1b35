import { expect, test } from '@playwright/test';
import { datasetPath } from './support/paths';

test('with no backbone weights anywhere, the page says so and how to fix it', async ({ context, page }) => {
  // As on a machine where `npm run models` found nothing and there is no network: every model URL fails.
  const requested: string[] = [];
  await context.route(/\/models\/|tfhub\.dev|storage\.googleapis\.com|kaggle/, (route) => {
    requested.push(route.request().url());
    return route.fulfill({ status: 404, body: 'not found' });
  });
  await page.goto('/');
  const notice = page.getByTestId('models-notice');
  await expect(notice).toContainText('No backbone weights are served with the studio');
  await expect(notice).toContainText('npm run models');

  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Could not load the backbone', { timeout: 60_000 });
  await expect(alert).toContainText('/models/mobilenet_v2_1.0_224/model.json');
  await expect(alert).toContainText('tfhub.dev');
  await expect(alert).toContainText('npm run models');
  // The studio is still usable: the Train button is back.
  await expect(page.getByRole('button', { name: 'Train', exact: true })).toBeEnabled();
  expect(requested.some((url) => url.endsWith('/models/mobilenet_v2_1.0_224/model.json'))).toBe(true);
});
