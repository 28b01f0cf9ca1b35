import { useEffect, useRef, useState } from 'react';

/**
 * `value`, changed at most once every `ms` milliseconds: a change within `ms` of the last one shows when
 * that time is up (the latest value then). With `ms` 0 it is `value` itself. For views that are costly to
 * redraw and fed many times a second, such as the live training charts.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastMs = useRef(0);
  useEffect(() => {
    if (ms <= 0 || Object.is(value, shown)) return undefined;
    const wait = lastMs.current + ms - performance.now();
    if (wait <= 0) {
      lastMs.current = performance.now();
      setShown(value);
      return undefined;
    }
    const timer = setTimeout(() => {
      lastMs.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, ms]);
  return ms <= 0 ? value : shown;
}
