import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { unzipSync, zipSync } from 'fflate';
import type { StudioReport } from '../src/engine/evaluation';
import { SHARED_DIR, datasetPath } from './support/paths';

const TM_EXPORT = path.join(SHARED_DIR, 'models', 'teachable-machine-export');
const NODE_MODULES = path.resolve(import.meta.dirname, '../node_modules');

/** `1.02 MB` / `518.72 kB` as shown (powers of 1000) -> bytes (approximately). */
const shownBytes = (text: string): number => {
  const match = /([\d.]+) (MB|kB)/.exec(text);
  if (!match) throw new Error(`no size in "${text}"`);
  return Number(match[1]) * (match[2] === 'MB' ? 1e6 : 1e3);
};

/** Downloads the export with the weight type chosen; returns the file name and the zip's entries. */
async function downloadExport(page: Page): Promise<{ name: string; bytes: Buffer; entries: Record<string, Uint8Array> }> {
  const download = page.waitForEvent('download');
  await page.getByTestId('export-download').click();
  const file = await download;
  const bytes = await readFile(await file.path());
  return { name: file.suggestedFilename(), bytes, entries: unzipSync(new Uint8Array(bytes)) };
}

const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

/**
 * Loads an export in a blank page with Teachable Machine's own library (its browser bundle over tfjs's) by
 * `tmImage.loadFromFiles`, as its "upload a model" path does, and returns its top class for each photo
 * (`model.predict(img)`: its own crop, resize and scaling).
 */
async function teachableMachineTopClasses(page: Page, entries: Record<string, Uint8Array>, photos: readonly string[]): Promise<string[]> {
  await page.goto('about:blank');
  await page.addScriptTag({ path: path.join(NODE_MODULES, '@tensorflow/tfjs/dist/tf.min.js') });
  await page.addScriptTag({ path: path.join(NODE_MODULES, '@teachablemachine/image/dist/teachablemachine-image.min.js') });
  const files = Object.fromEntries(['model.json', 'weights.bin', 'metadata.json'].map((n) => [n, Buffer.from(entries[n] ?? []).toString('base64')]));
  const images = await Promise.all(photos.map(async (p) => (await readFile(path.join(datasetPath('hymenoptera'), p))).toString('base64')));
  return page.evaluate(
    async ({ files, images }) => {
      const w = window as unknown as {
        tf: { setBackend(name: string): Promise<boolean> };
        tmImage: { loadFromFiles(model: File, weights: File, metadata: File): Promise<{ predict(image: HTMLImageElement): Promise<{ className: string; probability: number }[]> }> };
      };
      await w.tf.setBackend('cpu');
      const file = (name: string, type: string): File => new File([Uint8Array.from(atob(files[name] ?? ''), (c) => c.charCodeAt(0))], name, { type });
      const model = await w.tmImage.loadFromFiles(file('model.json', 'application/json'), file('weights.bin', 'application/octet-stream'), file('metadata.json', 'application/json'));
      const tops: string[] = [];
      for (const base64 of images) {
        const image = new Image();
        image.src = `data:image/jpeg;base64,${base64}`;
        await image.decode();
        const scores = await model.predict(image);
        tops.push(scores.reduce((a, b) => (b.probability > a.probability ? b : a)).className);
      }
      return tops;
    },
    { files, images },
  );
}

