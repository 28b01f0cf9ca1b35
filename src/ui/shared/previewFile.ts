import type { ScanFindings } from '../../state';
import { useStudio } from './useStudio';

/**
 * The blob to show for file `fileIndex`: the scan's small JPEG preview when there is one (cheap to decode
 * by the dozen), else the user's own file; null when neither exists.
 */
export function previewFile(scan: ScanFindings | null, files: readonly Blob[], fileIndex: number | undefined): Blob | null {
  if (fileIndex === undefined) return null;
  return scan?.thumbnails.get(fileIndex) ?? files[fileIndex] ?? null;
}

/** A function from a dataset path (`DatasetItem.path`, as in reports) to the user's own file; null when it is not in the dataset now. */
export function useFileOfPath(): (path: string) => Blob | null {
  const files = useStudio((s) => s.files);
  const itemsByPath = useStudio((s) => s.itemsByPath);
  return (path) => {
    const item = itemsByPath.get(path);
    return item ? (files[item.fileIndex] ?? null) : null;
  };
}
