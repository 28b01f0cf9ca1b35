import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import config from '../playwright.config';
import { datasetPath } from './support/paths';
import { trainSmallHymenoptera } from './support/predictTrain';
import { writeY4m } from './support/webcamVideo';

/** The config's browser (Debian's Chromium and its flags) and server: these tests launch their own browsers. */
const BASE_LAUNCH = config.use?.launchOptions ?? {};
const BASE_URL = config.use?.baseURL ?? 'http://localhost:4173';
const BASE_ARGS = BASE_LAUNCH.args ?? [];

/** Photos per class in the fake camera's video, and how long each is shown. */
const PHOTOS_PER_CLASS = 6;
const FPS = 30;
const SECONDS_EACH = 1;
/** The backbone trained first; `WEBCAM_BACKBONE=mobilenet_v2_1.0_224` measures the default one (slower to train). */
const BACKBONE = process.env.WEBCAM_BACKBONE ?? 'mobilenet_v1_0.25_224';

function launch(extraArgs: readonly string[]): Promise<Browser> {
  return chromium.launch({ ...BASE_LAUNCH, args: [...BASE_ARGS, ...extraArgs] });
}

/** Samples the top label every `everyMs` for `forMs`. */
async function sampleLabels(page: Page, forMs: number, everyMs: number): Promise<string[]> {
  const labels: string[] = [];
  const label = page.getByTestId('webcam-top-label');
  for (const endMs = Date.now() + forMs; Date.now() < endMs; ) {
    labels.push((await label.textContent()) ?? '');
    await page.waitForTimeout(everyMs);
  }
  return labels;
}

