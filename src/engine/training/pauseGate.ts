/**
 * Pause and resume for a long loop: the loop awaits `wait()` between steps; `pause()` makes that promise
 * hold until `resume()`. Plain TypeScript (Worker, page and Node alike).
 */

/** A gate a loop passes through between steps. */
export interface PauseGate {
  readonly paused: boolean;
  /** Holds the next `wait()` calls until `resume()`; returns false when already paused. */
  pause(): boolean;
  /** Lets waiting and later `wait()` calls through; returns false when not paused. */
  resume(): boolean;
  /** Resolves at once when not paused, else when resumed (or when `signal` aborts, so a stop still works). */
  wait(signal?: AbortSignal): Promise<void>;
}

export function createPauseGate(): PauseGate {
  let release: (() => void) | null = null;
  let gate: Promise<void> | null = null;
  return {
    get paused() {
      return gate !== null;
    },
    pause() {
      if (gate) return false;
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      return true;
    },
    resume() {
      if (!gate) return false;
      release?.();
      gate = null;
      release = null;
      return true;
    },
    wait(signal) {
      if (!gate || signal?.aborted) return Promise.resolve();
      const held = gate;
      return new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        void held.then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    },
  };
}
