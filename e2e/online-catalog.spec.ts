/**
 * The online catalog without a real network: the public TF Hub URL of the MobileNetV3 entry is routed to a
 * local copy laid out as TF Hub serves tfjs models (`<model>/model.json?tfjs-format=file`, the shard beside
 * it with the same query). The copy is the v1 0.25 graph model from ../shared/models: the same layout, not
 * MobileNetV3's weights (so its features are the 1001 logits of that graph's output, measured on load).
 *
 * Service workers are blocked here: a request a service worker handles never reaches Playwright's routing,
 * and the PWA's worker (added alongside) controls the page after its first load. The offline use tested is
 * the studio's own Cache Storage, which works the same with or without a service worker.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { SHARED_DIR, datasetPath } from './support/paths';
import { trainShort } from './support/predictTrain';

test.use({ serviceWorkers: 'block' });

const ENTRY_ID = 'online_mobilenet_v3_large_100_224';
const HUB_URL = 'https://tfhub.dev/google/tfjs-model/imagenet/mobilenet_v3_large_100_224/feature_vector/5/default/1';
const LOCAL_COPY = path.join(SHARED_DIR, 'models', 'mobilenet_v1_0.25_224_graph');
const PUBLIC_HOSTS = /^https:\/\/(tfhub\.dev|www\.kaggle\.com|storage\.googleapis\.com)\//;
/** What the page shows for the served copy's model.json plus its weights. */
const SERVED_MB = ['model.json', 'group1-shard1of1'].reduce((n, f) => n + readFileSync(path.join(LOCAL_COPY, f)).length, 0) / 1024 / 1024;

interface ReportJson {
  backbone: string;
  backboneInfo?: { online: boolean; format: string; featureSize: number; sourceUrl: string; inputScaling: string };
  evaluation: { accuracy: number };
}

/** Chooses hymenoptera, picks the online entry, and waits for its files to be ready. */
async function pickOnline(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('total-train')).toHaveText('245');
  await page.getByLabel('Backbone').selectOption(ENTRY_ID);
  await expect(page.getByTestId('online-size')).toHaveText('Download: about 17.0 MB from tfhub.dev.');
}

/** A short run (2 epochs, no augmented views); returns the downloaded report. */
async function trainAndReport(page: Page): Promise<ReportJson> {
  await trainShort(page, 2);
  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download report' }).click();
  return JSON.parse(readFileSync(await (await downloadPromise).path(), 'utf8')) as ReportJson;
}

test('an online backbone is fetched only when picked, with its size and a progress bar, and then loads from Cache Storage', async ({ context, page }) => {
  const requested: string[] = [];
  let networkUp = true;
  await context.route(PUBLIC_HOSTS, async (route) => {
    const url = route.request().url();
    requested.push(url);
    if (!networkUp) {
      await route.abort('internetdisconnected');
      return;
    }
    const file = url.startsWith(`${HUB_URL}/`) && url.endsWith('?tfjs-format=file') ? url.slice(HUB_URL.length + 1, -'?tfjs-format=file'.length) : '';
    if (file !== 'model.json' && file !== 'group1-shard1of1') {
      await route.fulfill({ status: 404, body: 'not here', headers: { 'access-control-allow-origin': '*' } });
      return;
    }
    // The weights come slowly, as 1.8 MB would over a real network: the progress bar is seen under way.
    if (file !== 'model.json') await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.fulfill({
      status: 200,
      body: readFileSync(path.join(LOCAL_COPY, file)),
      headers: { 'access-control-allow-origin': '*', 'content-type': file === 'model.json' ? 'application/json' : 'application/octet-stream' },
    });
  });

  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('total-train')).toHaveText('245');
  // Listed with its size, never fetched until picked.
  await expect(page.getByLabel('Backbone').locator(`option[value="${ENTRY_ID}"]`)).toHaveText('MobileNetV3 Large 1.0 (online, about 17 MB)');
  expect(requested).toEqual([]);

  await page.getByLabel('Backbone').selectOption(ENTRY_ID);
  await expect(page.getByTestId('online-size')).toHaveText('Download: about 17.0 MB from tfhub.dev.');
  await expect(page.getByTestId('online-progress')).toBeVisible();
  await expect(page.getByTestId('online-ready')).toHaveText(`Downloaded ${SERVED_MB.toFixed(1)} MB and kept in this browser: the next use works offline.`);
  expect(requested).toEqual([`${HUB_URL}/model.json?tfjs-format=file`, `${HUB_URL}/group1-shard1of1?tfjs-format=file`]);
  const cached = await page.evaluate(async () => (await (await caches.open('studio-backbones')).keys()).map((r) => r.url));
  expect(cached.sort()).toEqual([`${HUB_URL}/group1-shard1of1?tfjs-format=file`, `${HUB_URL}/model.json?tfjs-format=file`]);

  const first = await trainAndReport(page);
  // The training worker loaded it from Cache Storage: no request beyond the two of the download.
  expect(requested).toHaveLength(2);
  expect(first.backbone).toBe(ENTRY_ID);
  expect(first.backboneInfo).toMatchObject({ online: true, format: 'graph', featureSize: 1001, sourceUrl: HUB_URL, inputScaling: 'zeroToOne' });
  expect(first.evaluation.accuracy).toBeGreaterThan(0.5);

  // The network goes: every public request is refused from now on. A fresh page picks the entry again.
  networkUp = false;
  requested.length = 0;
  await pickOnline(page);
  await expect(page.getByTestId('online-ready')).toHaveText(`Loaded from this browser's cache (${SERVED_MB.toFixed(1)} MB): no download needed, and it works offline.`);
  const second = await trainAndReport(page);
  expect(second.backbone).toBe(ENTRY_ID);
  expect(requested).toEqual([]);
  console.log(`online entry (served copy) on hymenoptera: val accuracy ${first.evaluation.accuracy.toFixed(4)}, then ${second.evaluation.accuracy.toFixed(4)} from the cache`);
});