test('live webcam classification follows the frames; held frames join a class of the dataset', async () => {
  test.setTimeout(8 * 60_000);
  // The fake camera's video: validation photos of ants for the first half, bees for the second (looped).
  const dir = await mkdtemp(path.join(tmpdir(), 'fts-webcam-'));
  const video = path.join(dir, 'ants-then-bees.y4m');
  const photos: string[] = [];
  for (const label of ['ants', 'bees']) {
    const folder = path.join(datasetPath('hymenoptera'), 'val', label);
    photos.push(...(await readdir(folder)).sort().slice(0, PHOTOS_PER_CLASS).map((f) => path.join(folder, f)));
  }
  await writeY4m(video, photos, { sizePx: 224, fps: FPS, framesEach: FPS * SECONDS_EACH });
  const browser = await launch(['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`, '--use-fake-ui-for-media-stream']);
  try {
    const context = await browser.newContext({ baseURL: BASE_URL, permissions: ['camera'] });
    const page = await context.newPage();
    await trainSmallHymenoptera(page, BACKBONE);

    const panel = page.getByTestId('webcam-panel');
    await panel.scrollIntoViewIfNeeded();
    await panel.getByRole('button', { name: 'Start camera' }).click();
    await expect(panel.getByRole('button', { name: 'Stop camera' })).toBeVisible();
    await expect(panel.getByTestId('webcam-top-label')).toHaveText(/^(ants|bees)$/, { timeout: 60_000 });
    await expect(panel.getByLabel('Camera')).toBeVisible();

    // Two loops of the video (12 s each): both classes come up, each for a good part of the time.
    const loopMs = 2 * PHOTOS_PER_CLASS * SECONDS_EACH * 1000;
    const labels = await sampleLabels(page, 2 * loopMs, 200);
    const share = (name: string): number => labels.filter((l) => l === name).length / labels.length;
    const changes = labels.filter((l, i) => i > 0 && l !== labels[i - 1]).length;
    const fps = Number(await panel.getByTestId('webcam-fps').textContent());
    const workerMs = (await panel.locator('.webcam-rate').textContent())?.match(/(\d+) ms/)?.[1];
    console.log(
      `webcam (${BACKBONE}): ${labels.length} samples, ants ${share('ants').toFixed(2)}, bees ${share('bees').toFixed(2)}, ` +
        `${changes} changes; ${fps.toFixed(1)} frames/s classified (camera ${FPS} fps), latest frame ${workerMs ?? '?'} ms in the worker`,
    );
    expect(share('ants')).toBeGreaterThan(0.2);
    expect(share('bees')).toBeGreaterThan(0.2);
    // Not a flicker: the label holds for runs of samples, as the video holds each half for 6 s.
    expect(changes).toBeLessThan(labels.length / 4);
    expect(fps).toBeGreaterThan(0);
    await panel.screenshot({ path: test.info().outputPath('webcam.png') });

    // Hold to record into ants (the default class): frames join the training folder of ants.
    const capture = panel.getByTestId('capture');
    await expect(capture.getByLabel('Class')).toHaveValue('ants');
    const antsBefore = Number(await page.getByTestId('count-train-ants').textContent());
    const button = capture.getByTestId('capture-button');
    await button.hover();
    await page.mouse.down();
    await expect(button).toHaveText(/Recording into "ants"… \d+ frames/);
    await page.waitForTimeout(1000);
    await page.mouse.up();
    const note = capture.getByTestId('capture-note');
    await expect(note).toContainText('added to "ants"', { timeout: 60_000 });
    const added = Number((await note.textContent())?.match(/^(\d+) frames/)?.[1]);
    expect(added).toBeGreaterThanOrEqual(3);
    await expect(note).toContainText('hymenoptera/train/ants/webcam/capture-1.jpg');
    await expect(page.getByTestId('count-train-ants')).toHaveText(String(antsBefore + added));
    await expect(page.getByTestId('scan-done')).toBeVisible();

    // The keyboard does the same: Space held on the button records into the chosen class.
    await capture.getByLabel('Class').selectOption('bees');
    const beesBefore = Number(await page.getByTestId('count-train-bees').textContent());
    await button.focus();
    await page.keyboard.down(' ');
    await page.waitForTimeout(800);
    await page.keyboard.up(' ');
    await expect(note).toContainText('added to "bees"', { timeout: 60_000 });
    const addedBees = Number((await note.textContent())?.match(/^(\d+) frames/)?.[1]);
    expect(addedBees).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('count-train-bees')).toHaveText(String(beesBefore + addedBees));

    // The classifier stays after the dataset changed; Stop releases the camera.
    await expect(panel.getByTestId('webcam-top-label')).toHaveText(/^(ants|bees)$/);
    await panel.getByRole('button', { name: 'Stop camera' }).click();
    await expect(panel.getByRole('button', { name: 'Start camera' })).toBeVisible();
    expect(await panel.getByTestId('webcam-video').evaluate((v: HTMLVideoElement) => v.srcObject)).toBeNull();
    await expect(panel.getByTestId('webcam-top-label')).toHaveCount(0);
    await context.close();
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a denied camera permission, and no camera at all, each show a clear message', async () => {
  // A camera exists, but the permission prompt is refused.
  const denying = await launch(['--use-fake-device-for-media-stream', '--deny-permission-prompts']);
  try {
    const page = await (await denying.newContext({ baseURL: BASE_URL })).newPage();
    await page.goto('/');
    const panel = page.getByTestId('webcam-panel');
    await panel.getByRole('button', { name: 'Start camera' }).click();
    await expect(panel.getByTestId('webcam-error')).toContainText('Camera permission was denied');
    await expect(panel.getByRole('button', { name: 'Start camera' })).toBeEnabled();
    await expect(panel.getByTestId('capture-button')).toBeDisabled();
  } finally {
    await denying.close();
  }
  // Permission given, but this machine has no camera.
  const cameraless = await launch([]);
  try {
    const page = await (await cameraless.newContext({ baseURL: BASE_URL, permissions: ['camera'] })).newPage();
    await page.goto('/');
    const panel = page.getByTestId('webcam-panel');
    await panel.getByRole('button', { name: 'Start camera' }).click();
    await expect(panel.getByTestId('webcam-error')).toContainText('No camera was found');
  } finally {
    await cameraless.close();
  }
});
