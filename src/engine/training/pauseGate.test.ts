import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPauseGate } from './pauseGate';

// A fake clock: `settled` runs every pending timer and promise callback without waiting on the wall clock.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Whether `p` has resolved once everything already scheduled has run. */
const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await vi.runAllTimersAsync();
  return done;
};

describe('createPauseGate', () => {
  it('lets a loop through until paused, holds it while paused, and releases it on resume', async () => {
    const gate = createPauseGate();
    expect(await settled(gate.wait())).toBe(true);
    expect(gate.pause()).toBe(true);
    expect(gate.pause()).toBe(false);
    expect(gate.paused).toBe(true);
    const held = gate.wait();
    expect(await settled(held)).toBe(false);
    expect(gate.resume()).toBe(true);
    expect(await settled(held)).toBe(true);
    expect(gate.resume()).toBe(false);
    expect(gate.paused).toBe(false);
  });

  it('releases a paused wait when the run is stopped', async () => {
    const gate = createPauseGate();
    const controller = new AbortController();
    gate.pause();
    const held = gate.wait(controller.signal);
    expect(await settled(held)).toBe(false);
    controller.abort();
    expect(await settled(held)).toBe(true);
    expect(await settled(gate.wait(controller.signal))).toBe(true);
  });
});
