import type { ScanFindings } from '../../state';

/**
 * The blob to show for file `fileIndex`: the scan's small JPEG preview when there is one (cheap to decode
 * by the dozen), else the user's own file; null when neither exists.
 */
export function previewFile(scan: ScanFindings | null, files: readonly Blob[], fileIndex: number | undefined): Blob | null {
  if (fileIndex === undefined) return null;
  return scan?.thumbnails.get(fileIndex) ?? files[fileIndex] ?? null;
}