test('exports a trained model as a zip (uint8 with its accuracy; float32 read by Teachable Machine\'s library), opens it again, opens a Teachable Machine export, rejects a broken one', async ({ page, context }) => {
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('hymenoptera'));
  await expect(page.getByTestId('total-train')).toHaveText('245');
  // Short: the smallest backbone, 3 epochs, no augmented views.
  await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
  await page.getByLabel('Epochs', { exact: true }).fill('3');
  await page.getByText('Training options').click();
  await page.getByRole('group', { name: /Augmentation/ }).getByLabel('Augmented views per image').fill('0');
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('confusion-val')).toBeVisible({ timeout: 240_000 });

  const panel = page.getByTestId('export-panel');
  await expect(panel.getByTestId('active-labels')).toHaveText('ants, bees');
  // Sizes of all three weight types before any download.
  for (const d of ['float32', 'float16', 'uint8']) await expect(panel.getByTestId(`export-size-${d}`)).toHaveText(/\d+(\.\d+)? (MB|kB)/);
  const sizeOf = async (d: string): Promise<number> => shownBytes((await panel.getByTestId(`export-size-${d}`).textContent()) ?? '');
  const sizes = { float32: await sizeOf('float32'), float16: await sizeOf('float16'), uint8: await sizeOf('uint8') };
  expect(sizes.float16 / sizes.float32).toBeGreaterThan(0.45);
  expect(sizes.float16 / sizes.float32).toBeLessThan(0.55);
  expect(sizes.uint8 / sizes.float32).toBeLessThan(0.35);

  // uint8: its validation accuracy beside float32's, measured by classifying the 153 validation photos.
  await panel.getByTestId('export-dtype-uint8').check();
  for (const d of ['float32', 'uint8']) {
    await expect(panel.getByTestId(`export-accuracy-${d}`)).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  }
  const accuracyOf = async (d: string): Promise<number> => {
    const shown = (await panel.getByTestId(`export-accuracy-${d}`).textContent()) ?? '';
    expect(shown).toMatch(/^[\d.]+% \(\d+ \/ 153\)$/);
    return Number(/^([\d.]+)%/.exec(shown)?.[1]);
  };
  const floatAccuracy = await accuracyOf('float32');
  const uint8Accuracy = await accuracyOf('uint8');
  expect(floatAccuracy).toBeGreaterThan(60);
  expect(Math.abs(uint8Accuracy - floatAccuracy)).toBeLessThan(6);

  const uint8 = await downloadExport(page);
  expect(uint8.name).toBe('hymenoptera-uint8.zip');
  expect(Object.keys(uint8.entries).sort()).toEqual(['README.md', 'metadata.json', 'model.json', 'predictions.csv', 'report.json', 'weights.bin']);
  expect(Math.abs(uint8.bytes.length - sizes.uint8) / sizes.uint8).toBeLessThan(0.01);
  const metadata = JSON.parse(text(uint8.entries['metadata.json'])) as { labels: string[]; imageSize: number; userMetadata: { fineTuneStudio: { weightDtype: string } } };
  expect(metadata.labels).toEqual(['ants', 'bees']);
  expect(metadata.imageSize).toBe(224);
  expect(metadata.userMetadata.fineTuneStudio.weightDtype).toBe('uint8');
  const modelJson = JSON.parse(text(uint8.entries['model.json'])) as { weightsManifest: { paths: string[]; weights: { quantization?: { dtype: string } }[] }[] };
  expect(modelJson.weightsManifest[0]?.paths).toEqual(['weights.bin']);
  expect(modelJson.weightsManifest[0]?.weights.some((w) => w.quantization?.dtype === 'uint8')).toBe(true);
  expect(text(uint8.entries['README.md'])).toContain('tmImage.load(');
  const report = JSON.parse(text(uint8.entries['report.json'])) as StudioReport;
  expect(report.classes).toEqual(['ants', 'bees']);
  expect(text(uint8.entries['predictions.csv']).split('\r\n')[0]).toBe('file,true_class,predicted_class,confidence,split');

  // float32: Teachable Machine's library picks the studio's class for confidently classified photos.
  await panel.getByTestId('export-dtype-float32').check();
  const float32 = await downloadExport(page);
  expect(float32.name).toBe('hymenoptera-float32.zip');
  const confident = report.predictions.filter((p) => p.confidence >= 0.8).slice(0, 12);
  expect(confident.length).toBeGreaterThanOrEqual(8);
  const tmPage = await context.newPage();
  const tops = await teachableMachineTopClasses(tmPage, float32.entries, confident.map((p) => p.file));
  expect(tops).toEqual(confident.map((p) => p.predictedClass));
  await tmPage.close();
  console.log(
    `export sizes (MobileNet v1 0.25 + head): ${Object.entries(sizes).map(([d, b]) => `${d} ${(b / 1024).toFixed(0)} KB`).join(', ')}; ` +
      `validation accuracy float32 ${floatAccuracy}%, uint8 ${uint8Accuracy}%; Teachable Machine's library agreed on ${tops.length} photos`,
  );

  // A fresh page and a new project (a reload alone brings the trained model back with its project): the
  // downloaded zip opens, ready to classify.
  await page.reload();
  await page.getByRole('button', { name: 'New project' }).click();
  await expect(page.getByLabel('Project name')).toHaveValue('Untitled project');
  await expect(page.getByTestId('active-model-none')).toBeVisible();
  await page.getByTestId('import-model').setInputFiles({ name: uint8.name, mimeType: 'application/zip', buffer: uint8.bytes });
  await expect(page.getByTestId('import-status')).toContainText('Opened hymenoptera (studio export, uint8 weights): 2 classes');
  await expect(page.getByTestId('active-labels')).toHaveText('ants, bees');
  await expect(page.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });

  // Teachable Machine's export, as a folder.
  await page.getByTestId('import-model-folder').setInputFiles(TM_EXPORT);
  await expect(page.getByTestId('import-status')).toContainText('Opened teachable-machine-export (Teachable Machine export, float32 weights): 2 classes');
  await expect(page.getByTestId('active-labels')).toHaveText('Ángel, Móvil');
  await expect(page.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });

  // A zip without its weights, and a file that is not a zip: each says what is wrong; the open model stays.
  const { 'weights.bin': _weights, ...rest } = uint8.entries;
  await page.getByTestId('import-model').setInputFiles({ name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync(rest)) });
  await expect(page.getByTestId('import-error')).toHaveText(
    'This model cannot be opened: The weights file "weights.bin" that model.json names is missing: give it with model.json (an export\'s zip holds both)',
  );
  await page.getByTestId('import-model').setInputFiles({ name: 'notes.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip at all') });
  await expect(page.getByTestId('import-error')).toContainText('notes.zip could not be read as a zip archive');
  await expect(page.getByTestId('active-labels')).toHaveText('Ángel, Móvil');
});
