import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { trainSmallHymenoptera } from '../support/predictTrain';

const SCREENSHOTS_DIR = path.resolve(import.meta.dirname, '..', 'screenshots');
const WIDTHS = [390, 1280, 1920] as const;

/** Elements wider than the page or reaching past its right edge (nothing may overflow sideways). */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    if (document.documentElement.scrollWidth > width) out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    for (const el of document.querySelectorAll<HTMLElement>('main *')) {
      const box = el.getBoundingClientRect();
      // Inside a scrolling box (a table that scrolls, a gallery) is allowed: that box is what must fit.
      let scroller = el.parentElement;
      let insideScroll = false;
      while (scroller && scroller.tagName !== 'MAIN') {
        const o = getComputedStyle(scroller).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') insideScroll = true;
        scroller = scroller.parentElement;
      }
      if (!insideScroll && box.width > 0 && box.right > width + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)} px`);
    }
    return out.slice(0, 10);
  });
}

/**
 * Issue 24: the studio from 390 px (a phone) to 1920 px wide: after a run, nothing overflows sideways at any
 * width, and the page is screenshotted at each (into e2e/screenshots/ with UPDATE_SCREENSHOTS=1).
 */
test('any screen: 390, 1280 and 1920 px wide, nothing overflows, screenshots of each', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  await trainSmallHymenoptera(page);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 1000 });
    await page.getByTestId('results').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    expect(await overflowing(page), `at ${width} px`).toEqual([]);
    const name = `studio-${width}.png`;
    await page.screenshot({ path: testInfo.outputPath(name) });
    if (process.env.UPDATE_SCREENSHOTS === '1') {
      await mkdir(SCREENSHOTS_DIR, { recursive: true });
      await copyFile(testInfo.outputPath(name), path.join(SCREENSHOTS_DIR, name));
    }
  }
});
