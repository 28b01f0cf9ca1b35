import type { SkippedFile } from '../../core/types';
import { FileReasons } from '../shared/FileReasons';

/** The files that were not used, each with its reason (paths shown as text). */
export function SkippedList({ skipped }: { readonly skipped: readonly SkippedFile[] }) {
  return (
    <FileReasons
      files={skipped.map((s) => ({ name: s.file, reason: s.reason }))}
      summary={`${skipped.length} files skipped`}
      summaryTestId="skipped-count"
      itemTestId="skipped-file"
    />
  );
}
