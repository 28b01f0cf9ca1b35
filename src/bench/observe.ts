/**
 * The page's long tasks while something runs: how long the UI would have been frozen. (Memory is read from
 * outside, through the DevTools protocol: see `e2e/bench/tabMemory.ts`.)
 */

/** Main-thread tasks of 50 ms or more seen between `start` and `stop`. */
export interface LongTasks {
  readonly longestMs: number;
  /** Tasks over 50 ms (the Long Tasks API reports those of 50 ms and more). */
  readonly over50Ms: number;
  readonly totalMs: number;
}

/** Starts recording long tasks; `stop` ends it and sums them up. */
export function watchLongTasks(): { stop(): LongTasks } {
  const durations: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) durations.push(entry.duration);
  });
  observer.observe({ type: 'longtask', buffered: false });
  return {
    stop() {
      for (const entry of observer.takeRecords()) durations.push(entry.duration);
      observer.disconnect();
      return {
        longestMs: durations.length > 0 ? Math.max(...durations) : 0,
        over50Ms: durations.filter((d) => d > 50).length,
        totalMs: durations.reduce((a, b) => a + b, 0),
      };
    },
  };
}
