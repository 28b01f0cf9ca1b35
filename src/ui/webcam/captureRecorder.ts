import { useCallback, useEffect, useRef, useState } from 'react';
import { grabJpeg } from './captureFrames';

/** Frames recorded per second while the button is held. */
export const CAPTURE_FRAMES_PER_SECOND = 5;
/** At most this many frames per hold (a minute at the rate above). */
export const MAX_FRAMES_PER_HOLD = 300;

/**
 * Hold-to-record: `begin` grabs a frame of `video()` at once and then `CAPTURE_FRAMES_PER_SECOND` times a
 * second; `end` stops and hands the JPEG blobs to `onFrames` (once per hold, not when none was grabbed).
 * `frames` counts the frames of the hold under way (null when not recording). Unmounting stops.
 */
export function useHoldToRecord(video: () => HTMLVideoElement | null, onFrames: (frames: Blob[]) => void) {
  const [frames, setFrames] = useState<number | null>(null);
  const hold = useRef<{ timer: ReturnType<typeof setInterval>; grabs: Promise<Blob | null>[] } | null>(null);

  const grab = useCallback(() => {
    const current = hold.current;
    const element = video();
    if (!current || !element || current.grabs.length >= MAX_FRAMES_PER_HOLD) return;
    current.grabs.push(grabJpeg(element));
    setFrames(current.grabs.length);
  }, [video]);

  const begin = useCallback(() => {
    if (hold.current) return;
    hold.current = { timer: setInterval(grab, 1000 / CAPTURE_FRAMES_PER_SECOND), grabs: [] };
    grab();
  }, [grab]);

  const end = useCallback(() => {
    const current = hold.current;
    if (!current) return;
    hold.current = null;
    clearInterval(current.timer);
    setFrames(null);
    void Promise.all(current.grabs).then((blobs) => {
      const kept = blobs.filter((b): b is Blob => b !== null);
      if (kept.length > 0) onFrames(kept);
    });
  }, [onFrames]);

  useEffect(
    () => () => {
      if (hold.current) clearInterval(hold.current.timer);
      hold.current = null;
    },
    [],
  );
  return { frames, begin, end };
}
