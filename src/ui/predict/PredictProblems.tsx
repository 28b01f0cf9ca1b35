import { FileReasons } from '../shared/FileReasons';

/**
 * Files that were not classified, each with its reason (names shown as text): the `unreadable` images that
 * could not be decoded first, then the other files left out (not images, empty, system files). The heading
 * counts both, in the words the summary above uses.
 */
export function PredictProblems({ problems, unreadable }: { readonly problems: readonly { name: string; reason: string }[]; readonly unreadable: number }) {
  const others = problems.length - unreadable;
  const parts = [
    unreadable > 0 ? `${unreadable} image${unreadable === 1 ? '' : 's'} that could not be read` : '',
    others > 0 ? `${others} other file${others === 1 ? '' : 's'} left out` : '',
  ].filter(Boolean);
  return (
    <FileReasons
      files={problems}
      summary={`${problems.length} file${problems.length === 1 ? '' : 's'} not classified${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`}
      open
      testId="predict-errors"
      itemTestId="predict-error"
    />
  );
}
