import { useCallback, useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';
import { cameraErrorMessage, listCameras, openCamera, releaseCamera } from './webcamCamera';
import type { CameraChoice } from './webcamCamera';

/** The camera as a panel sees it. */
export interface CameraState {
  /** The `<video>` the stream plays in (rendered by the panel at all times, hidden while off). */
  readonly videoRef: RefObject<HTMLVideoElement | null>;
  readonly status: 'off' | 'starting' | 'on';
  /** Why the camera is off, for a person (see `cameraErrorMessage`), or null. */
  readonly error: string | null;
  /** The cameras listed once permission was given. */
  readonly cameras: readonly CameraChoice[];
  /** The camera in use or chosen next; `''` is the browser's default. */
  readonly cameraId: string;
  /** Opens the default camera, or the one chosen. */
  start(): void;
  /** Stops every track (the camera is released) and empties the video. */
  stop(): void;
  /** Chooses a camera: switches to it at once when the camera is on. */
  choose(deviceId: string): void;
}

/** Opens, switches and releases a camera for one panel; unmounting releases it. */
export function useCamera(): CameraState {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const stream = useRef<MediaStream | null>(null);
  // Each start or stop gets a number: a start that finishes after a later start or stop gives its camera back.
  const attempt = useRef(0);
  const [status, setStatus] = useState<CameraState['status']>('off');
  const [error, setError] = useState<string | null>(null);
  const [cameras, setCameras] = useState<readonly CameraChoice[]>([]);
  const [cameraId, setCameraId] = useState('');

  const release = useCallback(() => {
    releaseCamera(stream.current);
    stream.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
  }, []);

  const stop = useCallback(() => {
    attempt.current++;
    release();
    setStatus('off');
  }, [release]);

  const open = useCallback(
    async (deviceId: string) => {
      release();
      const mine = ++attempt.current;
      setError(null);
      setStatus('starting');
      try {
        const opened = await openCamera(deviceId || null);
        if (attempt.current !== mine) return releaseCamera(opened);
        stream.current = opened;
        const track = opened.getVideoTracks()[0];
        track?.addEventListener('ended', () => {
          if (stream.current !== opened) return;
          stop();
          setError('The camera stopped: it was unplugged or taken by another application. Press Start camera to try again.');
        });
        const video = videoRef.current;
        if (video) {
          video.srcObject = opened;
          await video.play();
        }
        if (attempt.current !== mine) return;
        setStatus('on');
        setCameraId(track?.getSettings().deviceId ?? deviceId);
        setCameras(await listCameras());
      } catch (reason) {
        if (attempt.current !== mine) return;
        release();
        setStatus('off');
        setError(cameraErrorMessage(reason));
      }
    },
    [release, stop],
  );

  useEffect(
    () => () => {
      attempt.current++;
      releaseCamera(stream.current);
      stream.current = null;
    },
    [],
  );

  return {
    videoRef,
    status,
    error,
    cameras,
    cameraId,
    start: () => void open(cameraId),
    stop,
    choose: (deviceId) => (status === 'off' ? setCameraId(deviceId) : void open(deviceId)),
  };
}
