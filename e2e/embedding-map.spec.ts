import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { parseCsv } from '../src/engine/testing/parseCsv';
import { watchLongTasks } from './support/longTasks';
import { datasetPath } from './support/paths';
import { waitSaved } from './support/projectHelpers';

/**
 * Waits until the page has run no long task for a second: the results' own drawing (thumbnails, galleries)
 * after the run is over, so that what is measured next is the map's.
 */
async function waitQuiet(page: Page): Promise<void> {
  await page.evaluate(async () => {
    let last = performance.now();
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) last = Math.max(last, entry.startTime + entry.duration);
    }).observe({ type: 'longtask', buffered: true });
    while (performance.now() - last < 1000) await new Promise((resolve) => setTimeout(resolve, 100));
  });
}

const countOf = async (page: Page, split: string, cls: string): Promise<number> => {
  const cell = page.getByTestId(`count-${split}-${cls}`);
  return (await cell.count()) > 0 ? Number(await cell.textContent()) : 0;
};

/**
 * Issue 21, the embedding map: after a run on rps (2,347 images) the map is laid out in a worker without a
 * main-thread task over 50 ms, its points follow the classes, hovering shows the image, and a lasso picks the
 * images inside it, which are relabelled in one click, then moved to another split; the class table follows.
 */
