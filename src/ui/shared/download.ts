/**
 * The page's one way to save a file: a Blob through the browser's download (an object URL, revoked once the
 * download has had time to start; 10 s, since a large project file can take a moment to be handed over).
 */

/** Saves `blob` (a `.zip`, a project file, a CSV...) as `fileName` through the browser's download. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves `text` as a file of type `mimeType`. */
export function downloadText(fileName: string, text: string, mimeType: string): void {
  downloadBlob(fileName, new Blob([text], { type: mimeType }));
}

/** Saves `data` as a pretty-printed JSON file. */
export function downloadJson(fileName: string, data: unknown): void {
  downloadText(fileName, JSON.stringify(data, null, 2), 'application/json');
}
