/** JPEG quality of captured frames, in [0, 1]: close to the camera's picture, about 20-40 KB at 640x480. */
const CAPTURE_JPEG_QUALITY = 0.9;

/**
 * The frame `video` shows now, at the camera's own size, as a JPEG blob; null when the video has no frame
 * yet. The whole frame is kept: training makes it square as it does every photo (the photo-fit setting).
 */
export function grabJpeg(video: HTMLVideoElement): Promise<Blob | null> {
  const { videoWidth: width, videoHeight: height } = video;
  if (width === 0 || height === 0 || video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return Promise.resolve(null);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) return Promise.resolve(null);
  context.drawImage(video, 0, 0, width, height);
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', CAPTURE_JPEG_QUALITY));
}
