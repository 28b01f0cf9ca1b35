import type { Page } from '@playwright/test';

interface LongTask {
  readonly startTime: number;
  readonly duration: number;
}

/** What a Long Animation Frame entry says of the page's own work. */
interface LongFrame {
  readonly startTime: number;
  readonly duration: number;
  /** Of the frame's tasks over 50 ms, the time past 50 ms, summed (0: nothing held input up). */
  readonly blockingDuration: number;
  /** The longest script the frame ran (its callbacks, event listeners, promise reactions), ms. */
  readonly longestScriptMs: number;
}

/**
 * Records main-thread long tasks and long animation frames from now on, and the moment the element with
 * `data-testid=testId` is added to the page (inside the task that draws it). `read()` returns what ended
 * before that moment, the work under way while it was awaited (not its own drawing), and the time from now
 * to it:
 * - `tasks`: every long task (ms), the browser's own native work included;
 * - `pageWork`: per long animation frame, the longest of its scripts, or its longest blocking task (blocking
 *   time + 50 ms): what the page's code held the main thread for. A long task with no script in it and no
 *   blocking time in its frame (the browser's own work) is not counted there.
 */
export async function watchLongTasks(page: Page, testId: string): Promise<{ read(): Promise<{ tasks: number[]; pageWork: number[]; msUntil: number }> }> {
  await page.evaluate((id) => {
    const w = window as unknown as { longTasks: LongTask[]; longFrames: LongFrame[]; arrivedAtMs: number | null; watchFromMs: number };
    w.longTasks = [];
    w.longFrames = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as unknown as (LongFrame & { scripts: { duration: number }[] })[]) {
        const longestScriptMs = Math.max(0, ...entry.scripts.map((script) => script.duration));
        w.longFrames.push({ startTime: entry.startTime, duration: entry.duration, blockingDuration: entry.blockingDuration, longestScriptMs });
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
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
        const w = window as unknown as { longTasks: LongTask[]; longFrames: LongFrame[]; arrivedAtMs: number | null; watchFromMs: number };
        const end = w.arrivedAtMs ?? Infinity;
        const pageWork = w.longFrames
          .filter((f) => f.startTime + f.duration < end)
          .map((f) => Math.max(f.longestScriptMs, f.blockingDuration > 0 ? f.blockingDuration + 50 : 0))
          .filter((ms) => ms > 0);
        return { tasks: w.longTasks.filter((t) => t.startTime + t.duration < end).map((t) => t.duration), pageWork, msUntil: end - w.watchFromMs };
      }),
  };
}
