import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { createRng } from '../src/core/rng';
import { datasetPath } from './support/paths';
import { trainAndReport } from './support/predictTrain';

const CLASSES = ['paper', 'rock', 'scissors'];
const PER_CLASS = 15;
const POOL = 300;
const ADDED = 20;

/**
 * A small rps: `PER_CLASS` training photos per class and the whole test split, drawn by a seed; a pool of
 * `POOL` other training photos as loose files (their names start with their class, which the model never
 * sees); and the same small rps with `ADDED` random pool photos added to training, for comparison.
 */
function smallRps(seed: number) {
  const temp = mkdtempSync(path.join(tmpdir(), 'studio-label-first-'));
  const rng = createRng(seed);
  const source = datasetPath('rps');
  const training = CLASSES.flatMap((cls) => readdirSync(path.join(source, 'training', cls)).sort().map((name) => ({ cls, name })));
  const byClass = CLASSES.map((cls) => rng.shuffle(training.filter((t) => t.cls === cls)));
  const chosen = byClass.flatMap((list) => list.slice(0, PER_CLASS));
  const pool = rng.shuffle(byClass.flatMap((list) => list.slice(PER_CLASS))).slice(0, POOL);
  const write = (root: string, extra: typeof chosen): void => {
    for (const { cls, name } of [...chosen, ...extra]) {
      mkdirSync(path.join(root, 'training', cls), { recursive: true });
      copyFileSync(path.join(source, 'training', cls, name), path.join(root, 'training', cls, name));
    }
    for (const cls of CLASSES) {
      mkdirSync(path.join(root, 'testing', cls), { recursive: true });
      for (const name of readdirSync(path.join(source, 'testing', cls))) copyFileSync(path.join(source, 'testing', cls, name), path.join(root, 'testing', cls, name));
    }
  };
  const folder = path.join(temp, 'rps-small');
  write(folder, []);
  const withRandom = path.join(temp, 'rps-small-random');
  write(withRandom, pool.slice(0, ADDED));
  const poolDir = path.join(temp, 'pool');
  mkdirSync(poolDir);
  for (const { cls, name } of pool) copyFileSync(path.join(source, 'training', cls, name), path.join(poolDir, name));
  return { folder, withRandom, poolDir, remove: () => rmSync(temp, { recursive: true, force: true }) };
}

interface ReportJson {
  evaluation: { accuracy: number };
  counts: Record<string, Record<string, number>>;
}

const train = async (page: Page, folder?: string): Promise<{ accuracy: number; counts: ReportJson['counts'] }> => {
  const report = await trainAndReport<ReportJson>(page, { backbone: 'mobilenet_v1_0.25_224', epochs: 10, folder });
  return { accuracy: report.evaluation.accuracy, counts: report.counts };
};

/**
 * Issue 21, the images the model most needs: after a run on a small rps, 300 unlabelled photos are
 * classified; the 20 the model is least sure of are offered first, labelled in the panel (here with their
 * true class), added as training images, and used by the next run. The accuracy gained is printed beside
 * that of 20 random photos added instead.
 */
test('the 20 images the model is least sure of are offered first, labelled, and trained on', async ({ page }) => {
  test.setTimeout(10 * 60_000);
  const data = smallRps(5);
  try {
    await page.goto('/');
    const before = await train(page, data.folder);
    // The studio draws a validation split from the training photos (rps has none of its own).
    const labelled = (counts: ReportJson['counts']) => Object.fromEntries(CLASSES.map((c) => [c, (counts.train?.[c] ?? 0) + (counts.val?.[c] ?? 0)]));
    expect(labelled(before.counts)).toEqual({ paper: PER_CLASS, rock: PER_CLASS, scissors: PER_CLASS });

    const panel = page.getByTestId('predict-panel');
    await expect(panel.getByTestId('predict-backend')).toContainText('Model loaded', { timeout: 60_000 });
    await panel.getByTestId('predict-folder-input').setInputFiles(data.poolDir);
    await expect(panel.getByTestId('predict-grid').getByTestId('predict-top')).toHaveCount(POOL, { timeout: 120_000 });
    const first = panel.getByTestId('label-first');
    const cards = first.getByTestId('thumb');
    await expect(cards).toHaveCount(ADDED);
    // Least sure first: the margins shown never decrease.
    const margins = (await first.locator('.muted', { hasText: /^margin / }).allTextContents()).map((t) => Number(t.replace('margin ', '')));
    expect(margins).toEqual([...margins].sort((a, b) => a - b));
    const files = await cards.getByTestId('thumb-file').allTextContents();
    const truth = files.map((f) => CLASSES.find((c) => f.startsWith(`${c}.`)) ?? '');
    for (const [i, file] of files.entries()) await first.getByLabel(`Class of ${file}`).selectOption(truth[i] ?? '');
    await first.getByRole('button', { name: `Add ${ADDED} labelled images to the training images` }).click();
    await expect(first.getByTestId('label-first-status')).toHaveText(`${ADDED} added: train again to use them.`, { timeout: 60_000 });
    await expect(first.getByTestId('label-first-added')).toHaveCount(ADDED);
    const shownTotal = async (): Promise<number> => Number(await page.getByTestId('total-train').textContent()) + Number(await page.getByTestId('total-val').textContent());
    await expect.poll(shownTotal, { timeout: 60_000 }).toBe(3 * PER_CLASS + ADDED);

    const after = await train(page);
    const added = Object.fromEntries(CLASSES.map((c) => [c, PER_CLASS + truth.filter((t) => t === c).length]));
    expect(labelled(after.counts)).toEqual(added);
    const random = await train(page, data.withRandom);
    console.log(
      `label first (rps, ${3 * PER_CLASS} training photos, v1 0.25, 10 epochs): test accuracy ${before.accuracy.toFixed(4)}; ` +
        `+${ADDED} least sure (margins ${margins[0]?.toFixed(2)}..${margins.at(-1)?.toFixed(2)}, classes ${JSON.stringify(added)}) ${after.accuracy.toFixed(4)}; ` +
        `+${ADDED} random ${random.accuracy.toFixed(4)}`,
    );
  } finally {
    data.remove();
  }
});
