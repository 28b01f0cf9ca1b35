import type { Page } from '@playwright/test';

interface LongTask {
  readonly startTime: number;
  readonly duration: number;
}

/**
 * Records main-thread long tasks from now on, and the moment the element with `data-testid=testId` is added to
 * the page (inside the task that draws it). `read()` returns the durations (ms) of the tasks that ended before
 * that moment, and the time from now to it: the work under way while it was awaited, not its own drawing.
 */
export async function watchLongTasks(page: Page, testId: string): Promise<{ read(): Promise<{ tasks: number[]; msUntil: number }> }> {
  await page.evaluate((id) => {
    const w = window as unknown as { longTasks: LongTask[]; arrivedAtMs: number | null; watchFromMs: number };
    w.longTasks = [];
    w.arrivedAtMs = null;
    w.watchFromMs = performance.now();
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push({ startTime: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: false });
    new MutationObserver((_, observer) => {
      if (document.querySelector(`[data-testid="${id}"]`)) {
        w.arrivedAtMs = performance.now();
        observer.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true });
  }, testId);
  return {
    read: () =>
      page.evaluate(() => {
        const w = window as unknown as { longTasks: LongTask[]; arrivedAtMs: number | null; watchFromMs: number };
        const end = w.arrivedAtMs ?? Infinity;
        return { tasks: w.longTasks.filter((t) => t.startTime + t.duration < end).map((t) => t.duration), msUntil: end - w.watchFromMs };
      }),
  };
}
