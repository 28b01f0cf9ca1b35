import { FileReasons } from '../shared/FileReasons';

/** Files that were left out or could not be read, each with its reason (names shown as text). */
export function PredictProblems({ problems }: { readonly problems: readonly { name: string; reason: string }[] }) {
  return (
    <FileReasons
      files={problems}
      summary={`${problems.length} file${problems.length === 1 ? '' : 's'} not classified`}
      open
      testId="predict-errors"
      itemTestId="predict-error"
    />
  );
}
