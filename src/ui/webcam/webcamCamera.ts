import { errorMessage } from '../../core/errors';

/** A camera the browser lists (after permission is given, when labels are filled in). */
export interface CameraChoice {
  readonly deviceId: string;
  readonly label: string;
}

/** The browser offers no camera API here (an insecure page, or a browser without one). */
export class NoCameraApiError extends Error {
  override readonly name = 'NoCameraApiError';
}

/**
 * Opens a camera: `deviceId` exactly, or the browser's default (asking for about 640x480). Asks for
 * permission the first time. Rejects with the browser's `DOMException` (see `cameraErrorMessage`) or
 * `NoCameraApiError`.
 */
export async function openCamera(deviceId: string | null): Promise<MediaStream> {
  const media = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!media || typeof media.getUserMedia !== 'function') {
    throw new NoCameraApiError('this page has no camera access');
  }
  const video: MediaTrackConstraints = deviceId ? { deviceId: { exact: deviceId } } : { width: { ideal: 640 }, height: { ideal: 480 } };
  return media.getUserMedia({ audio: false, video });
}

/** The video cameras, named as the browser names them (`Camera 2` when it gives no label). */
export async function listCameras(): Promise<CameraChoice[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

/** Stops every track of `stream`, which releases the camera (its light goes off). */
export function releaseCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** What went wrong opening the camera, for a person, with what to do about it. */
export function cameraErrorMessage(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NoCameraApiError':
      return 'This browser gives this page no camera: camera access needs a secure page (https or localhost) and a browser that supports it.';
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'Camera permission was denied. Allow the camera for this page (the camera icon in the address bar, or the site settings), then press Start camera again.';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Connect a camera (or choose another one), then press Start camera again.';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'The camera could not be started: another application may be using it. Close that application, then press Start camera again.';
    default:
      return `The camera could not be started: ${errorMessage(error)}`;
  }
}
