/**
 * `npm run bench` (ingest part): a generated folder of 10,000 JPEGs (10 classes, 96x96, each image
 * different) chosen through the folder input of the built studio; prints ingest images per second (listing,
 * then decode + hash + thumbnail of every image in the worker pool) and the tab's peak JS heap while it ran.
 * `BENCH_INGEST_IMAGES` changes the count.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import jpeg from 'jpeg-js';

const IMAGES = Number(process.env.BENCH_INGEST_IMAGES ?? 10_000);
const CLASSES = 10;
const SIZE_PX = 96;

/** Writes `IMAGES` distinct JPEGs under `<root>/generated/class-<k>/`; returns the dataset folder. */
function generateFolder(root: string): string {
  const folder = join(root, 'generated');
  for (let i = 0; i < IMAGES; i++) {
    const k = i % CLASSES;
    const dir = join(folder, `class-${k}`);
    if (i < CLASSES) mkdirSync(dir, { recursive: true });
    const data = Buffer.alloc(SIZE_PX * SIZE_PX * 4);
    for (let p = 0; p < SIZE_PX * SIZE_PX; p++) {
      const x = p % SIZE_PX;
      const y = Math.floor(p / SIZE_PX);
      // A class colour, a gradient and a per-image stripe pattern: no two files alike.
      data[p * 4] = (k * 25 + x) & 255;
      data[p * 4 + 1] = (y * 2 + ((x * (i + 1)) % 64)) & 255;
      data[p * 4 + 2] = ((i * 7 + x + y) % 255) & 255;
      data[p * 4 + 3] = 255;
    }
    writeFileSync(join(dir, `img-${i}.jpg`), jpeg.encode({ data, width: SIZE_PX, height: SIZE_PX }, 80).data);
  }
  return folder;
}

test(`ingest ${IMAGES} generated images`, async ({ page }) => {
  test.setTimeout(30 * 60_000);
  const root = mkdtempSync(join(tmpdir(), 'fts-ingest-'));
  try {
    const startGen = Date.now();
    const folder = generateFolder(root);
    console.log(`generated ${IMAGES} JPEGs in ${((Date.now() - startGen) / 1000).toFixed(1)} s`);
    await page.goto('/');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    let peakHeap = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { metrics } = await cdp.send('Performance.getMetrics');
        const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
        peakHeap = Math.max(peakHeap, heap);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    const startMs = Date.now();
    await page.getByLabel('Choose folder').setInputFiles(folder);
    await page.getByTestId('scan-done').waitFor({ timeout: 25 * 60_000 });
    const seconds = (Date.now() - startMs) / 1000;
    sampling = false;
    await sampler;
    const total = await page.getByTestId('total-train').textContent();
    console.log(
      `\n| images | ingest s (list + decode + hash + thumbnail) | images/s | peak JS heap of the tab |\n|---|---|---|---|\n` +
        `| ${IMAGES} (train shown: ${total}) | ${seconds.toFixed(1)} | ${(IMAGES / seconds).toFixed(0)} | ${(peakHeap / 2 ** 20).toFixed(0)} MB |`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
