import type { ClassScore } from '../../engine/predict';

/** Counts events per second over a sliding window of the last `windowMs` (default 2 s). */
export interface RateMeter {
  /** Records one event at `nowMs`; returns the rate so far (null until two events in the window). */
  tick(nowMs: number): number | null;
}

/** A `RateMeter`: (events in the window - 1) over the time between the first and last of them. */
export function createRateMeter(windowMs = 2000): RateMeter {
  const times: number[] = [];
  return {
    tick(nowMs) {
      times.push(nowMs);
      while (times.length > 0 && (times[0] ?? nowMs) < nowMs - windowMs) times.shift();
      const first = times[0] ?? nowMs;
      const spanMs = nowMs - first;
      return times.length >= 2 && spanMs > 0 ? ((times.length - 1) * 1000) / spanMs : null;
    },
  };
}

/** One answered frame. */
export interface FrameAnswer {
  readonly top: readonly ClassScore[];
  /** Time the prediction worker spent on the frame. */
  readonly workerMs: number;
  /** Frames answered per second, measured over the last 2 s (null for the first). */
  readonly framesPerSecond: number | null;
}

/** The longest wait for a new video frame before the current one is taken anyway (a hidden video may not report frames). */
const MAX_FRAME_WAIT_MS = 250;

/**
 * Watches a playing video for new frames (`requestVideoFrameCallback` where the browser has it), so the
 * loop classifies each camera frame at most once and takes a new one as soon as it is shown.
 */
function watchFrames(video: HTMLVideoElement, signal: AbortSignal): { next(seen: number): Promise<number> } {
  let presented = 0;
  let wake: (() => void) | null = null;
  const hasCallback = typeof video.requestVideoFrameCallback === 'function';
  const onFrame = (): void => {
    presented++;
    wake?.();
    if (!signal.aborted) video.requestVideoFrameCallback(onFrame);
  };
  if (hasCallback) video.requestVideoFrameCallback(onFrame);
  return {
    /** Resolves with the number of the newest frame, once it is newer than `seen` (or after the longest wait). */
    async next(seen) {
      if (!hasCallback) {
        // No frame callbacks: take a frame about every display refresh, yielding to the page in between.
        await new Promise((resolve) => setTimeout(resolve, 16));
        return seen + 1;
      }
      if (presented > seen) return presented;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => done(), MAX_FRAME_WAIT_MS);
        const done = (): void => {
          clearTimeout(timer);
          wake = null;
          resolve();
        };
        wake = done;
      });
      return Math.max(presented, seen + 1);
    },
  };
}

/**
 * Classifies the frames of a playing `video` until `signal` aborts: grabs the newest frame as an
 * `ImageBitmap`, waits for its answer (one frame in flight at a time: frames that arrive meanwhile are
 * skipped, never queued), reports it with the measured rate, and goes on with the next new frame.
 * Rejects with the first classification error; resolves when aborted.
 */
export async function runFrameLoop(
  video: HTMLVideoElement,
  classify: (frame: ImageBitmap) => Promise<{ top: readonly ClassScore[]; ms: number }>,
  onAnswer: (answer: FrameAnswer) => void,
  signal: AbortSignal,
): Promise<void> {
  const frames = watchFrames(video, signal);
  const meter = createRateMeter();
  let seen = 0;
  while (!signal.aborted) {
    seen = await frames.next(seen);
    if (signal.aborted) return;
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) continue;
    const frame = await createImageBitmap(video);
    if (signal.aborted) {
      frame.close();
      return;
    }
    const { top, ms } = await classify(frame);
    if (signal.aborted) return;
    onAnswer({ top, workerMs: ms, framesPerSecond: meter.tick(performance.now()) });
  }
}