test('rps: the embedding map lays out 2,347 images off the main thread, and a lasso relabels what it encloses', async ({ page }, testInfo) => {
  test.setTimeout(8 * 60_000);
  await page.goto('/');
  await page.getByLabel('Choose folder').setInputFiles(datasetPath('rps'));
  await expect(page.getByTestId('scan-done')).toBeVisible({ timeout: 120_000 });
  await page.getByLabel('Backbone').selectOption('mobilenet_v1_0.25_224');
  await page.getByLabel('Epochs', { exact: true }).fill('3');
  await page.getByText('Training options').click();
  await page.getByLabel('Augmented views per image').fill('0');
  await page.getByText('Training options').click();
  await page.getByRole('button', { name: 'Train', exact: true }).click();
  await expect(page.getByTestId('results')).toBeVisible({ timeout: 300_000 });

  // The finished run is saved first (its own work on the page, measured elsewhere), then the map is asked for.
  await waitSaved(page);
  const map = page.getByTestId('embedding-map');
  const draw = map.getByRole('button', { name: 'Draw the map of 2347 images' });
  // Scrolled to first, as a person would: the thumbnails that scrolling brings in are drawn before the click.
  await draw.scrollIntoViewIfNeeded();
  await waitQuiet(page);
  const watch = await watchLongTasks(page, 'map-canvas');
  await draw.click();
  const canvas = map.getByTestId('map-canvas');
  await expect(canvas).toBeVisible({ timeout: 180_000 });
  const { tasks, pageWork, msUntil: msToMap } = await watch.read();
  console.log(
    `map of 2347 rps images: ${(msToMap / 1000).toFixed(1)} s; while it was computed the page's code held the main thread for at most ` +
      `${Math.max(0, ...pageWork).toFixed(0)} ms (long tasks of any kind: ${tasks.length}, longest ${Math.max(0, ...tasks).toFixed(0)} ms)`,
  );
  // Chromium 150 runs one 80-330 ms native task about 80 ms after the click here (no script in it, no blocking time in its
  // frame; a CPU profile puts it in "(program)"), at f93bfee as now: what is checked is the page's own work.
  expect(Math.max(0, ...pageWork)).toBeLessThanOrEqual(50);
  await expect(canvas).toHaveAttribute('data-points', '2347');

  // The layout as a file: one row per image, inside [0, 1]; on the map most images' nearest neighbour shares their class.
  const downloadPromise = page.waitForEvent('download');
  await map.getByRole('button', { name: 'Download embedding-map.csv' }).click();
  const rows = parseCsv(await readFile(await (await downloadPromise).path(), 'utf8')).slice(1);
  expect(rows).toHaveLength(2347);
  const points = rows.map(([file, x, y, cls, split]) => ({ file: file ?? '', x: Number(x), y: Number(y), cls: cls ?? '', split: split ?? '' }));
  expect(points.every((p) => p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1)).toBe(true);
  let sameClass = 0;
  for (const p of points) {
    let best = points[0];
    let bestD = Infinity;
    for (const q of points) {
      const d = (p.x - q.x) ** 2 + (p.y - q.y) ** 2;
      if (q !== p && d < bestD) [best, bestD] = [q, d];
    }
    if (best?.cls === p.cls) sameClass++;
  }
  console.log(`map: nearest neighbour of the same class for ${((sameClass / points.length) * 100).toFixed(1)}% of images`);
  expect(sameClass / points.length).toBeGreaterThan(0.7);

  // Where a point is drawn: the canvas's padding and size (on screen).
  await canvas.scrollIntoViewIfNeeded();
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const box = await canvas.boundingBox();
  if (!box) throw new Error('no canvas box');
  const pad = Number(await canvas.getAttribute('data-pad'));
  const toPage = (p: { x: number; y: number }): [number, number] => [box.x + pad + p.x * (box.width - 2 * pad), box.y + pad + p.y * (box.width - 2 * pad)];

  // Hover: the image under the pointer.
  const probe = points[100] as (typeof points)[number];
  await page.mouse.move(...toPage(probe));
  await expect(map.getByTestId('map-tooltip')).toBeVisible();

  // A lasso: a square around the middle of the rock images, drawn with the mouse.
  const rocks = points.filter((p) => p.cls === 'rock').sort((a, b) => a.x - b.x);
  const centre = toPage(rocks[Math.floor(rocks.length / 2)] as (typeof points)[number]);
  const half = 40;
  const corners: [number, number][] = [[centre[0] - half, centre[1] - half], [centre[0] + half, centre[1] - half], [centre[0] + half, centre[1] + half], [centre[0] - half, centre[1] + half]];
  const inside = points.filter((p) => {
    const [x, y] = toPage(p);
    return Math.abs(x - centre[0]) < half - 1 && Math.abs(y - centre[1]) < half - 1;
  });
  const edge = points.filter((p) => {
    const [x, y] = toPage(p);
    return Math.abs(x - centre[0]) <= half + 1 && Math.abs(y - centre[1]) <= half + 1;
  });
  /** The square again, wherever the canvas is on screen now (what is above it may have grown). */
  const drawLasso = async (): Promise<void> => {
    await canvas.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    const now = await canvas.boundingBox();
    if (!now) throw new Error('no canvas box');
    const [dx, dy] = [now.x - box.x, now.y - box.y];
    const moved = corners.map(([x, y]): [number, number] => [x + dx, y + dy]);
    await page.mouse.move(...moved[0]!);
    await page.mouse.down();
    for (const corner of [...moved.slice(1), moved[0]!]) await page.mouse.move(...corner, { steps: 10 });
    await page.mouse.up();
  };
  await drawLasso();
  const summary = map.getByTestId('map-selection-summary');
  await expect(summary).toContainText('selected');
  const selected = Number((await summary.textContent())?.match(/^(\d+) selected/)?.[1]);
  expect(selected).toBeGreaterThanOrEqual(inside.length);
  expect(selected).toBeLessThanOrEqual(edge.length);
  expect(selected).toBeGreaterThan(0);
  const shot = testInfo.outputPath('embedding-map.png');
  await map.screenshot({ path: shot });
  if (process.env.UPDATE_SCREENSHOTS === '1') await copyFile(shot, path.resolve(import.meta.dirname, 'screenshots', 'embedding-map.png'));
  console.log(`lasso: ${selected} images selected (${inside.length} strictly inside, ${edge.length} with the edge): ${await summary.textContent()}`);

  // Relabel them all as paper: the class table moves them.
  const splits = ['train', 'val', 'test'];
  const total = async (cls: string): Promise<number> => (await Promise.all(splits.map((s) => countOf(page, s, cls)))).reduce((a, b) => a + b, 0);
  const before = { paper: await total('paper'), rock: await total('rock'), scissors: await total('scissors') };
  const perClass: Record<string, number> = {};
  for (const match of ((await summary.textContent()) ?? '').matchAll(/(\d+) (paper|rock|scissors)/g)) perClass[match[2] ?? ''] = Number(match[1]);
  expect(Object.values(perClass).reduce((a, b) => a + b, 0)).toBe(selected);
  await map.getByLabel('Class for the selected images').selectOption('paper');
  await map.getByRole('button', { name: `Relabel ${selected}` }).click();
  await expect(map.getByTestId('map-selection')).toBeHidden();
  await expect.poll(() => total('paper')).toBe(before.paper + selected - (perClass.paper ?? 0));
  expect(await total('rock')).toBe(before.rock - (perClass.rock ?? 0));
  expect(await total('scissors')).toBe(before.scissors - (perClass.scissors ?? 0));

  // The same lasso again, and the images it encloses moved to the validation split.
  await drawLasso();
  await expect(summary).toContainText(`${selected} selected: ${selected} paper (`);
  const perSplit: Record<string, number> = {};
  for (const match of ((await summary.textContent()) ?? '').matchAll(/(\d+) (train|val|test)\b/g)) perSplit[match[2] ?? ''] = Number(match[1]);
  expect(Object.values(perSplit).reduce((a, b) => a + b, 0)).toBe(selected);
  const splitTotal = async (split: string): Promise<number> => Number(await page.getByTestId(`total-${split}`).textContent());
  const splitsBefore = Object.fromEntries(await Promise.all(splits.map(async (s) => [s, await splitTotal(s)] as const)));
  await map.getByLabel('Split for the selected images').selectOption('val');
  await map.getByRole('button', { name: `Move ${selected}` }).click();
  await expect.poll(() => splitTotal('val')).toBe((splitsBefore.val ?? 0) + selected - (perSplit.val ?? 0));
  expect(await splitTotal('train')).toBe((splitsBefore.train ?? 0) - (perSplit.train ?? 0));
  expect(await splitTotal('test')).toBe((splitsBefore.test ?? 0) - (perSplit.test ?? 0));
});
