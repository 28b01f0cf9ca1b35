import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { datasetPath } from '../support/paths';
import { trainSmallHymenoptera } from '../support/predictTrain';

const ORT_DIST = path.resolve(import.meta.dirname, '../../node_modules/onnxruntime-web/dist');
const VAL = path.join(datasetPath('hymenoptera'), 'val');
const CLASSES = ['ants', 'bees'];
/** Where the test serves the unzipped export and onnxruntime-web, on the studio's origin. */
const SITE = '/onnx-check/';

const numberOf = async (page: Page, attribute: string): Promise<number> => Number(await page.getByTestId('onnx-parity').getAttribute(attribute));

/**
 * Runs the README's JavaScript snippet as a module in a page of its own, for each photo, with the zip's
 * model.onnx and labels.txt and onnxruntime-web served beside it (`import * as ort from 'onnxruntime-web'`
 * through an import map); returns the label the snippet prints for each.
 */
async function runReadmeSnippet(page: Page, entries: Record<string, Uint8Array>, photos: readonly string[]): Promise<string[]> {
  const readme = new TextDecoder().decode(entries['README.md']);
  const snippet = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet, 'the README has a JavaScript snippet').toBeTruthy();
  await page.route(`**${SITE}**`, async (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.slice(SITE.length));
    if (name === 'index.html') {
      const importMap = JSON.stringify({ imports: { 'onnxruntime-web': `${SITE}ort.bundle.min.mjs` } });
      return route.fulfill({ contentType: 'text/html', body: `<!doctype html><script type="importmap">${importMap}</script>` });
    }
    if (name.startsWith('photos/')) return route.fulfill({ contentType: 'image/jpeg', body: await readFile(path.join(VAL, name.slice('photos/'.length))) });
    const zipped = entries[name];
    if (zipped) return route.fulfill({ body: Buffer.from(zipped) });
    const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    return route.fulfill({ contentType: type, body: await readFile(path.join(ORT_DIST, path.basename(name))) });
  });
  await page.goto(`${SITE}index.html`);
  const printed: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'log') printed.push(message.text());
  });
  for (const photo of photos) {
    const before = printed.length;
    const module = `const image = await createImageBitmap(await (await fetch('photos/${photo}')).blob());\n${snippet}\nwindow.snippetDone = (window.snippetDone ?? 0) + 1;`;
    await page.evaluate((code) => {
      const script = document.createElement('script');
      script.type = 'module';
      script.textContent = code;
      document.head.append(script);
    }, module);
    await expect.poll(() => printed.length, { timeout: 30_000 }).toBeGreaterThan(before);
  }
  return printed.map((line) => line.split(' ')[0] ?? '');
}

test('ONNX export: converted in the page, checked in onnxruntime-web against the studio, downloaded, and its README snippet run in Chromium', async ({ page, context }) => {
  await trainSmallHymenoptera(page);
  const panel = page.getByTestId('export-panel');
  await panel.getByTestId('export-format-onnx').check();
  await expect(panel.getByTestId('onnx-size')).toHaveText(/\d+(\.\d+)? (MB|kB)/, { timeout: 60_000 });
  await expect(panel.getByTestId('onnx-parity')).toHaveAttribute('data-status', 'done', { timeout: 180_000 });

  // The panel's figures: every validation image, the same top class as the studio, probabilities within 1e-4.
  const compared = await numberOf(page, 'data-compared');
  expect(compared).toBe(153);
  expect(await numberOf(page, 'data-agreeing')).toBe(compared);
  expect(await numberOf(page, 'data-max-difference')).toBeLessThanOrEqual(1e-4);
  const fileAccuracy = (await numberOf(page, 'data-file-correct')) / (await numberOf(page, 'data-labelled'));
  expect(await numberOf(page, 'data-file-correct')).toBe(await numberOf(page, 'data-studio-correct'));
  await expect(panel.getByTestId('onnx-agreement')).toHaveText('100.0%');
  console.log(`ONNX parity in the panel: ${await panel.getByTestId('onnx-parity').textContent()}`);
  // The ONNX panel passes the WCAG 2.1 A and AA rules, as every step does (e2e/a11y/axe.spec.ts).
  const axe = await new AxeBuilder({ page }).include('[data-testid="export-panel"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  const download = page.waitForEvent('download');
  await panel.getByTestId('onnx-download').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('hymenoptera-onnx.zip');
  const entries = unzipSync(new Uint8Array(await readFile(await file.path())));
  expect(Object.keys(entries).sort()).toEqual(['README.md', 'labels.txt', 'model.onnx']);
  expect(new TextDecoder().decode(entries['labels.txt'])).toBe('ants\nbees\n');
  const shown = await panel.getByTestId('onnx-size').textContent();
  expect(Math.abs((entries['model.onnx']?.length ?? 0) / 1e6 - Number(/([\d.]+) MB/.exec(shown ?? '')?.[1] ?? NaN))).toBeLessThan(0.01);

  // The downloaded file in a page of its own, as its README tells a user to run it: the accuracy the panel showed.
  const photos = CLASSES.flatMap((c) => readdirSync(path.join(VAL, c)).filter((f) => f.endsWith('.jpg')).sort().map((f) => `${c}/${f}`));
  const own = await context.newPage();
  const labels = await runReadmeSnippet(own, entries, photos);
  const correct = labels.filter((label, i) => photos[i]?.startsWith(`${label}/`)).length;
  console.log(`README snippet on the downloaded model.onnx: ${correct} / ${photos.length} validation photos right (${(100 * correct / photos.length).toFixed(1)}%), the panel's check ${(100 * fileAccuracy).toFixed(1)}%`);
  // The snippet draws photos with the canvas, the studio with its own decoder: a photo or two may differ.
  expect(Math.abs(correct / photos.length - fileAccuracy)).toBeLessThanOrEqual(0.02);
});
