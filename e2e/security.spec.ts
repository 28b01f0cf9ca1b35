/**
 * Privacy and security as a person can check them from outside: the headers the built app sends, a whole
 * session (ingest, train, export, predict, webcam) that makes no request beyond the page's own origin and
 * breaks no rule of its Content-Security-Policy, and file and folder names that look like HTML shown as text.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import config from '../playwright.config';
import { datasetPath } from './support/paths';
import { trainSmallHymenoptera } from './support/predictTrain';
import { writeY4m } from './support/webcamVideo';

/** CSP violations and console errors of the page, recorded from the start. */
async function watchViolations(page: Page): Promise<{ violations: () => Promise<string[]>; consoleErrors: string[] }> {
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) consoleErrors.push(message.text());
  });
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      w.cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`);
    });
  });
  return {
    violations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    consoleErrors,
  };
}

test('the built app sends a strict CSP and cross-origin isolation, and the page is isolated', async ({ page }) => {
  const response = await page.goto('/');
  const headers = response?.headers() ?? {};
  const csp = headers['content-security-policy'] ?? '';
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));
  // `blob:`: the threaded WASM backend's helper threads, started from blobs tfjs makes itself.
  expect(directives.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", 'blob:']);
  expect(directives.get('worker-src')).toEqual(["'self'", 'blob:']);
  expect(directives.get('default-src')).toEqual(["'self'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(csp).not.toContain("'unsafe-eval'");
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  // The policy is enforced: an inline script does not run.
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.body.append(script);
    return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
  });
  expect(ran).toBe(false);
});

test('a whole session (ingest, train, export, predict, webcam) requests nothing outside the page origin and breaks no CSP rule', async () => {
  test.setTimeout(8 * 60_000);
  // The fake camera shows a few validation photos, so the webcam really classifies frames.
  const dir = await mkdtemp(path.join(tmpdir(), 'fts-audit-'));
  const video = path.join(dir, 'camera.y4m');
  const photos = (cls: string): string[] =>
    readdirSync(datasetPath(`hymenoptera/val/${cls}`)).filter((f) => f.endsWith('.jpg')).sort().slice(0, 3).map((f) => datasetPath(`hymenoptera/val/${cls}/${f}`));
  await writeY4m(video, [...photos('ants'), ...photos('bees')], { sizePx: 224, fps: 15, framesEach: 15 });
  const launch = config.use?.launchOptions ?? {};
  const browser = await chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`, '--use-fake-ui-for-media-stream'],
  });
  try {
    const baseURL = config.use?.baseURL ?? 'http://localhost:4173';
    const origin = new URL(baseURL).origin;
    const context = await browser.newContext({ baseURL, permissions: ['camera'], acceptDownloads: true });
    // Every request of the session: the page's, its workers' and the service worker's.
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    const page = await context.newPage();
    const watch = await watchViolations(page);

    // Ingest, the scan and a short training run.
    await trainSmallHymenoptera(page);
    // Export: the zip downloads.
    const download = page.waitForEvent('download');
    await page.getByTestId('export-download').click();
    expect((await download).suggestedFilename()).toMatch(/\.zip$/);
    // Predict a few new images.
    await expect(page.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });
    await page.getByTestId('predict-input').setInputFiles([...photos('ants'), ...photos('bees')]);
    await expect(page.getByTestId('predict-top')).toHaveCount(6, { timeout: 60_000 });
    // The webcam, live.
    const webcam = page.getByTestId('webcam-panel');
    await webcam.scrollIntoViewIfNeeded();
    await webcam.getByRole('button', { name: 'Start camera' }).click();
    await expect(webcam.getByTestId('webcam-top-label')).toHaveText(/^(ants|bees)$/, { timeout: 60_000 });
    await webcam.getByRole('button', { name: 'Stop camera' }).click();

    const outside = requests.filter((url) => {
      const { protocol } = new URL(url);
      if (protocol === 'blob:' || protocol === 'data:') return false;
      return new URL(url).origin !== origin;
    });
    expect(outside).toEqual([]);
    // The session did load the backbone and the WASM binary, from the page's origin.
    expect(requests.some((url) => url.startsWith(`${origin}/models/mobilenet_v1_0.25_224/`))).toBe(true);
    expect(requests.some((url) => url.endsWith('.wasm'))).toBe(true);
    expect(await watch.violations()).toEqual([]);
    expect(watch.consoleErrors).toEqual([]);
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('file and folder names that look like HTML are shown as text, never run', async ({ page }) => {
  const root = mkdtempSync(path.join(tmpdir(), 'studio-names-'));
  const folder = path.join(root, 'names');
  const sneakyClass = '<b id="injected">bold</b>';
  const sneakyFile = '<img src=x onerror="window.injected=1">.jpg';
  try {
    const photos = (cls: string): string[] =>
      readdirSync(datasetPath(`hymenoptera/train/${cls}`)).filter((f) => f.endsWith('.jpg')).sort().slice(0, 6);
    mkdirSync(path.join(folder, 'ants'), { recursive: true });
    mkdirSync(path.join(folder, sneakyClass), { recursive: true });
    for (const name of photos('ants')) writeFileSync(path.join(folder, 'ants', name), readFileSync(datasetPath(`hymenoptera/train/ants/${name}`)));
    for (const name of photos('bees')) {
      writeFileSync(path.join(folder, sneakyClass, name), readFileSync(datasetPath(`hymenoptera/train/bees/${name}`)));
    }
    // Not an image: listed among the skipped files, by name.
    writeFileSync(path.join(folder, 'ants', sneakyFile), 'not a picture');

    await page.goto('/');
    await page.getByLabel('Choose folder').setInputFiles(folder);
    await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
    await expect(page.getByText(sneakyClass).first()).toBeVisible();
    // Listed (in the collapsed list of skipped files) as its literal name.
    await expect(page.getByText(sneakyFile, { exact: false }).first()).toBeAttached();
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
