import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import type { StudioReport } from '../src/engine/evaluation';
import { hymenopteraSubset } from './support/hymenopteraSubset';

/** The smallest backbone (2 MB, 56 files): the one the first visit uses and the offline run needs. */
const BACKBONE = 'mobilenet_v1_0.25_224';
const BACKBONE_CACHE = 'studio-backbones';
const PER_CLASS = { train: 30, val: 20 } as const;

/**
 * A pass-through HTTP proxy in front of the studio's server, so the test can cut the network for real:
 * closing it leaves nothing listening at the page's origin. `setOffline` alone emulates offline in the
 * browser; this makes sure nothing can reach a server even if some request escaped that emulation.
 */
async function startProxy(target: URL): Promise<{ origin: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = http.createServer((request, response) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** Whether anything answers HTTP at `origin` (from Node, outside the browser). */
const reachable = (origin: string): Promise<boolean> =>
  new Promise((resolve) => {
    http.get(origin, (answer) => (answer.resume(), resolve(true))).on('error', () => resolve(false));
  });

let subset: ReturnType<typeof hymenopteraSubset> | null = null;
let folder = '';
test.beforeAll(() => {
  subset = hymenopteraSubset(PER_CLASS, 'studio-offline-');
  folder = subset.folder;
});
test.afterAll(() => subset?.remove());

/** Chooses the folder, picks the small backbone and a short run without augmentation, trains, waits for results. */
async function ingestAndTrain(page: Page): Promise<void> {
  await page.getByLabel('Choose folder').setInputFiles(folder);
  await expect(page.getByTestId('total-train')).toHaveText(String(2 * PER_CLASS.train));
  await expect(page.getByTestId('total-val')).toHaveText(String(2 * PER_CLASS.val));
  await page.getByLabel('Backbone').selectOption(BACKBONE);
  await page.getByLabel('Epochs', { exact: true }).fill('10');
  await page.getByText('Training options').click();
  await page.getByRole('group', { name: /Augmentation/ }).getByLabel('Augmented views per image').fill('0');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('backend')).toContainText('wasm', { timeout: 60_000 });
  // A failed run (say, a backbone that is not cached) shows its error at once rather than after the timeout.
  await expect(page.getByTestId('results').or(page.getByRole('alert'))).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('results'), (await page.getByRole('alert').allTextContents()).join(' ')).toBeVisible();
}

test('after one visit the studio reloads with the network cut and still ingests, trains, reports and exports', async ({ page, context, baseURL }) => {
  test.setTimeout(240_000);
  const proxy = await startProxy(new URL(baseURL ?? 'http://localhost:4173'));
  try {
    // First visit, online: the service worker installs (precaching the app, its workers and the WASM
    // binaries) and takes control of the page; a run then loads the backbone, which it caches.
    await page.goto(`${proxy.origin}/`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await ingestAndTrain(page);
    console.log(`online run: val accuracy ${await page.getByTestId('accuracy-val').textContent()}`);
    const cached = await page.evaluate(async (name) => {
      const keys = await (await caches.open(name)).keys();
      return keys.map((request) => new URL(request.url).pathname);
    }, BACKBONE_CACHE);
    expect(cached).toContain(`/models/${BACKBONE}/model.json`);
    expect(cached.filter((p) => p.startsWith(`/models/${BACKBONE}/group`)).length).toBe(55);
    // Only the backbone that was used: the others were never downloaded.
    expect(cached.every((p) => p.startsWith(`/models/${BACKBONE}/`))).toBe(true);

    // The network goes away: the browser is offline and the server is gone.
    await context.setOffline(true);
    await proxy.close();
    expect(await reachable(proxy.origin)).toBe(false);

    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // Served from the service worker's cache, the page keeps its COOP/COEP headers, so it stays isolated.
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    // The precached index still says the backbone is served here: no "no local weights" notice.
    await page.getByLabel('Backbone').selectOption(BACKBONE);
    await expect(page.getByTestId('models-notice')).toHaveCount(0);

    await ingestAndTrain(page);
    await expect(page.getByTestId('confusion-val')).toBeVisible();
    await expect(page.getByTestId('accuracy-val')).toHaveText(/%$/);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download report' }).click();
    const report = JSON.parse(await readFile(await (await download).path(), 'utf8')) as StudioReport;
    expect(report.backbone).toBe(BACKBONE);
    expect(report.backend).toBe('wasm');
    expect(report.skipped).toEqual([]);
    expect(report.evaluation.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(2 * PER_CLASS.val);
    expect(report.evaluation.accuracy).toBeGreaterThan(0.7);
    console.log(`offline run (${BACKBONE}): val accuracy ${report.evaluation.accuracy.toFixed(4)}, total ${(report.timings.totalMs / 1000).toFixed(1)} s`);

    // Export, still offline: the model zip is built in the page (e2e/export-import.spec.ts checks its contents).
    const exported = page.waitForEvent('download');
    await page.getByTestId('export-download').click();
    const zip = unzipSync(new Uint8Array(await readFile(await (await exported).path())));
    expect(Object.keys(zip)).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'metadata.json']));
    const metadata = JSON.parse(new TextDecoder().decode(zip['metadata.json'])) as { labels: string[] };
    expect(metadata.labels).toEqual(['ants', 'bees']);
  } finally {
    await context.setOffline(false);
    await proxy.close();
  }
});
